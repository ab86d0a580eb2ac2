// A failure's `reproduce` command, taken at its word: copied out of report.json and run by a real
// shell from the folder the run was started in, with the same environment, it reruns that one case
// and fails it the same way, without holding a credential. Its parts: POSIX quoting (proved by sh
// and bash themselves), the command form for how the kit was started, and the flags it carries.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES, CODE_MESSAGES } from "../generated/contract.js";
import { parseArgs, REPRODUCED_FLAGS, type CliOptions } from "../conformance/config.js";
import type { Report } from "../conformance/report.js";
import { escapeXml } from "../conformance/reporters/junit.js";
import { launcherWords, reproducedFlagWords, reproduceReportDir, shellQuote } from "../conformance/reproduce.js";
import { stringifyJson } from "../src/json.js";
import { TEST_ENV } from "./support/conformance-run.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe("shellQuote", () => {
  const WORDS = [
    "plain",
    "002_004-repeat",
    "refuse:header:X-KM-Tran-Token:pattern",
    "http://127.0.0.1:4020/open-api",
    "my qa/cases file.json",
    "it's",
    `say "hi"`,
    "refuse:auth:*",
    "*",
    "$HOME",
    "`id`",
    "$(id)",
    "a\\b",
    "!event",
    "~/cases.json",
    "=cmd",
    "a;b&c|d",
    "line\nbreak",
    "홍길동 사례.json",
    "",
    "-x",
    "#comment",
  ];
  let dir: string;
  beforeAll(() => {
    // Files a `*` would expand to if it reached the shell unquoted.
    dir = mkdtempSync(join(tmpdir(), "konaplate-quote-"));
    writeFileSync(join(dir, "a-file"), "");
    writeFileSync(join(dir, "b-file"), "");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["sh", "bash"])("%s reads back every word exactly as given", async (shell) => {
    const line = `printf '%s\\0' ${WORDS.map(shellQuote).join(" ")}`;
    const run = await exec(shell, ["-c", line], dir, { PATH: process.env.PATH, HOME: "/nonexistent-home" });
    expect(run.stderr).toBe("");
    expect(run.stdout.split("\0").slice(0, -1)).toEqual(WORDS);
  });

  it("leaves ordinary words bare and quotes the rest", () => {
    expect(shellQuote("002_003")).toBe("002_003");
    expect(shellQuote("http://127.0.0.1:4020/")).toBe("http://127.0.0.1:4020/");
    expect(shellQuote("refuse:auth:*")).toBe("'refuse:auth:*'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
  });
});

describe("the command form", () => {
  const CLONE_FILE = join(ROOT, "conformance", "reproduce.ts");

  it("is npm run conformance -- when npm ran this clone's own script", () => {
    expect(launcherWords({ npm_lifecycle_event: "conformance", npm_package_json: join(ROOT, "package.json") }, CLONE_FILE)).toEqual(["npm", "run", "conformance", "--"]);
    expect(launcherWords({ npm_lifecycle_event: "conformance", npm_package_json: join(ROOT, "package.json") }, join(ROOT, "dist", "conformance", "reproduce.js"))).toEqual([
      "npm",
      "run",
      "conformance",
      "--",
    ]);
  });

  it("is npx konaplate-conformance for the installed kit, whatever script of the user's project ran it", () => {
    const installed = "/home/qa/project/node_modules/konaplate-contract-kit/dist/conformance/reproduce.js";
    const npx = ["npx", "--no-install", "konaplate-conformance"];
    expect(launcherWords({ npm_lifecycle_event: "npx", npm_package_json: "/home/qa/project/package.json" }, installed)).toEqual(npx);
    expect(launcherWords({ npm_lifecycle_event: "conformance", npm_package_json: "/home/qa/project/package.json" }, installed)).toEqual(npx);
    expect(launcherWords({}, installed)).toEqual(npx);
    // Another project's script of the same name is not this clone's.
    expect(launcherWords({ npm_lifecycle_event: "conformance", npm_package_json: "/home/qa/other/package.json" }, CLONE_FILE)).toEqual(npx);
  });
});

describe("the flags it carries", () => {
  const typed = (argv: string[]): CliOptions => parseArgs(argv);

  it("carries every flag of REPRODUCED_FLAGS the run set, as typed, and nothing for defaults", () => {
    expect(reproducedFlagWords(typed([]))).toEqual([]);
    expect(reproducedFlagWords(typed(["--timeout", "10000", "--concurrency", "1", "--only", "002_*", "--report-dir", "out"]))).toEqual([]);
    const all = ["--target", "https://staging.example/open-api", "--cases", "qa/cases.json", "--kind", "acceptance", "--timeout", "2500", "--strict", "--max-response-time", "800", "--fuzz", "20", "--seed", "7"];
    expect(reproducedFlagWords(typed(all))).toEqual(all);
    expect(REPRODUCED_FLAGS.map((f) => f.flag)).toEqual(["target", "cases", "kind", "timeout", "strict", "max-response-time", "fuzz", "seed"]);
    // Without --fuzz there is no seed to carry, and --fuzz 0 is the default.
    expect(reproducedFlagWords(typed(["--fuzz", "0"]))).toEqual([]);
  });

  it("carries a new flag by its entry in the list alone", () => {
    const withConcurrency = [...REPRODUCED_FLAGS, { flag: "concurrency" as const, value: (o: CliOptions) => String(o.concurrency) }];
    expect(reproducedFlagWords(typed(["--concurrency", "2"]), withConcurrency)).toEqual(["--concurrency", "2"]);
  });

  it("writes a reproduction's reports beside the run's own, never over them", () => {
    expect(reproduceReportDir("conformance-report")).toBe("conformance-report/reproduce");
    expect(reproduceReportDir("/abs/qa out")).toBe("/abs/qa out/reproduce");
    // A reproduction of a reproduction writes where the first did.
    expect(reproduceReportDir("conformance-report/reproduce")).toBe("conformance-report/reproduce");
  });
});

