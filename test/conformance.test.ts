// The conformance suite end to end: against the kit's own Prism mock (in-process and as a real
// process), against a faithful local server (signed over the raw bytes, lossless ids, encryption),
// the flags and their errors, and what reports may never contain.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_IDS } from "../generated/contract.js";
import { readCaseOverrides, selectCases, UsageError } from "../conformance/catalog.js";
import { MOCK_CREDENTIALS } from "../common/credentials.js";
import { parseArgs } from "../conformance/config.js";
import { selectRun } from "../conformance/selection.js";
import { isRefusalCase } from "../conformance/kinds/refusal.js";
import { otherOfSameShape } from "../conformance/request-plans.js";
import { maskAccount, maskBirthDate, maskName } from "../common/personal-masks.js";
import { Scrubber } from "../conformance/masking.js";
import { createProgress } from "../conformance/progress.js";
import { operationUrl } from "../conformance/runner.js";
import type { Report } from "../conformance/report.js";
import { renderJsonReport, renderJunitReport } from "../conformance/reporters/index.js";
import { escapeXmlAttribute } from "../conformance/reporters/junit.js";
import { defaultOutcome, startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { startScriptedServer } from "./support/fault-servers.js";
import { killMarked, MARKER_VARIABLE, newMarker, processesWithMarker } from "./support/processes.js";
import { CapturedStream, removeRunDirs, runCli, scratchFile, TEST_ENV, xmlProblems, type CliRun } from "./support/conformance-run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PERSONAL = ["333015555557", "김코나", "19751112"];
const SECRETS = [TEST_ENV.KONAPLATE_ACCESS_KEY, TEST_ENV.KONAPLATE_SECRET_KEY];

afterAll(removeRunDirs);

function everyOutput(run: CliRun): string {
  return [run.stdout, run.stderr, ...Object.values(run.files)].join("\n");
}

function expectNothingLeaked(run: CliRun): void {
  const all = everyOutput(run);
  for (const secret of SECRETS) expect(all).not.toContain(secret);
  for (const value of PERSONAL) expect(all).not.toContain(value);
}

describe("against the embedded Prism mock (no --target)", () => {
  let run: CliRun;
  beforeAll(async () => {
    run = await runCli([], {});
  });

  it("passes all 13 documented cases, every acceptance case and every refusal case it can judge, skips the rest and exits 0", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const refusal = selectRun({ credentials: MOCK_CREDENTIALS, kind: "refusal" });
    const acceptance = selectRun({ credentials: MOCK_CREDENTIALS, kind: "acceptance" });
    const skipped = refusal.filter((c) => isRefusalCase(c) && c.mockCannotJudge).length;
    expect(skipped).toBeGreaterThan(0);
    expect(acceptance.length).toBeGreaterThan(0);
    const total = 13 + acceptance.length + refusal.length;
    // The kit's own mock warns of nothing: it echoes the correlation id, and its problem+json
    // refusals (the kit's choice) are not held against it for carrying no Konaplate code.
    expect(run.report?.summary).toEqual({ total, passed: total - skipped, failed: 0, skipped, warned: 0 });
    expect(run.report?.cases.slice(0, 13).map((c) => c.id)).toEqual([...CASE_IDS]);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(`${total - skipped} passed, 0 failed, ${skipped} skipped`);
    const refusalCode = run.report!.cases.find((c) => c.id === "refuse:body:userName:minLength")!.checks.find((k) => k.name === "code")!;
    expect(refusalCode).toMatchObject({ ok: true, severity: "warning", message: expect.stringContaining("the embedded mock refuses with problem+json") });
    expect(run.stdout).toContain("Skipped (not judged, never failed):");
  });

  it("writes report.json of the exact published shape, junit.xml and report.html", () => {
    const report = run.report!;
    // No case failed or warned, so no reproduce command and no variables to name for them.
    expect(Object.keys(report)).toEqual(["target", "startedAt", "durationMs", "summary", "cases"]);
    expect(report.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
    expect(new Date(report.startedAt).toISOString()).toBe(report.startedAt);
    for (const c of report.cases.filter((x) => x.kind === "documented")) {
      expect(Object.keys(c)).toEqual(["id", "title", "status", "expected", "observed", "request", "checks", "kind"]);
      expect(Object.keys(c.expected)).toEqual(["status", "code"]);
      expect(Object.keys(c.observed).slice(0, 3)).toEqual(["status", "code", "durationMs"]);
      expect(c.checks.map((k) => k.name)).toEqual(["answered", "status", "content-type", "body-parses", "body-schema", "code", "response-headers", "correlation-echo"]);
      for (const k of c.checks) expect(Object.keys(k)).toEqual(["name", "ok", "message", "severity"]);
    }
    const codeless = report.cases.find((c) => c.id === "system-delay")!;
    expect(codeless.expected).toEqual({ status: 400, code: null });
    expect(codeless.checks.find((k) => k.name === "code")?.message).toContain("received code 999_999");
    expect(xmlProblems(run.files["junit.xml"]!)).toEqual([]);
    expect(run.files["junit.xml"]!.match(/<testcase classname="konaplate\.conformance"/g)).toHaveLength(13);
    const skipped = report.cases.find((c) => c.status === "skipped")!;
    expect(Object.keys(skipped)).toEqual(["id", "title", "status", "expected", "observed", "checks", "kind", "reason", "breaks"]);
    expect(run.files["junit.xml"]).toContain(`<skipped message="${escapeXmlAttribute(skipped.reason!)}"/>`);
    expect(run.files["junit.xml"]).toContain('name="002_003 400 - ');
    expect(run.files["report.html"]).toContain("<html");
  });

  it("gives no case a reproduce command when none failed or warned", () => {
    expect(run.report!.cases.filter((c) => c.reproduce !== undefined)).toEqual([]);
  });

  it("is echoed the correlation id by the kit's mock (Prism alone answers its example's)", () => {
    const success = run.report!.cases[0]!;
    const echo = success.checks.find((k) => k.name === "correlation-echo")!;
    expect(echo).toMatchObject({ ok: true, severity: "warning", message: "X-KM-Correlation-Id echoed" });
    expect(success.observed.headers!["x-km-correlation-id"]).toBe(success.request!.headers["X-KM-Correlation-Id"]);
  });

  it("masks personal data in the report, the request included", () => {
    expectNothingLeaked(run);
    const success = run.report!.cases[0]!;
    expect(success.request?.body).toMatchObject({ bankAccount: "********5557", userName: "김*나", birthDate: "1975****" });
    expect(success.request?.headers["X-KM-Access-Key"]).toBe("[redacted]");
    expect(success.request?.headers["X-KM-Tran-Token"]).toBe("[redacted]");
    // userId is not personal data and keeps every digit, past 2^53 too.
    expect(run.json).toContain('"userId": 9007199254740993');
  });
});

describe("as a real process", () => {
  it("exits 0 against the embedded mock and leaves no Prism process behind", async () => {
    const marker = newMarker("conformance-cli");
    const dir = await mkdtemp(join(tmpdir(), "konaplate-cli-"));
    try {
      const child = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "conformance/cli.ts", "--report-dir", dir], {
        cwd: ROOT,
        env: { ...process.env, [MARKER_VARIABLE]: marker },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
      expect(code).toBe(0);
      expect(processesWithMarker(marker)).toEqual([]);
    } finally {
      killMarked(marker);
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000); // a full run of both kinds as a child process, Prism start included, on a shared machine

  it("on Ctrl-C stops its Prism (even one still starting) and exits 130", async () => {
    const marker = newMarker("conformance-sigint");
    const dir = await mkdtemp(join(tmpdir(), "konaplate-cli-"));
    try {
      const child = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "conformance/cli.ts", "--report-dir", dir], {
        cwd: ROOT,
        env: { ...process.env, [MARKER_VARIABLE]: marker },
        stdio: ["ignore", "pipe", "ignore"],
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      // The header is printed just before the embedded Prism starts: the signal lands while it loads.
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      for (let i = 0; i < 1_500 && !stdout.includes("Konaplate conformance:"); i++) await new Promise((r) => setTimeout(r, 20));
      expect(stdout).toContain("Konaplate conformance:");
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(processesWithMarker(marker)).toEqual([]);
    } finally {
      killMarked(marker);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("against a faithful server", () => {
  let server: FaithfulServer;
  beforeAll(async () => {
    server = await startFaithfulServer({ secretKey: TEST_ENV.KONAPLATE_SECRET_KEY });
  });
  afterAll(() => server.close());

  it("passes all 13 cases, each signed over the exact bytes sent", async () => {
    server.requests.length = 0;
    const run = await runCli(["--target", `${server.url}/open-api/`, "--kind", "documented"], TEST_ENV);
    expect(run.code).toBe(0);
    expect(run.report?.summary).toEqual({ total: 13, passed: 13, failed: 0, skipped: 0, warned: 0 });
    expect(server.requests).toHaveLength(13);
    expect(server.requests.every((r) => r.verdict.tokenOk && r.verdict.headerViolations.length === 0)).toBe(true);
    expect(new Set(server.requests.map((r) => r.path))).toEqual(new Set(["/open-api/api/v1/bankaccounts/user/valid"]));
    // The correlation id is echoed by a faithful server: no warning.
    expect(run.report!.cases.every((c) => c.checks.every((k) => k.ok))).toBe(true);
    expectNothingLeaked(run);
  });

  it("sends the invalid 002_001 body as it is (the letter in bankAccount), never refusing it", async () => {
    server.requests.length = 0;
    const run = await runCli(["--target", server.url, "--only", "002_001"], TEST_ENV);
    expect(run.code).toBe(0);
    expect(server.requests[0]?.rawBody).toContain('"bankAccount":"33301555555A"');
  });

  it("sends a --cases userId past 2^53 with every digit, as a bare number or a digit string", async () => {
    server.requests.length = 0;
    const file = await scratchFile(
      "big-ids.json",
      '{"002_003": {"body": {"userId": 9999999999999999999}}, "success": {"body": {"userId": "9999999999999999998"}, "headers": {"X-Test-Header": "kept"}}}',
    );
    const run = await runCli(["--target", server.url, "--cases", file, "--only", "success,002_003"], TEST_ENV);
    expect(run.code).toBe(0);
    const raw = server.requests.map((r) => r.rawBody);
    expect(raw.some((b) => b.includes('"userId":9999999999999999999,'))).toBe(true);
    expect(raw.some((b) => b.includes('"userId":9999999999999999998,'))).toBe(true);
    expect(server.requests.find((r) => r.rawBody.includes("9999999999999999998"))?.headers["x-test-header"]).toBe("kept");
    expect(run.json).toContain('"userId": 9999999999999999999');
  });

  it("--concurrency 1 runs every case one at a time and keeps catalog order", async () => {
    server.requests.length = 0;
    const run = await runCli(["--target", server.url, "--concurrency", "1", "--kind", "documented"], TEST_ENV);
    expect(run.code).toBe(0);
    expect(run.report?.cases.map((c) => c.id)).toEqual([...CASE_IDS]);
    // One at a time: the server saw the cases in catalog order.
    const expectedAccounts = selectCases().map((c) => (c.request.body as { bankAccount: string }).bankAccount);
    expect(server.requests.map((r) => (r.body as { bankAccount: string }).bankAccount)).toEqual(expectedAccounts);
  });

  it("--only success,002_003 runs just those two", async () => {
    const run = await runCli(["--target", server.url, "--only", "success,002_003"], TEST_ENV);
    expect(run.code).toBe(0);
    expect(run.report?.cases.map((c) => c.id)).toEqual(["success", "002_003"]);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("2 passed, 0 failed");
  });

  it("accepts application/json with a UTF-8 charset, refuses another charset", async () => {
    const withCharset = (charset: string) =>
      startFaithfulServer({ secretKey: TEST_ENV.KONAPLATE_SECRET_KEY, respond: (r) => ({ ...defaultOutcome(r), headers: { "content-type": `application/json; charset=${charset}` } }) });
    const utf8 = await withCharset("UTF-8");
    // A label of UTF-8 that servers write too (the WHATWG Encoding Standard's, as fetch reads it).
    const utf8Alias = await withCharset("utf8");
    const eucKr = await withCharset("EUC-KR");
    try {
      expect((await runCli(["--target", utf8.url, "--only", "success"], TEST_ENV)).code).toBe(0);
      expect((await runCli(["--target", utf8Alias.url, "--only", "success"], TEST_ENV)).code).toBe(0);
      const run = await runCli(["--target", eucKr.url, "--only", "success"], TEST_ENV);
      expect(run.code).toBe(1);
      expect(run.report!.cases[0]!.checks.find((k) => k.name === "content-type")?.message).toContain("got application/json; charset=EUC-KR");
    } finally {
      await utf8.close();
      await utf8Alias.close();
      await eucKr.close();
    }
  });

  it("warns (on stderr) about credentials whose shape breaks the spec's header rules", async () => {
    const run = await runCli(["--target", server.url, "--only", "success"], { ...TEST_ENV, KONAPLATE_ASP_ID: "SHORTASP" });
    expect(run.stderr).toContain("warning: KONAPLATE_ASP_ID: X-KM-User-AspId must NOT have fewer than 15 characters");
    // The faithful server refuses the header, as a real one would: the run reports it.
    expect(run.code).toBe(1);
  });

  it("shows progress on a TTY stderr only, cleared at the end", async () => {
    const tty = await runCli(["--target", server.url, "--only", "success,002_003"], TEST_ENV, { ttyStderr: true });
    expect(tty.stderr).toContain("\r[1/2] ");
    expect(tty.stderr).toContain("\r[2/2] ");
    expect(tty.stderr.endsWith("\r\x1b[K")).toBe(true);
    const plain = await runCli(["--target", server.url, "--only", "success,002_003"], TEST_ENV);
    expect(plain.stderr).toBe("");
  });
});

describe("encrypted mode", () => {
  const server = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const client = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = (key: typeof server.publicKey, type: "spki" | "pkcs8") => key.export({ type, format: "pem" }).toString();
  let faithful: FaithfulServer;
  beforeAll(async () => {
    faithful = await startFaithfulServer({
      secretKey: TEST_ENV.KONAPLATE_SECRET_KEY,
      serverPrivateKeyPem: pem(server.privateKey, "pkcs8"),
      clientPublicKeyPem: pem(client.publicKey, "spki"),
    });
  });
  afterAll(() => faithful.close());

  it("wraps bodies as encData, signs the wrapped string, decrypts answers (keys as PEM text and as a file)", async () => {
    const keyFile = await scratchFile("client.pem", pem(client.privateKey, "pkcs8"));
    const env = {
      ...TEST_ENV,
      KONAPLATE_CRYPTO_KEY_ID: "0123456789abcdef0123456789abcdef",
      KONAPLATE_SERVER_PUBLIC_KEY: pem(server.publicKey, "spki"),
      KONAPLATE_CLIENT_PRIVATE_KEY: keyFile,
    };
    const run = await runCli(["--target", faithful.url, "--kind", "documented"], env);
    expect(run.code).toBe(0);
    expect(run.report?.summary.passed).toBe(13);
    expect(faithful.requests.every((r) => r.encrypted && r.verdict.tokenOk && r.headers["x-km-crypto-key-id"] === env.KONAPLATE_CRYPTO_KEY_ID)).toBe(true);
    expect(run.report!.cases[0]!.checks.find((k) => k.name === "body-parses")?.message).toContain("decrypted");
    const all = everyOutput(run);
    expect(all).not.toContain(pem(client.privateKey, "pkcs8").split("\n")[1]!);
    expectNothingLeaked(run);
  });

  it("without the client private key, an encrypted answer fails body-parses saying why", async () => {
    const env = { ...TEST_ENV, KONAPLATE_CRYPTO_KEY_ID: "0123456789abcdef0123456789abcdef", KONAPLATE_SERVER_PUBLIC_KEY: pem(server.publicKey, "spki") };
    const run = await runCli(["--target", faithful.url, "--only", "success"], env);
    expect(run.code).toBe(1);
    expect(run.report!.cases[0]!.checks.find((k) => k.name === "body-parses")?.message).toContain("KONAPLATE_CLIENT_PRIVATE_KEY");
  });
});

describe("nothing secret or personal in any output", () => {
  it("masks what a careless server echoes back, in JSON fields and in raw text", async () => {
    const echo = await startScriptedServer((req, res, rawBody) => {
      const headers = JSON.stringify(req.headers);
      if (req.headers["x-test-html"]) {
        res.writeHead(400, { "content-type": "text/html" }).end(`<html><pre>${rawBody}\n${headers}</pre></html>`);
        return;
      }
      let sent: unknown;
      try {
        sent = JSON.parse(rawBody);
      } catch {
        sent = rawBody; // refusal cases send bodies that are not JSON
      }
      res
        .writeHead(400, { "content-type": "application/json", "x-km-correlation-id": String(req.headers["x-km-correlation-id"]) })
        .end(JSON.stringify({ response: { code: "002_003", description: `${rawBody} ${headers}` }, echo: sent }));
    });
    try {
      const file = await scratchFile("html.json", '{"002_005": {"headers": {"X-Test-Html": "1"}}}');
      const run = await runCli(["--target", echo.url, "--cases", file], TEST_ENV);
      expect(run.code).toBe(1);
      expectNothingLeaked(run);
      // Refusal cases send cut, lengthened and shifted access keys: none may show either.
      const all = everyOutput(run);
      expect(all).not.toContain(TEST_ENV.KONAPLATE_ACCESS_KEY.slice(0, 30));
      expect(all).not.toContain(otherOfSameShape(TEST_ENV.KONAPLATE_ACCESS_KEY).slice(0, 30));
      expect(all).not.toContain("33015555557"); // the account with a letter in front, too
      const c = run.report!.cases.find((x) => x.id === "002_003")!;
      expect(c.observed.body).toMatchObject({ echo: { bankAccount: "********5557", userName: "홍*동", birthDate: "1975****" } });
      expect(JSON.stringify(run.report!.cases.find((x) => x.id === "002_005")!.observed.body)).toContain("[redacted]");
    } finally {
      await echo.close();
    }
  });

  it("masks names, accounts and birth dates as documented", () => {
    expect(maskAccount("333015555557")).toBe("********5557");
    expect(maskName("김코나")).toBe("김*나");
    expect(maskName("남궁민수")).toBe("남**수");
    expect(maskName("김코")).toBe("김*");
    expect(maskBirthDate("19751112")).toBe("1975****");
    const scrub = new Scrubber(["secret-value-123"], [{ field: "bankAccount", value: "333015555557" }]);
    expect(scrub.text("acct 333015555557 key secret-value-123")).toBe("acct ********5557 key [redacted]");
    expect(scrub.value({ nested: [{ userName: "김코나", birthDate: 19751112, userId: 9999999999999999999n }] })).toEqual({
      nested: [{ userName: "김*나", birthDate: "1975****", userId: 9999999999999999999n }],
    });
  });
});

describe("usage and configuration errors exit 2 with a message naming the culprit", () => {
  const usage = async (args: string[], env: NodeJS.ProcessEnv = TEST_ENV) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(2);
    expect(run.report).toBeUndefined();
    return run.stderr;
  };

  it("unknown --only ids", async () => {
    expect(await usage(["--target", "http://127.0.0.1:9", "--only", "success,002_010,bogus"])).toContain("--only: unknown case ids 002_010, bogus");
  });

  it("unknown --cases ids, bad shape, unreadable and invalid files", async () => {
    expect(await usage(["--target", "http://127.0.0.1:9", "--cases", await scratchFile("u.json", '{"002_099": {}}')])).toContain("unknown case id 002_099");
    expect(await usage(["--target", "http://127.0.0.1:9", "--cases", await scratchFile("s.json", '{"success": {"body": [1]}}')])).toContain('"success".body must be a JSON object');
    expect(await usage(["--target", "http://127.0.0.1:9", "--cases", await scratchFile("h.json", '{"success": {"headers": {"X-A": 1}}}')])).toContain('"success".headers["X-A"] must be a string');
    expect(await usage(["--target", "http://127.0.0.1:9", "--cases", await scratchFile("missing.json")])).toContain("--cases: cannot read");
    expect(await usage(["--target", "http://127.0.0.1:9", "--cases", await scratchFile("bad.json", "{nope")])).toContain("is not valid JSON");
  });

  it("missing credentials against a real target, naming each variable", async () => {
    const stderr = await usage(["--target", "http://127.0.0.1:9"], { KONAPLATE_ASP_ID: "TESTASP00000042" });
    expect(stderr).toContain("KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY");
    expect(stderr).not.toContain("KONAPLATE_ASP_ID,");
  });

  it("a target from KONAPLATE_BASE_URL needs the credentials too", async () => {
    expect(await usage([], { KONAPLATE_BASE_URL: "http://127.0.0.1:9" })).toContain("KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY");
  });

  it("unknown flags, bad numbers, bad URLs, bad time zones, incomplete encryption", async () => {
    expect(await usage(["--targte", "x"])).toContain("unknown flag --targte");
    expect(await usage(["--timeout", "soon"])).toContain('--timeout must be a positive whole number of milliseconds, got "soon"');
    expect(await usage(["--concurrency=0"])).toContain("--concurrency must be a positive whole number");
    expect(await usage(["--timeout"])).toContain("--timeout needs a value");
    expect(await usage(["--target", "ftp://example.test"])).toContain("--target: expected an http or https URL");
    expect(await usage(["--target", "http://127.0.0.1:9"], { ...TEST_ENV, KONAPLATE_TIME_ZONE: "PST" })).toContain('KONAPLATE_TIME_ZONE: "PST" is not supported');
    expect(await usage(["--target", "http://127.0.0.1:9"], { ...TEST_ENV, KONAPLATE_CRYPTO_KEY_ID: "0123456789abcdef0123456789abcdef" })).toContain("KONAPLATE_SERVER_PUBLIC_KEY");
    expect(await usage(["--target", "http://127.0.0.1:9"], { ...TEST_ENV, KONAPLATE_CRYPTO_KEY_ID: "k", KONAPLATE_SERVER_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" })).toContain(
      "KONAPLATE_SERVER_PUBLIC_KEY: not an RSA public key",
    );
  });

  it("--help prints the usage and exits 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--concurrency N");
  });
});

describe("building blocks", () => {
  it("appends the operation path to a base with or without a prefix and trailing slash", () => {
    expect(operationUrl("https://sandbox.konaplate.com/open-api")).toBe("https://sandbox.konaplate.com/open-api/api/v1/bankaccounts/user/valid");
    expect(operationUrl("https://sandbox.konaplate.com/open-api/")).toBe("https://sandbox.konaplate.com/open-api/api/v1/bankaccounts/user/valid");
    expect(operationUrl("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010/api/v1/bankaccounts/user/valid");
  });

  it("merges override body fields shallowly over the default body", async () => {
    const overrides = readCaseOverrides(await scratchFile("merge.json", '{"success": {"body": {"userName": "이몽룡"}}}'));
    const [success] = selectCases(overrides, ["success"]);
    expect(success?.request.body).toEqual({ userId: 9007199254740993n, userName: "이몽룡", birthDate: "19751112", bankCode: "003", bankAccount: "333015555557" });
    expect(() => selectCases({}, ["nope"])).toThrow(UsageError);
  });

  it("parses flags in both --flag value and --flag=value forms with documented defaults", () => {
    expect(parseArgs([])).toMatchObject({ reportDir: "conformance-report", timeoutMs: 10_000, concurrency: 4 });
    expect(parseArgs(["--timeout=500", "--only", "success, 002_003"])).toMatchObject({ timeoutMs: 500, only: ["success", "002_003"] });
  });

  it("writes valid, escaped JUnit XML whatever a server answered", () => {
    const hostile = `expected code 002_003, got <b>"&'</b>\u0001\nsecond line`;
    const report: Report = {
      target: "http://127.0.0.1:9/?a=1&b=<2>",
      startedAt: "2026-11-27T10:00:00.000Z",
      durationMs: 12,
      summary: { total: 1, passed: 0, failed: 1, skipped: 0 },
      cases: [
        {
          id: "002_003",
          title: "400 - 계좌의 예금주 실명과 회원의 실명이 다릅니다.",
          status: "failed",
          expected: { status: 400, code: "002_003" },
          observed: { status: 400, code: "<b>", durationMs: 5 },
          checks: [{ name: "code", ok: false, message: hostile, severity: "error" }],
          kind: "documented",
        },
      ],
    };
    const xml = renderJunitReport(report);
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).not.toContain("\u0001");
    expect(xml).toContain('message="code: expected code 002_003, got &lt;b&gt;&quot;&amp;&apos;&lt;/b&gt;\uFFFD&#10;second line"');
    expect(xml).toContain('name="002_003 400 - 계좌의 예금주 실명과 회원의 실명이 다릅니다."');
  });

  it("writes report.json bigints with every digit", () => {
    const json = renderJsonReport({ target: "t", startedAt: "s", durationMs: 0, summary: { total: 0, passed: 0, failed: 0 }, cases: [], extra: 9999999999999999999n } as unknown as Report);
    expect(json).toContain('"extra": 9999999999999999999');
  });

  it("writes no progress to a stream that is not a TTY", () => {
    const stream = new CapturedStream(false);
    const progress = createProgress(stream);
    progress.update(1, 2, { id: "success" } as never);
    progress.clear();
    expect(stream.text).toBe("");
  });
});
