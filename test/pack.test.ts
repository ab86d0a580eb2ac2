// The kit as users get it: `npm pack` (which builds dist/), installed into a fresh project, imported
// by name from plain JavaScript against a live faithful server, type-checked from TypeScript, and
// its commands run with npx from a subfolder of that project, as compiled JS (no tsx installed).
// The same packed install then runs the CI recipes under examples/ci/ (one pack, one install).
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BANKS, CASE_IDS, CASES, CODE_MESSAGES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { startSandbox, type Sandbox, type SandboxRequest } from "../sandbox/server.js";
import { BASE_PATH } from "../sandbox/settings.js";
import {
  freshCheckout, GITHUB_RECIPE, GITLAB_RECIPE, githubSteps, gitlabJob, gitlabJobNames, kitSpec, readRecipe, runGithubJob, runGitlabJob, teamProject, type Shell,
} from "./support/ci-recipes.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { packAndInstall, REPO, type PackedKit } from "./support/packed-kit.js";
import { killMarked, newMarker } from "./support/processes.js";

const run = promisify(execFile);
const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
const SECRET_KEY = "pack-test-secret";
const brokenBody = stringifyJson(CASES.find((c) => c.id === "002_003")!.request.body);

let tmp: string;
let kit: PackedKit;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "konaplate-pack-"));
  kit = await packAndInstall(tmp);
}, 180_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 120_000);

// Plain JS, as a user would write it; prints what it saw as one JSON line.
const PROBE_MJS = `
import { createKonaplateClient, BANKS, KonaplateValidationError } from "konaplate-contract-kit";
const kona = createKonaplateClient({
  baseUrl: process.env.KONA_URL,
  aspId: "KONAPLATEASP001",
  accessKey: "AK00000000000000000000000000000000000001",
  secretKey: process.env.KONA_SECRET,
});
const person = { userId: 9999999999999999999n, userName: "김코나", birthDate: "19751112", bankCode: "003", bankAccount: "333015555557" };
const out = { bank: BANKS["003"].en };
const r = await kona.verifyAccountHolder(person);
out.result = { ok: r.ok, code: r.code, correlationId: r.correlationId };
try {
  await kona.verifyAccountHolder({ ...person, bankAccount: "3330-1555" });
} catch (e) {
  out.refused = { isValidation: e instanceof KonaplateValidationError, paths: e.violations.map((v) => v.path), message: e.message };
}
console.log(JSON.stringify(out));
`;

// Types must resolve from the package by name; @ts-expect-error proves they are not \`any\`.
const CHECK_TS = `
import { BANKS, createKonaplateClient, type BankCode, type paths, type VerifyAccountHolderResult } from "konaplate-contract-kit";
const code: BankCode = "003";
export const bankName: string = BANKS[code].en;
// @ts-expect-error -- "999" is not a documented bank code
export const nope: BankCode = "999";
const kona = createKonaplateClient({ baseUrl: "http://127.0.0.1:9", aspId: "a", accessKey: "b", secretKey: "c" });
export const pending: Promise<VerifyAccountHolderResult> = kona.verifyAccountHolder({
  userId: 1n, userName: "x", birthDate: "19751112", bankCode: code, bankAccount: "1",
});
export const path: keyof paths = "/api/v1/bankaccounts/user/valid";
`;

const TSCONFIG = {
  compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], strict: true, noEmit: true, types: [] },
  files: ["check.ts"],
};