describe("a failure reproduced by its own command, from the folder the run was started in", () => {
  const BROKEN = "002_003";
  const brokenBody = stringifyJson(CASES.find((c) => c.id === BROKEN)!.request.body);
  let server: FaithfulServer;
  let base: string;
  let folder: string;
  const env = { ...process.env, ...TEST_ENV };

  beforeAll(async () => {
    // A server that answers the name-mismatch case with another documented code.
    server = await startFaithfulServer({
      secretKey: TEST_ENV.KONAPLATE_SECRET_KEY,
      respond: (request) =>
        stringifyJson(request.body) === brokenBody ? { status: 400, body: { response: { code: "002_004", description: CODE_MESSAGES["002_004"].message } } } : undefined,
    });
    // `npm run` finds the clone from any folder inside it; a space and a quote test the quoting.
    base = mkdtempSync(join(ROOT, ".reproduce-test-"));
    folder = join(base, "my qa");
    mkdirSync(folder);
    writeFileSync(join(folder, "it's cases.json"), JSON.stringify({ success: { headers: { "X-Trace": "qa" } } }));
  });
  afterAll(async () => {
    await server?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it("exits 1 with only that case run and failed, holds no secret, and junit.xml and the terminal show it", async () => {
    const original = await exec("npm", ["run", "--silent", "conformance", "--", "--target", server.url, "--cases", "it's cases.json", "--kind", "documented", "--timeout", "5000", "--report-dir", "out"], folder, env);
    expect(original.stderr).toBe("");
    expect(original.code).toBe(1);
    const report = JSON.parse(readFileSync(join(folder, "out", "report.json"), "utf8")) as Report;
    expect(report.summary).toMatchObject({ total: 13, failed: 1 });
    const failed = report.cases.find((c) => c.id === BROKEN)!;
    expect(failed.status).toBe("failed");
    const command = `npm run conformance -- --only 002_003 --target ${server.url}/ --cases 'it'\\''s cases.json' --kind documented --timeout 5000 --report-dir out/reproduce`;
    expect(failed.reproduce).toBe(command);
    expect(report.cases.filter((c) => c.reproduce !== undefined).map((c) => c.id)).toEqual([BROKEN]);
    expect(report.reproduceEnvironment).toEqual(["KONAPLATE_ASP_ID", "KONAPLATE_ACCESS_KEY", "KONAPLATE_SECRET_KEY", "KONAPLATE_TIME_ZONE"]);
    for (const value of Object.values(TEST_ENV).filter((v) => v.length > 3)) expect(command).not.toContain(value);
    expect(original.stdout).toContain(`  002_003  code: `);
    expect(original.stdout).toContain(`\n           reproduce: ${command}\n`);
    expect(original.stdout).toContain("with KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY, KONAPLATE_TIME_ZONE set as they were");
    const junit = readFileSync(join(folder, "out", "junit.xml"), "utf8");
    expect(junit).toMatch(new RegExp(`<failure [^>]*>[^<]*${escapeRegExp(escapeXml(`reproduce: ${command}`))}[^<]*</failure>`));

    const sent = server.requests.length;
    const again = await exec("sh", ["-c", failed.reproduce!], folder, env);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(1);
    expect(again.stdout.trimEnd().split("\n").at(-1)).toBe("0 passed, 1 failed");
    const reproduced = JSON.parse(readFileSync(join(folder, "out", "reproduce", "report.json"), "utf8")) as Report;
    expect(reproduced.cases.map((c) => [c.id, c.status])).toEqual([[BROKEN, "failed"]]);
    const failedChecks = (r: Report) => r.cases[0]!.checks.filter((k) => !k.ok).map((k) => [k.name, k.message]);
    expect(failedChecks(reproduced)).toEqual(failedChecks({ ...report, cases: [failed] }));
    // One request, that case's body, signed afresh with the same override file read.
    expect(server.requests.slice(sent)).toHaveLength(1);
    expect(stringifyJson(server.requests.at(-1)!.body)).toBe(brokenBody);
    expect(server.requests.at(-1)!.verdict.tokenOk).toBe(true);
    // The reproduction reproduces itself, and the run's own reports stay as they were.
    expect(reproduced.cases[0]!.reproduce).toBe(command);
    expect((JSON.parse(readFileSync(join(folder, "out", "report.json"), "utf8")) as Report).summary.total).toBe(13);
  }, 120_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
