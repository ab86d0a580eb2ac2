// The kit as users get it: `npm pack` (which builds dist/), installed into a fresh project, imported
// by name from plain JavaScript against a live faithful server, type-checked from TypeScript, and
// its commands run with npx from a subfolder of that project, as compiled JS (no tsx installed).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BANKS, CASE_IDS, CASES, CODE_MESSAGES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
const SECRET_KEY = "pack-test-secret";
const brokenBody = stringifyJson(CASES.find((c) => c.id === "002_003")!.request.body);

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
  let tmp: string;
  let server: FaithfulServer;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "konaplate-pack-"));
    // One documented case answered wrongly, for the reproduce command below; the probe sends another.
    server = await startFaithfulServer({
      secretKey: SECRET_KEY,
      respond: (request) => (stringifyJson(request.body) === brokenBody ? { status: 400, body: { response: { code: "002_004", description: CODE_MESSAGES["002_004"].message } } } : undefined),
    });
  });
  afterAll(async () => {
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("packs, installs into a fresh project, and works from JavaScript and TypeScript", async () => {
    await run("npm", ["pack", "--pack-destination", tmp], { cwd: repo });
    const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const tarballPath = join(tmp, tarball!);

    const { stdout: listing } = await run("tar", ["-tzf", tarballPath]);
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

    const project = join(tmp, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "konaplate-pack-probe", private: true, type: "module" }));
    const install = ["install", "--no-audit", "--no-fund", tarballPath];
    try {
      await run("npm", [...install, "--offline"], { cwd: project });
    } catch {
      // The cache holds the dependency tarballs but not always their registry metadata.
      await run("npm", [...install, "--prefer-offline"], { cwd: project });
    }

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
    expect(reproduce).toBe(`npx konaplate-conformance --only 002_003 --target ${server.url}/ --report-dir failing/reproduce`);
    expect(await exitOf(run("sh", ["-c", reproduce], { cwd: qa, env }))).toBe(1);
    const again = JSON.parse(readFileSync(join(qa, "failing", "reproduce", "report.json"), "utf8")) as { cases: { id: string; status: string }[] };
    expect(again.cases.map((c) => [c.id, c.status])).toEqual([["002_003", "failed"]]);
  }, 180_000);
});