describe("npm package", () => {
  let server: FaithfulServer;

  beforeAll(async () => {
    // One documented case answered wrongly, for the reproduce command below; the probe sends another.
    server = await startFaithfulServer({
      secretKey: SECRET_KEY,
      respond: (request) => (stringifyJson(request.body) === brokenBody ? { status: 400, body: { response: { code: "002_004", description: CODE_MESSAGES["002_004"].message } } } : undefined),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("packs, installs into a fresh project, and works from JavaScript and TypeScript", async () => {
    expect(kit.tarballName).toMatch(/^konaplate-contract-kit-.+\.tgz$/);
    const { stdout: listing } = await run("tar", ["-tzf", kit.tarball]);
    const files = listing.split("\n").filter(Boolean);
    for (const needed of [
      "package/dist/src/index.js",
      "package/dist/src/index.d.ts",
      "package/dist/generated/openapi.json",
      "package/dist/generated/schema.d.ts",
      "package/spec/openapi.yaml",
      "package/dist/conformance/cli.js",
      "package/dist/scripts/mock.js",
      "package/dist/scripts/proxy.js",
      "package/dist/scripts/sandbox.js",
      "package/dist/sandbox/server.js",
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith("package/test/") || f.startsWith("package/src/"))).toEqual([]);

    const project = kit.project;
    writeFileSync(join(project, "probe.mjs"), PROBE_MJS);
    const { stdout } = await run(process.execPath, ["probe.mjs"], {
      cwd: project,
      env: { ...process.env, KONA_URL: `${server.url}/open-api`, KONA_SECRET: SECRET_KEY },
    });
    const out = JSON.parse(stdout) as {
      bank: string;
      result: { ok: boolean; code: string; correlationId: string };
      refused?: { isValidation: boolean; paths: string[]; message: string };
    };
    expect(out.bank).toBe(BANKS["003"].en);
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.verdict.tokenOk).toBe(true);
    expect(request.verdict.headerViolations).toEqual([]);
    expect(request.rawBody).toContain('"userId":9999999999999999999,');
    expect(out.result).toEqual({ ok: true, code: "000_000", correlationId: request.headers["x-km-correlation-id"] });
    expect(out.refused).toMatchObject({ isValidation: true, paths: ["bankAccount"] });
    expect(out.refused!.message).toContain("bankAccount");

    writeFileSync(join(project, "check.ts"), CHECK_TS);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG));
    const typecheck = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project }).then(
      () => "ok",
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    expect(typecheck).toBe("ok");

    // The commands, from a subfolder of the user's project: compiled JS, the spec found inside the
    // installed package, reports where the user stands.
    expect(existsSync(join(project, "node_modules", "tsx"))).toBe(false);
    const qa = join(project, "qa");
    mkdirSync(qa);
    const npx = (args: string[]) => run("npx", ["--no-install", ...args], { cwd: qa, env: { ...process.env, INIT_CWD: qa } });
    const help = await npx(["konaplate-conformance", "--help"]);
    expect(help.stdout).toContain("npx konaplate-conformance");
    expect(help.stdout).toContain(`documented: ${CASE_IDS[0]}`);
    const mockHelp = await npx(["konaplate-mock", "--help"]);
    expect(mockHelp.stdout).toContain("--port N");
    const sandboxHelp = await npx(["konaplate-sandbox", "--help"]);
    expect(sandboxHelp.stdout).toMatch(/200 000_000 +success +김코나 19751112 bank 003 account 333015555557/);
    const refused = await npx(["konaplate-proxy"]).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? "" }),
    );
    expect(refused).toMatchObject({ code: 2 });
    expect(refused.stderr).toContain("proxy: --target URL is required");

    const conformance = await npx(["konaplate-conformance", "--report-dir", "out"]);
    // Documented and refusal cases; those the mock cannot judge are skipped, none fails.
    expect(conformance.stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ passed( \(\d+ with warnings\))?, 0 failed, [1-9]\d* skipped$/);
    expect(conformance.stdout).toContain(`Reports: ${join(qa, "out", "report.json")}`);
    const report = JSON.parse(readFileSync(join(qa, "out", "report.json"), "utf8")) as { summary: { total: number; passed: number; failed: number }; cases: { kind: string; status: string }[] };
    expect(report.summary.failed).toBe(0);
    expect(report.cases.filter((c) => c.kind === "documented" && c.status === "passed")).toHaveLength(CASE_IDS.length);
    expect(report.cases.some((c) => c.kind === "refusal" && c.status === "passed")).toBe(true);

    // A failure's reproduce command is the installed command, and reruns that case alone from here.
    const env = { ...process.env, INIT_CWD: qa, KONAPLATE_ASP_ID: "KONAPLATEASP001", KONAPLATE_ACCESS_KEY: "AK00000000000000000000000000000000000001", KONAPLATE_SECRET_KEY: SECRET_KEY };
    const exitOf = (p: Promise<unknown>) => p.then(() => 0, (err: { code?: number }) => err.code);
    expect(await exitOf(run("npx", ["--no-install", "konaplate-conformance", "--target", server.url, "--only", "success,002_003", "--report-dir", "failing"], { cwd: qa, env }))).toBe(1);
    const failing = JSON.parse(readFileSync(join(qa, "failing", "report.json"), "utf8")) as { cases: { id: string; status: string; reproduce?: string }[] };
    const reproduce = failing.cases.find((c) => c.id === "002_003")!.reproduce!;
    expect(reproduce).toBe(`npx --no-install konaplate-conformance --only 002_003 --target ${server.url}/ --report-dir failing/reproduce`);
    expect(await exitOf(run("sh", ["-c", reproduce], { cwd: qa, env }))).toBe(1);
    const again = JSON.parse(readFileSync(join(qa, "failing", "reproduce", "report.json"), "utf8")) as { cases: { id: string; status: string }[] };
    expect(again.cases.map((c) => [c.id, c.status])).toEqual([["002_003", "failed"]]);
  }, 120_000);
});

