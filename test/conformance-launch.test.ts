// Careless launches of the conformance CLI, with real files and processes: a header override fetch
// cannot send is refused naming the header and the rule (never the value, which may be a key); an
// unwritable report directory is found before the first request; reports replace a planted symlink
// instead of writing through it; and relative paths are the user's, resolved where npm was run.
import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { userPath } from "../conformance/config.js";
import type { Report } from "../conformance/report.js";
import { main } from "../conformance/cli.js";
import { CapturedStream, TEST_ENV } from "./support/conformance-run.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const CANARY = "AKHEADERCANARY00000000000000000000000042";

let tmp: string;
let server: FaithfulServer;
const scratch: string[] = [];

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), "konaplate-launch-"));
  scratch.push(tmp);
  server = await startFaithfulServer({ secretKey: TEST_ENV.KONAPLATE_SECRET_KEY });
});
afterEach(async () => {
  await server?.close();
});
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function inProcess(args: string[], env: NodeJS.ProcessEnv = TEST_ENV) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await main(args, env, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function processRun(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // cwd is the project root, as under `npm run`; INIT_CWD says where the user was.
    execFile(process.execPath, [TSX, "conformance/cli.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe("header overrides fetch cannot send", () => {
  it("a process refuses a CR/LF in X-KM-Access-Key with exit 2, naming the header and the rule, never the value", async () => {
    const cases = join(tmp, "cases.json");
    writeFileSync(cases, JSON.stringify({ success: { headers: { "X-KM-Access-Key": `${CANARY}\r\nX-Injected: 1` } } }));
    const reportDir = join(tmp, "reports");
    const run = await processRun(["--target", server.url, "--cases", cases, "--report-dir", reportDir], TEST_ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--cases ${cases}: "success".headers["X-KM-Access-Key"]: a header value may not contain a line break (CR, LF) or NUL; the value is not shown`);
    expect(run.stdout + run.stderr).not.toContain(CANARY);
    expect(run.stdout + run.stderr).not.toContain("X-Injected");
    expect(server.requests).toHaveLength(0);
    expect(existsSync(reportDir)).toBe(false);
  });

  it("refuses non-Latin-1 values, control characters, padded values and bad names; and environment values that become headers", async () => {
    const write = (name: string, content: unknown) => {
      const file = join(tmp, name);
      writeFileSync(file, JSON.stringify(content));
      return file;
    };
    const hangul = await inProcess(["--target", server.url, "--cases", write("hangul.json", { "002_003": { headers: { "X-Holder": "김코나" } } })]);
    expect(hangul.code).toBe(2);
    expect(hangul.stderr).toContain('"002_003".headers["X-Holder"]: a header value may hold only Latin-1 characters');
    expect(hangul.stderr).not.toContain("김코나");
    const padded = await inProcess(["--target", server.url, "--cases", write("padded.json", { success: { headers: { "X-KM-User-AspId": " TESTASP0000004" } } })]);
    expect(padded.stderr).toContain('"success".headers["X-KM-User-AspId"]: a header value may not begin or end with a space or tab');
    const control = await inProcess(["--target", server.url, "--cases", write("control.json", { success: { headers: { "X-KM-Access-Key": `${CANARY}\u001b` } } })]);
    expect(control.code).toBe(2);
    expect(control.stderr).toContain('"success".headers["X-KM-Access-Key"]: a header value may not contain control characters other than TAB');
    expect(control.stderr).not.toContain(CANARY);
    const badName = await inProcess(["--target", server.url, "--cases", write("name.json", { success: { headers: { "X Bad": "v" } } })]);
    expect(badName.stderr).toContain('"success".headers: a header name may hold only letters, digits');
    const env = await inProcess(["--target", server.url], { ...TEST_ENV, KONAPLATE_ACCESS_KEY: `${CANARY}\n` });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("KONAPLATE_ACCESS_KEY: a header value may not contain a line break (CR, LF) or NUL; the value is not shown");
    expect(env.stderr).not.toContain(CANARY);
    expect(server.requests).toHaveLength(0);
  });
});

describe("the report directory", () => {
  it("is proven writable before the first request: a path under a file exits 2 and sends nothing", async () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "not a directory");
    const dir = join(file, "out");
    const run = await inProcess(["--target", server.url, "--report-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`conformance: --report-dir ${dir}: cannot write reports there (ENOTDIR)`);
    expect(run.stdout).toBe("");
    expect(server.requests).toHaveLength(0);
    // The embedded mock is not even started for a run whose reports cannot be written.
    const mock = await inProcess(["--report-dir", dir], {});
    expect(mock.code).toBe(2);
    expect(mock.stderr).toContain("cannot write reports there (ENOTDIR)");
    expect(mock.stdout).toBe("");
  });

  it("replaces a planted report.json symlink with a new file; the file it pointed at is untouched", async () => {
    const dir = join(tmp, "reports");
    mkdirSync(dir);
    const victim = join(tmp, "victim.txt");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "report.json"));
    symlinkSync(join(tmp, "nowhere", "junit.xml"), join(dir, "junit.xml"));
    const run = await inProcess(["--target", server.url, "--only", "success", "--report-dir", dir]);
    expect(run.code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(existsSync(join(tmp, "nowhere"))).toBe(false);
    for (const name of ["report.json", "junit.xml", "report.html"]) expect(lstatSync(join(dir, name)).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8"))).toMatchObject({ summary: { total: 1, passed: 1 } });
    expect(readdirSync(dir).sort()).toEqual(["junit.xml", "report.html", "report.json"]);
  });

  it("a report that cannot be written fails the run (exit 2, naming why) only after the other reports are written in full", async () => {
    const dir = join(tmp, "reports");
    mkdirSync(dir);
    // A non-empty folder where junit.xml goes: its file cannot be renamed into place.
    mkdirSync(join(dir, "junit.xml"));
    writeFileSync(join(dir, "junit.xml", "keep"), "");
    const run = await inProcess(["--target", server.url, "--only", "success", "--report-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/could not write the reports to .*reports: .*(ENOTEMPTY|EISDIR|EEXIST)/);
    // Nothing is still being written once the run has returned: no temporary file is left, and the
    // two reports that could be written are there in full.
    expect(readdirSync(dir).sort()).toEqual(["junit.xml", "report.html", "report.json"]);
    expect((JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report).summary).toMatchObject({ total: 1, passed: 1 });
    expect(readFileSync(join(dir, "report.html"), "utf8")).toMatch(/<\/html>\s*$/);
  });
});

describe("paths", () => {
  it("--cases and --report-dir resolve against INIT_CWD (where npm was run) and are printed absolute", async () => {
    const sub = join(tmp, "project", "qa");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "my-cases.json"), JSON.stringify({ success: { body: { userName: "홍길동" } } }));
    const run = await processRun(["--target", server.url, "--only", "success", "--cases", "my-cases.json", "--report-dir", "out"], { ...TEST_ENV, INIT_CWD: sub });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`Reports: ${join(sub, "out", "report.json")}, ${join(sub, "out", "junit.xml")}, ${join(sub, "out", "report.html")}`);
    expect(existsSync(join(sub, "out", "report.json"))).toBe(true);
    expect(existsSync(join(ROOT, "out"))).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.rawBody).toContain('"userName":"홍길동"');
  });

  it("a missing --cases file is named by its absolute path; without INIT_CWD the working directory counts", async () => {
    const run = await inProcess(["--target", server.url, "--cases", "nope.json"], { ...TEST_ENV, INIT_CWD: tmp });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--cases: cannot read ${join(tmp, "nope.json")}: ENOENT`);
    expect(userPath("x/y", {})).toBe(join(process.cwd(), "x/y"));
    expect(userPath("/abs", { INIT_CWD: tmp })).toBe("/abs");
  });

  it("--timeout past 2^31-1 is refused with exit 2 before anything is sent", async () => {
    const run = await inProcess(["--target", server.url, "--timeout", "2147483648"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--timeout must be at most 2147483647 milliseconds");
    expect(server.requests).toHaveLength(0);
  });
});