// ---- CI recipes ----

/** The settings a team stores in its CI service (secrets and variables), for the sandbox below. */
const CI_CREDENTIALS = {
  KONAPLATE_ASP_ID: "KONAPLATECI0042",
  KONAPLATE_ACCESS_KEY: "AK-ci-recipe-access-key-0123456789abcdef",
  KONAPLATE_SECRET_KEY: "SK-ci-recipe-secret-key-never-shown",
};
const CRYPTO_KEY_ID = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1";
const pemPair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const serverKeys = pemPair();
const clientKeys = pemPair();

/** What one CI job did: its exit code, its log, and the files its publishing steps would pick up. */
interface JobOutcome {
  code: number;
  log: string;
  /** JUnit files the job publishes as a test report, relative to the project. */
  junit: string[];
  /** Paths the job uploads as artifacts, relative to the project. */
  artifacts: string[];
}

interface RecipeUnderTest {
  file: string;
  text: string;
  kitSpec: string;
  /** The encryption keys as the CI service hands them over: PEM text (GitHub secrets) or paths (GitLab File variables). */
  keysAsFiles: boolean;
  /** Asserts which job runs when, and that `variables` (every KONAPLATE_* the kit reads) reach the staging job and never the mock job. */
  jobShape: (variables: string[]) => void;
  mock(shell: Shell, settings: Record<string, string>): Promise<JobOutcome>;
  staging(shell: Shell, settings: Record<string, string>): Promise<JobOutcome>;
}

function githubRecipe(): RecipeUnderTest {
  const { text, doc } = readRecipe(GITHUB_RECIPE);
  const jobs = doc.jobs as Record<string, { if?: string; env?: Record<string, string> }>;
  const runJob = async (name: string, shell: Shell, settings: Record<string, string>): Promise<JobOutcome> => {
    const steps = await runGithubJob(doc, name, { secrets: settings, vars: settings }, shell);
    const started = (prefix: string) => steps.filter((s) => s.ran && s.uses?.startsWith(prefix));
    const failing = steps.find((s) => s.result && s.result.code !== 0);
    return {
      code: failing?.result?.code ?? 0,
      log: steps.map((s) => (s.result ? s.result.stdout + s.result.stderr : "")).join(""),
      junit: started("dorny/test-reporter@").filter((s) => s.with.reporter === "java-junit").map((s) => String(s.with.path)),
      artifacts: started("actions/upload-artifact@").map((s) => String(s.with.path)),
    };
  };
  return {
    file: GITHUB_RECIPE,
    text,
    kitSpec: kitSpec(doc.env, GITHUB_RECIPE),
    keysAsFiles: false,
    jobShape: (variables) => {
      expect(Object.keys(jobs.staging?.env ?? {}).sort()).toEqual([...variables].sort());
      for (const job of ["mock", "staging"]) {
        const uses = githubSteps(jobs[job] as Record<string, unknown>, job).map((s) => s.uses?.replace(/@.*/, "") ?? "run");
        expect(uses.slice(0, 3)).toEqual(["actions/checkout", "actions/setup-node", "run"]);
      }
      expect(jobs.mock?.if).toBe("github.event_name == 'pull_request'");
      expect(jobs.staging?.if).toBe("github.event_name != 'pull_request'");
      // The mock job has nothing to hand out: no secret, no variable, no target.
      expect(JSON.stringify(jobs.mock)).not.toMatch(/secrets\.|vars\.|--target/);
    },
    mock: (shell, settings) => runJob("mock", shell, settings),
    staging: (shell, settings) => runJob("staging", shell, settings),
  };
}

function gitlabRecipe(): RecipeUnderTest {
  const { text, doc } = readRecipe(GITLAB_RECIPE);
  const runJob = async (name: string, shell: Shell, settings: Record<string, string>): Promise<JobOutcome> => {
    const result = await runGitlabJob(doc, name, settings, shell);
    const artifacts = gitlabJob(doc, name).artifacts as { when?: string; paths?: string[]; reports?: { junit?: string } } | undefined;
    const kept = result.code === 0 || artifacts?.when === "always";
    return {
      code: result.code,
      log: result.stdout + result.stderr,
      junit: kept && artifacts?.reports?.junit ? [artifacts.reports.junit] : [],
      artifacts: kept ? (artifacts?.paths ?? []) : [],
    };
  };
  return {
    file: GITLAB_RECIPE,
    text,
    kitSpec: kitSpec(doc.variables, GITLAB_RECIPE),
    keysAsFiles: true,
    jobShape: (variables) => {
      const unset = (gitlabJob(doc, "konaplate-conformance-mock").script as string[]).find((line) => line.startsWith("unset "));
      expect(unset?.split(" ").slice(1).sort()).toEqual([...variables].sort());
      expect(gitlabJobNames(doc)).toEqual(["konaplate-conformance-mock", "konaplate-conformance-staging"]);
      const rules = (name: string) => JSON.stringify(gitlabJob(doc, name).rules);
      expect(rules("konaplate-conformance-mock")).toContain('$CI_PIPELINE_SOURCE == \\"merge_request_event\\"');
      expect(rules("konaplate-conformance-staging")).not.toContain("merge_request_event");
    },
    mock: (shell, settings) => runJob("konaplate-conformance-mock", shell, settings),
    staging: (shell, settings) => runJob("konaplate-conformance-staging", shell, settings),
  };
}

interface PublishedReport {
  summary: { total: number; passed: number; failed: number; skipped: number };
  target: string;
  junit: string;
  html: string;
}

/** The files a job promised: its JUnit report and report.html/report.json in an uploaded folder. */
function published(project: string, outcome: JobOutcome): PublishedReport {
  expect(outcome.junit).toHaveLength(1);
  expect(outcome.artifacts).toHaveLength(1);
  const junit = readFileSync(join(project, outcome.junit[0]!), "utf8");
  const folder = join(project, outcome.artifacts[0]!);
  const report = JSON.parse(readFileSync(join(folder, "report.json"), "utf8")) as { summary: PublishedReport["summary"]; target: string };
  return { summary: report.summary, target: report.target, junit, html: readFileSync(join(folder, "report.html"), "utf8") };
}

describe("CI recipes", () => {
  let sandbox: Sandbox;
  const received: SandboxRequest[] = [];
  const markers: string[] = [];
  let help: string;
  let keyDir: string;
  let team: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      basePath: BASE_PATH,
      credentials: { aspId: CI_CREDENTIALS.KONAPLATE_ASP_ID, accessKey: CI_CREDENTIALS.KONAPLATE_ACCESS_KEY, secretKey: CI_CREDENTIALS.KONAPLATE_SECRET_KEY },
      encryption: { serverPrivateKey: serverKeys.privateKey, clientPublicKey: clientKeys.publicKey, cryptoKeyId: CRYPTO_KEY_ID },
      maxClockSkewSeconds: 300,
      override: (request) => {
        received.push(request);
        return undefined;
      },
    });
    team = teamProject(kit, join(tmp, "team-service"));
    keyDir = join(tmp, "ci-keys");
    mkdirSync(keyDir);
    help = (await run("npx", ["--no-install", "konaplate-conformance", "--help"], { cwd: kit.project })).stdout;
  });
  afterAll(async () => {
    markers.forEach(killMarked);
    await sandbox?.close();
  });

  function shellIn(dir: string): Shell {
    const marker = newMarker("ci-recipe");
    markers.push(marker);
    return { cwd: dir, marker };
  }

  /** The settings of a team that uses encrypted mode, keys as the recipe's CI service hands them over. */
  function encryptedSettings(recipe: RecipeUnderTest): Record<string, string> {
    let serverPublicKey = serverKeys.publicKey;
    let clientPrivateKey = clientKeys.privateKey;
    if (recipe.keysAsFiles) {
      serverPublicKey = join(keyDir, "server-public.pem");
      clientPrivateKey = join(keyDir, "client-private.pem");
      writeFileSync(serverPublicKey, serverKeys.publicKey);
      writeFileSync(clientPrivateKey, clientKeys.privateKey);
    }
    return {
      KONAPLATE_BASE_URL: sandbox.baseUrl,
      ...CI_CREDENTIALS,
      KONAPLATE_CRYPTO_KEY_ID: CRYPTO_KEY_ID,
      KONAPLATE_SERVER_PUBLIC_KEY: serverPublicKey,
      KONAPLATE_CLIENT_PRIVATE_KEY: clientPrivateKey,
    };
  }

  const NEVER_SHOWN = [CI_CREDENTIALS.KONAPLATE_ACCESS_KEY, CI_CREDENTIALS.KONAPLATE_SECRET_KEY, ...clientKeys.privateKey.split("\n").filter((l) => l.length > 40)];

  for (const load of [githubRecipe, gitlabRecipe]) {
    const recipe = load();
    const project = () => freshCheckout(kit, team, recipe.kitSpec);

    describe(recipe.file, () => {
      it("names konaplate-conformance and JUnit output, takes the kit from KONAPLATE_KIT, uses only flags and variables the kit knows", () => {
        const commands = recipe.text.split("\n").filter((line) => /^[^#]*npx --no-install konaplate-conformance /.test(line));
        expect(commands).toHaveLength(2);
        for (const command of commands) {
          expect(command).toContain("--report-dir conformance-report");
          for (const flag of command.match(/--[a-z-]+/g)!.filter((f) => f !== "--no-install")) expect(help).toMatch(new RegExp(`^ +${flag} `, "m"));
        }
        expect(recipe.text).toMatch(/junit/i);
        // The version `npm pack` writes: a new version means a new default here.
        expect(basename(recipe.kitSpec)).toBe(kit.tarballName);
        const installs = recipe.text.split("\n").filter((line) => /npm (install|ci)\b/.test(line) && !line.trimStart().startsWith("#"));
        expect(installs.length).toBeGreaterThan(0);
        for (const line of installs) expect(line).toMatch(/(- |run: )npm install --no-save --no-audit --no-fund "\$KONAPLATE_KIT"$/);
        // Every variable the kit reads, as --help lists them, is named where a team looks for it.
        const variables = [...new Set(help.match(/KONAPLATE_[A-Z_]+/g))];
        expect(variables.length).toBeGreaterThanOrEqual(8);
        const header = recipe.text.split("\n").filter((line) => line.startsWith("#")).join("\n");
        for (const variable of variables) expect(header).toContain(variable);
        recipe.jobShape(variables);
      });

      it("mock job: installs the kit, tests the embedded mock with nothing of the team's sent anywhere, publishes junit.xml and the HTML report", async () => {
        const dir = project();
        received.length = 0;
        const outcome = await recipe.mock(shellIn(dir), encryptedSettings(recipe));
        expect(outcome.code, outcome.log).toBe(0);
        expect(existsSync(join(dir, "node_modules", ".bin", "konaplate-conformance"))).toBe(true);
        expect(received).toEqual([]);
        const report = published(dir, outcome);
        expect(report.summary.failed).toBe(0);
        expect(report.summary.skipped).toBeGreaterThan(0); // what only the mock skips: it cannot judge tokens
        expect(report.target).not.toContain(sandbox.origin);
        expect(report.junit).toMatch(/<testsuites name="konaplate-conformance" tests="\d+" failures="0"/);
        expect(report.html).toMatch(/^<!doctype html>/i);
      });

      it("staging job: every case against KONAPLATE_BASE_URL with the credentials and keys from the CI service; no secret in the log or a report", async () => {
        const dir = project();
        received.length = 0;
        const outcome = await recipe.staging(shellIn(dir), encryptedSettings(recipe));
        expect(outcome.code, outcome.log).toBe(0);
        const report = published(dir, outcome);
        expect(report.target).toBe(sandbox.baseUrl);
        expect(report.summary).toMatchObject({ failed: 0, skipped: 0 });
        expect(report.summary.passed).toBe(report.summary.total);
        expect(received.length).toBeGreaterThanOrEqual(report.summary.total);
        expect(received.some((r) => r.encrypted)).toBe(true);
        const everything = [outcome.log, report.junit, report.html, readFileSync(join(dir, outcome.artifacts[0]!, "report.json"), "utf8")].join("\n");
        for (const secret of NEVER_SHOWN) expect(everything).not.toContain(secret);
      });

      it("staging job, cases failing: the run exits 1 and its reports are still published", async () => {
        const dir = project();
        const outcome = await recipe.staging(shellIn(dir), { KONAPLATE_BASE_URL: sandbox.baseUrl, ...CI_CREDENTIALS, KONAPLATE_SECRET_KEY: "SK-a-stale-secret-key" });
        expect(outcome.code, outcome.log).toBe(1);
        const report = published(dir, outcome);
        expect(report.summary.failed).toBeGreaterThan(0);
        expect(report.junit).toMatch(/<failure /);
      });

      it("staging job without KONAPLATE_BASE_URL stops with exit 2 rather than test the mock", async () => {
        const dir = project();
        const outcome = await recipe.staging(shellIn(dir), { ...CI_CREDENTIALS });
        expect(outcome.code).toBe(2);
        expect(outcome.log).toContain("KONAPLATE_BASE_URL is empty");
        expect(existsSync(join(dir, "conformance-report"))).toBe(false);
      });
    });
  }

  it("README's \"In CI\" section shows the GitHub recipe as it is and names the GitLab one", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const section = readme.split("\n## In CI\n")[1]!.split("\n## ")[0]!;
    expect(section).toContain("```yaml\n" + readFileSync(join(REPO, GITHUB_RECIPE), "utf8") + "```\n");
    expect(section).toContain(GITHUB_RECIPE);
    expect(section).toContain(GITLAB_RECIPE);
    const headings = readme.split("\n").filter((line) => /^## /.test(line));
    expect(headings.indexOf("## In CI")).toBe(headings.indexOf("## Running the conformance suite") + 1);
    expect(headings.indexOf("## The mock and the proxy")).toBe(headings.indexOf("## In CI") + 1);
  });
});
