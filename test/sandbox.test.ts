// `npm run sandbox` as a real process: its help and banner, every documented outcome for the client
// (plain and encrypted), a refusal naming the rule for each way a request can be wrong (never the
// secret or personal data), the conformance suite passing against it, its one-line log, and that it
// stops on Ctrl-C, SIGTERM and a killed npm launcher. The README's worked example is checked here too.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES, OPERATION } from "../generated/contract.js";
import { PLACEHOLDER_CREDENTIALS } from "../common/credentials.js";
import { outcomeTable } from "../sandbox/outcomes.js";
import { SANDBOX_REFUSAL_CODE } from "../sandbox/refusal.js";
import { checkContentType, checkToken } from "../sandbox/request-checks.js";
import { startSandbox } from "../sandbox/server.js";
import { encryptPayload } from "../src/encryption.js";
import { createKonaplateClient, type KonaplateClientOptions } from "../src/index.js";
import { parseJson, stringifyJson } from "../src/json.js";
import { signedHeaders, tranToken, type Credentials } from "../src/signing.js";
import { validateEnvelope, validateResponseHeaders } from "../src/validation.js";
import { removeRunDirs, runCli, TEST_ENV } from "./support/conformance-run.js";
import { killMarked, MARKER_VARIABLE, newMarker, processesWithMarker } from "./support/processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const markers: string[] = [];
const dir = mkdtempSync(join(tmpdir(), "konaplate-sandbox-test-"));
afterAll(async () => {
  markers.forEach(killMarked);
  rmSync(dir, { recursive: true, force: true });
  await removeRunDirs();
});

const CREDENTIALS: Credentials = {
  aspId: TEST_ENV.KONAPLATE_ASP_ID,
  accessKey: TEST_ENV.KONAPLATE_ACCESS_KEY,
  secretKey: TEST_ENV.KONAPLATE_SECRET_KEY,
  timeZone: "KST",
};
const CRYPTO_KEY_ID = "0123456789abcdef0123456789abcdef";
const PERSONAL = [...new Set(CASES.flatMap((c) => [c.request.body.userName, c.request.body.birthDate, c.request.body.bankAccount]))];

/** The environment of a launched command: none of the caller's npm or Konaplate settings. */
function cleanEnv(extra: Record<string, string>, marker: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_") && !k.startsWith("KONAPLATE_")));
  return { ...env, ...extra, [MARKER_VARIABLE]: marker };
}

interface Running {
  child: ChildProcess;
  marker: string;
  output: () => string;
  errors: () => string;
  exited: Promise<number | null>;
}

function launch(command: string, args: string[], env: Record<string, string> = {}): Running {
  const marker = newMarker("sandbox");
  markers.push(marker);
  const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(env, marker), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, marker, output: () => out, errors: () => err, exited };
}

const sandboxProcess = (args: string[], env: Record<string, string> = {}) => launch(process.execPath, [TSX, "scripts/sandbox.ts", ...args], env);

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The base URL from the listening line. */
const listening = (run: Running) =>
  until(() => /Konaplate sandbox listening on (http:\/\/127\.0\.0\.1:\d+\/open-api)\n/.exec(run.output())?.[1], `the listening line (got: ${run.output()}${run.errors()})`);

function portClosed(baseUrl: string): Promise<boolean> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: { response: { code: string; description: string } };
}

/** A signed request whose parts a test may break: the body signed and the body sent may differ. */
async function send(
  baseUrl: string,
  options: { body?: string; sentBody?: string; credentials?: Credentials; edit?: (h: Record<string, string>) => void; path?: string; method?: string } = {},
): Promise<Reply> {
  const body = options.body ?? stringifyJson(CASES[0]!.request.body);
  const headers: Record<string, string> = { ...signedHeaders(options.credentials ?? CREDENTIALS, body), "content-type": "application/json" };
  options.edit?.(headers);
  const method = options.method ?? "POST";
  const res = await fetch(`${baseUrl}${options.path ?? OPERATION.path}`, { method, headers, ...(method === "GET" ? {} : { body: options.sentBody ?? body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: parseJson(text) as Reply["body"] };
}

/** A refusal: 4xx, the spec's error envelope with the placeholder code, valid response headers, the rule named, nothing secret. */
function expectRefusal(reply: Reply, status: number, rule: string, ...fragments: string[]): void {
  expect(reply.status).toBe(status);
  expect(reply.body.response.code).toBe(SANDBOX_REFUSAL_CODE);
  expect(validateEnvelope(400, reply.body)).toEqual([]);
  expect(validateResponseHeaders(400, reply.headers)).toEqual([]);
  expect(reply.body.response.description).toContain(`[${rule}]`);
  for (const f of fragments) expect(reply.body.response.description).toContain(f);
  for (const secret of [CREDENTIALS.secretKey, CREDENTIALS.accessKey, "SK-wrong-secret-key", ...PERSONAL]) expect(reply.text).not.toContain(secret);
}

function rsaKeyPair() {
  return generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
}

describe("npm run sandbox: the command", () => {
  it("--help prints the outcome mapping generated from the spec's examples", async () => {
    const run = sandboxProcess(["--help"]);
    expect(await run.exited).toBe(0);
    const help = run.output();
    expect(help).toContain("Usage: npm run sandbox -- [--port N] [--max-clock-skew SECONDS]");
    for (const c of CASES.filter((x) => !x.violates)) expect(help).toContain(`${c.request.body.userName} ${c.request.body.birthDate} bank ${c.request.body.bankCode} account ${c.request.body.bankAccount}`);
    expect(help).toMatch(/400 002_001 +002_001 +any member whose bankAccount breaks/);
    expect(help).toMatch(/400 002_007 +\(any other\) +any other valid member/);
  });

  it("a usage error exits 2 naming the flag and the rule", async () => {
    const cases: [string[], string][] = [
      [["--port", "http"], "sandbox: --port must be a whole number from 1 to 65535"],
      [["--prot", "4020"], "sandbox: unknown flag --prot"],
      [["--max-clock-skew", "-5"], "sandbox: --max-clock-skew needs a value"],
      [["--max-clock-skew=-5"], "sandbox: --max-clock-skew must be a whole number from 0 of seconds"],
      [["--crypto-key-id", "0123456789abcdef0123456789abcdef"], "sandbox: --crypto-key-id needs encryption on: give --server-private-key and --client-public-key as well"],
      [["--server-private-key", "server.pem"], "sandbox: encryption is incomplete: give --client-public-key (or KONAPLATE_CLIENT_PUBLIC_KEY) as well"],
      [["--server-private-key", "package.json", "--client-public-key", "package.json"], "sandbox: --server-private-key: package.json holds no PEM block"],
    ];
    // Started together: each is a whole tsx start-up.
    const runs = cases.map(([args]) => sandboxProcess(args));
    for (const [i, run] of runs.entries()) {
      expect(await run.exited).toBe(2);
      expect(run.errors()).toContain(cases[i]![1]);
      expect(run.errors()).toContain("Usage: npm run sandbox -- [--port N]");
    }
  });

  it("names the missing credential variable and never prints a real secret", async () => {
    const partial = sandboxProcess(["--port", "0"], { KONAPLATE_SECRET_KEY: CREDENTIALS.secretKey });
    expect(await partial.exited).toBe(2);
    expect(partial.errors()).toContain("missing KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY");
    expect(partial.errors() + partial.output()).not.toContain(CREDENTIALS.secretKey);
  });

  it("prints the listening line and its placeholder credentials, answers 404 with an envelope elsewhere, stops on Ctrl-C", async () => {
    const run = sandboxProcess(["--port", "0"]);
    try {
      const baseUrl = await listening(run);
      expect(run.output()).toContain(`secret key       ${PLACEHOLDER_CREDENTIALS.secretKey}   (a documented placeholder, not a secret)`);
      const elsewhere = await send(baseUrl, { path: "/api/v1/other" });
      expectRefusal(elsewhere, 404, "path", `POST /open-api${OPERATION.path}`);
      const root = await fetch(new URL("/", baseUrl));
      expect(root.status).toBe(404);
      expect(validateEnvelope(404, parseJson(await root.text()))).toEqual([]);
      const get = await send(baseUrl, { method: "GET", body: "" });
      expect(get.status).toBe(405);
      // With its placeholders, a request signed with them gets the success answer.
      const ok = await send(baseUrl, { credentials: { ...PLACEHOLDER_CREDENTIALS, timeZone: "KST" } });
      expect(ok.status).toBe(200);

      run.child.kill("SIGINT");
      expect(await run.exited).toBe(130);
      expect(await portClosed(baseUrl)).toBe(true);
      expect(processesWithMarker(run.marker)).toEqual([]);
    } finally {
      killMarked(run.marker);
    }
  });

  it("logs one line per exchange: status, code or rule, correlation id, personal data masked", async () => {
    const run = sandboxProcess(["--port", "0"], TEST_ENV);
    try {
      const baseUrl = await listening(run);
      expect(run.output()).not.toContain(CREDENTIALS.secretKey);
      expect(run.output()).not.toContain(CREDENTIALS.accessKey);
      const ok = await send(baseUrl);
      const bad = await send(baseUrl, { credentials: { ...CREDENTIALS, secretKey: "SK-wrong-secret-key" } });
      const lines = await until(() => {
        const log = run.output().split("\n").filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
        return log.length >= 2 && log;
      }, "two log lines");
      expect(lines[0]).toMatch(new RegExp(`^\\S+Z  200  000_000 \\(success\\)  corr ${ok.headers.get("x-km-correlation-id")}  김\\*나 1975\\*\\*\\*\\* bank 003 account \\*{8}5557  [0-9.]+ ms$`));
      expect(lines[1]).toMatch(new RegExp(`  401  refused token-hmac  corr ${bad.headers.get("x-km-correlation-id")}  `));
      for (const value of PERSONAL) expect(run.output()).not.toContain(value);

      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(143);
      expect(await portClosed(baseUrl)).toBe(true);
    } finally {
      killMarked(run.marker);
    }
  });

  it("stops when the npm run that launched it is killed", async () => {
    const run = launch("npm", ["run", "--silent", "sandbox", "--", "--port", "0"]);
    try {
      const baseUrl = await listening(run);
      expect(processesWithMarker(run.marker).length).toBeGreaterThanOrEqual(2);
      run.child.kill("SIGKILL");
      await until(() => processesWithMarker(run.marker).length === 0, "every process of the npm chain to end", 15_000);
      expect(await portClosed(baseUrl)).toBe(true);
    } finally {
      killMarked(run.marker);
    }
  });
});

describe("the client and the conformance suite against the sandbox", () => {
  const serverKeys = rsaKeyPair();
  const clientKeys = rsaKeyPair();
  let plain: Running;
  let encrypted: Running;
  let plainUrl: string;
  let encryptedUrl: string;
  const encryptedEnv = () => {
    const clientKeyFile = join(dir, "client-public.pem");
    writeFileSync(clientKeyFile, clientKeys.publicKey);
    // One key as PEM text, one as a path: both forms the suite's variables take.
    return { ...TEST_ENV, KONAPLATE_SERVER_PRIVATE_KEY: serverKeys.privateKey, KONAPLATE_CLIENT_PUBLIC_KEY: clientKeyFile, KONAPLATE_CRYPTO_KEY_ID: CRYPTO_KEY_ID };
  };
  const suiteEncryptionEnv = { KONAPLATE_CRYPTO_KEY_ID: CRYPTO_KEY_ID, KONAPLATE_SERVER_PUBLIC_KEY: serverKeys.publicKey, KONAPLATE_CLIENT_PRIVATE_KEY: clientKeys.privateKey };

  beforeAll(async () => {
    plain = sandboxProcess(["--port", "0"], TEST_ENV);
    encrypted = sandboxProcess(["--port", "0"], encryptedEnv());
    [plainUrl, encryptedUrl] = await Promise.all([listening(plain), listening(encrypted)]);
    expect(encrypted.output()).toContain("encryption: on");
  });
  afterAll(async () => {
    for (const run of [plain, encrypted]) run?.child.kill("SIGTERM");
    await Promise.all([plain?.exited, encrypted?.exited]);
  });

  const clientOptions = (baseUrl: string): KonaplateClientOptions => ({
    baseUrl,
    aspId: CREDENTIALS.aspId,
    accessKey: CREDENTIALS.accessKey,
    secretKey: CREDENTIALS.secretKey,
    validate: false, // the 002_001 case breaks the body schema on purpose
  });

  describe.each(["plain", "encrypted"] as const)("%s", (mode) => {
    it.each(CASES.map((c) => [c.id, c] as const))("the client gets the documented outcome of %s", async (_id, c) => {
      const options = clientOptions(mode === "plain" ? plainUrl : encryptedUrl);
      if (mode === "encrypted") options.encryption = { cryptoKeyId: CRYPTO_KEY_ID, serverPublicKey: serverKeys.publicKey, clientPrivateKey: clientKeys.privateKey };
      // Any userId: the member decides the outcome.
      const result = await createKonaplateClient(options).verifyAccountHolder({ ...c.request.body, userId: 9999999999999999999n });
      expect(result.status).toBe(c.expected.status);
      expect(result.code).toBe(c.expected.code ?? c.mockCode);
      expect(result.ok).toBe(c.expected.status === 200);
    });
  });

  it("a valid member the examples do not name gets the documented not-found outcome", async () => {
    const result = await createKonaplateClient(clientOptions(plainUrl)).verifyAccountHolder({ ...CASES[0]!.request.body, bankAccount: "123456789" });
    expect(result).toMatchObject({ status: 400, code: "002_007" });
  });

  const documentedOf = (run: Awaited<ReturnType<typeof runCli>>) => run.report!.cases.filter((c) => c.kind === "documented");
  const acceptanceOf = (run: Awaited<ReturnType<typeof runCli>>) => run.report!.cases.filter((c) => c.kind === "acceptance");

  it("npm run conformance --target <sandbox> passes every case, the 13 documented ones with no correlation warnings", async () => {
    const run = await runCli(["--target", plainUrl], TEST_ENV);
    expect(run.stderr).toBe("");
    expect(run.report!.cases.filter((c) => c.status !== "passed").map((c) => c.id)).toEqual([]);
    expect(run.code).toBe(0);
    expect(documentedOf(run).map((c) => c.id)).toEqual(CASES.map((c) => c.id));
    expect(documentedOf(run).every((c) => c.checks.every((k) => k.ok))).toBe(true);
    // The faithful reference of the acceptance cases: a documented outcome for every valid value, no warning.
    expect(acceptanceOf(run).length).toBeGreaterThan(40);
    expect(acceptanceOf(run).filter((c) => !c.checks.every((k) => k.ok)).map((c) => c.id)).toEqual([]);
  });

  it("npm run conformance in encrypted mode passes every case against the encrypting sandbox, refuse:crypto:* included", async () => {
    const run = await runCli(["--target", encryptedUrl], { ...TEST_ENV, ...suiteEncryptionEnv });
    expect(run.report!.cases.filter((c) => c.status !== "passed").map((c) => c.id)).toEqual([]);
    expect(run.code).toBe(0);
    expect(documentedOf(run)).toHaveLength(CASES.length);
    expect(documentedOf(run).every((c) => c.checks.every((k) => k.ok))).toBe(true);
    expect(acceptanceOf(run).filter((c) => !c.checks.every((k) => k.ok)).map((c) => c.id)).toEqual([]);
    expect(run.report!.cases.filter((c) => c.id.startsWith("refuse:crypto:"))).toHaveLength(9);
    expect(run.report!.summary.warned).toBe(0);
  });

  it("started with --crypto-key-id, --server-private-key and --client-public-key alone, it is the same encrypting reference", async () => {
    const serverKeyFile = join(dir, "server.pem");
    const clientKeyFile = join(dir, "client-public-flag.pem");
    writeFileSync(serverKeyFile, serverKeys.privateKey);
    writeFileSync(clientKeyFile, clientKeys.publicKey);
    const flagged = sandboxProcess(["--port", "0", "--crypto-key-id", CRYPTO_KEY_ID, "--server-private-key", serverKeyFile, "--client-public-key", clientKeyFile], TEST_ENV);
    try {
      const url = await listening(flagged);
      expect(flagged.output()).toContain("encryption: on; X-KM-Crypto-Key-Id must be the configured key id (not shown)");
      const run = await runCli(["--target", url, "--only", "refuse:crypto:*,success,002_003"], { ...TEST_ENV, ...suiteEncryptionEnv });
      expect(run.report!.cases.filter((c) => c.status !== "passed").map((c) => c.id)).toEqual([]);
      expect(run.report!.cases.map((c) => c.id).filter((id) => !id.startsWith("refuse:crypto:"))).toEqual(["success", "002_003"]);
      expect(run.report!.cases).toHaveLength(2 + 9);
      expect(run.code).toBe(0);
      expect(flagged.output()).toMatch(/refused jwe-decrypt/);
      expect(flagged.output() + flagged.errors()).not.toContain("PRIVATE KEY");
    } finally {
      flagged.child.kill("SIGTERM");
      await flagged.exited;
    }
  });

  // The refusal cases (conformance/refusal/) break one rule each; the sandbox must refuse every one.
  it.skipIf(!existsSync(join(ROOT, "conformance/refusal/catalog.ts")))("npm run conformance --kind refusal: the sandbox refuses every refusal case", async () => {
    const run = await runCli(["--target", plainUrl, "--kind", "refusal"], TEST_ENV);
    expect(run.report!.cases.length).toBeGreaterThan(10);
    expect(run.report!.cases.every((c) => c.id.startsWith("refuse:"))).toBe(true);
    expect(run.report!.cases.filter((c) => c.status !== "passed").map((c) => c.id)).toEqual([]);
    expect(run.code).toBe(0);
  });

  describe("refusals name the broken rule and what was expected, never the secret", () => {
    const body = stringifyJson(CASES[0]!.request.body);

    it("a wrong secret key: the HMAC does not match the bytes received", async () => {
      const reply = await send(plainUrl, { credentials: { ...CREDENTIALS, secretKey: "SK-wrong-secret-key" } });
      expectRefusal(reply, 401, "token-hmac", `does not match the ${Buffer.byteLength(body)} bytes received`, "sign exactly the bytes you send");
    });

    it("a body changed after signing", async () => {
      const changed = body.replace("333015555557", "333015555558");
      const reply = await send(plainUrl, { body, sentBody: changed });
      expectRefusal(reply, 401, "token-hmac", `the ${Buffer.byteLength(changed)} bytes received`);
    });

    it("a body re-serialised with other whitespace is other bytes, however equal as JSON", async () => {
      const reply = await send(plainUrl, { body, sentBody: JSON.stringify(JSON.parse(body), null, 1) });
      expectRefusal(reply, 401, "token-hmac");
    });

    it("a 16-digit token time", async () => {
      const reply = await send(plainUrl, { edit: (h) => (h["X-KM-Tran-Token"] = h["X-KM-Tran-Token"]!.replace(/^KMV1:(\d{16})\d:/, "KMV1:$1:")) });
      expectRefusal(reply, 400, "token-format", "17 digits", "got 16 digits");
    });

    it.each(["X-KM-Time-Zone", "X-KM-Tran-Token", "X-KM-Correlation-Id"])("a missing %s, with a fresh well-formed correlation id where none came", async (name) => {
      const reply = await send(plainUrl, { edit: (h) => delete h[name] });
      expectRefusal(reply, 400, "header-missing", `${name} is required`);
      expect(reply.headers.get("x-km-correlation-id")).toMatch(/^\d{12}-[0-9a-f]{7}$/);
    });

    it("a header of the wrong length", async () => {
      const reply = await send(plainUrl, { edit: (h) => (h["X-KM-User-AspId"] = "SHORTASP") });
      expectRefusal(reply, 400, "header-length", "X-KM-User-AspId must NOT have fewer than 15 characters");
    });

    it("another AspId and another access key", async () => {
      expectRefusal(await send(plainUrl, { credentials: { ...CREDENTIALS, aspId: "OTHERASP0000001" } }), 401, "asp-id", "KONAPLATE_ASP_ID");
      const otherKey = "AK" + "9".repeat(38);
      const reply = await send(plainUrl, { credentials: { ...CREDENTIALS, accessKey: otherKey } });
      expectRefusal(reply, 401, "access-key", "KONAPLATE_ACCESS_KEY");
      expect(reply.text).not.toContain(otherKey);
    });

    it("a token time that is not X-KM-Tran-Time", async () => {
      const reply = await send(plainUrl, { edit: (h) => (h["X-KM-Tran-Time"] = String(Number(h["X-KM-Tran-Time"]) - 1)) });
      expectRefusal(reply, 400, "token-time", "must equal X-KM-Tran-Time");
    });

    it("UTC wall clock labelled KST: the clock check says how far off and why", async () => {
      const instant = new Date(Date.now() - 9 * 3600_000); // KST digits of this instant = UTC digits of now
      const headers = signedHeaders(CREDENTIALS, body, instant);
      const reply = await send(plainUrl, { edit: (h) => Object.assign(h, headers) });
      expectRefusal(reply, 401, "clock-skew", "behind the sandbox's clock read in KST", "(9.0 h)", "±300 s");
    });

    it("a Content-Type other than application/json", async () => {
      expectRefusal(await send(plainUrl, { edit: (h) => (h["content-type"] = "text/plain") }), 415, "content-type", "must be application/json");
    });

    it("an empty body, a body that is not JSON, a body that breaks the schema", async () => {
      expectRefusal(await send(plainUrl, { body: "" }), 400, "body-empty");
      expectRefusal(await send(plainUrl, { body: "userId=1&userName=x" }), 400, "body-json", "not JSON");
      const wrongBank = stringifyJson({ ...CASES[0]!.request.body, bankCode: "005", birthDate: "751112" });
      expectRefusal(await send(plainUrl, { body: wrongBank }), 400, "body-schema", "bankCode must be one of", "birthDate");
    });

    it("a bankAccount that breaks its rule is the documented 002_001 case, not a refusal", async () => {
      const reply = await send(plainUrl, { body: stringifyJson({ ...CASES[0]!.request.body, bankAccount: "1234-5678" }) });
      expect(reply.status).toBe(400);
      expect(reply.body.response.code).toBe("002_001");
      const { bankAccount: _left, ...withoutAccount } = CASES[0]!.request.body;
      expectRefusal(await send(plainUrl, { body: stringifyJson(withoutAccount) }), 400, "body-schema", "bankAccount is required");
    });

    it("an encrypted body where no keys are configured", async () => {
      const jwe = await encryptPayload(body, serverKeys.publicKey);
      expectRefusal(await send(plainUrl, { body: stringifyJson({ encData: jwe }) }), 400, "encryption-not-configured", "KONAPLATE_SERVER_PRIVATE_KEY");
    });

    it("an encrypted body without or with another X-KM-Crypto-Key-Id, or for another key", async () => {
      const wrapped = stringifyJson({ encData: await encryptPayload(body, serverKeys.publicKey) });
      expectRefusal(await send(encryptedUrl, { body: wrapped }), 400, "crypto-key-id", "X-KM-Crypto-Key-Id is required");
      const otherId = "f".repeat(32);
      expectRefusal(await send(encryptedUrl, { body: wrapped, edit: (h) => (h["X-KM-Crypto-Key-Id"] = otherId) }), 400, "crypto-key-id", "KONAPLATE_CRYPTO_KEY_ID");
      const forOtherKey = stringifyJson({ encData: await encryptPayload(body, rsaKeyPair().publicKey) });
      expectRefusal(await send(encryptedUrl, { body: forOtherKey, edit: (h) => (h["X-KM-Crypto-Key-Id"] = CRYPTO_KEY_ID) }), 400, "jwe-decrypt", "RSA-OAEP-256");
    });

    it("a plain body under a key id, encData that is no JWE, another algorithm: each in its own words", async () => {
      const withKeyId = (h: Record<string, string>) => (h["X-KM-Crypto-Key-Id"] = CRYPTO_KEY_ID);
      expectRefusal(await send(encryptedUrl, { edit: withKeyId }), 400, "body-not-encrypted", "X-KM-Crypto-Key-Id announces an encrypted body, but the body is plain JSON");
      // Also where no keys are configured: the header says the body is encrypted, and it is not.
      expectRefusal(await send(plainUrl, { edit: withKeyId }), 400, "body-not-encrypted");
      const jwe = await encryptPayload(body, serverKeys.publicKey);
      const parts = jwe.split(".");
      for (const [encData, words] of [
        ["", "encData is empty"],
        [parts.slice(0, 4).join("."), "encData has 4 parts separated by dots; a JWE compact serialization has 5"],
        [[...parts.slice(0, 4), `${parts[4]}==`].join("."), "encData's authentication tag is not base64url"],
      ] as const) {
        expectRefusal(await send(encryptedUrl, { body: stringifyJson({ encData }), edit: withKeyId }), 400, "jwe-format", words, "expected JWE compact, RSA-OAEP-256");
      }
      const { CompactEncrypt, importSPKI } = await import("jose");
      for (const [alg, enc] of [["RSA-OAEP", "A128GCM"], ["RSA-OAEP-256", "A256GCM"]] as const) {
        const other = await new CompactEncrypt(new TextEncoder().encode(body)).setProtectedHeader({ alg, enc }).encrypt(await importSPKI(serverKeys.publicKey, alg));
        expectRefusal(await send(encryptedUrl, { body: stringifyJson({ encData: other }), edit: withKeyId }), 400, "jwe-algorithm", `encrypted with alg ${alg}, enc ${enc}; expected alg RSA-OAEP-256, enc A128GCM`);
      }
    });

    it("a body past the size cap gets 413", async () => {
      const reply = await send(plainUrl, { body: stringifyJson({ ...CASES[0]!.request.body, userName: "x".repeat(70_000) }) });
      expectRefusal(reply, 413, "body-too-large");
    });

    it("a correlation id is echoed on every refusal where the request's was well formed", async () => {
      const reply = await send(plainUrl, { edit: (h) => (h["content-type"] = "text/plain") });
      expect(reply.headers.get("x-km-correlation-id")).toMatch(/^\d{12}-[0-9a-f]{7}$/);
      const plainReply = await send(plainUrl);
      expect(plainReply.status).toBe(200);
    });
  });
});

describe("request checks, in-process", () => {
  const body = Buffer.from("{}");
  const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

  it("the clock check reads X-KM-Tran-Time in its zone: ahead, behind, off, and skipped for a zone without a known offset", () => {
    const now = Date.now();
    const ahead = lower(signedHeaders(CREDENTIALS, "{}", new Date(now + 3_600_000)));
    expect(checkToken(ahead, body, CREDENTIALS.secretKey, 300, now)).toMatchObject({ rule: "clock-skew", detail: expect.stringContaining("ahead of the sandbox's clock") });
    expect(checkToken(ahead, body, CREDENTIALS.secretKey, 3_700, now)).toBeNull();
    expect(checkToken(ahead, body, CREDENTIALS.secretKey, 0, now)).toBeNull();
    const utc = lower(signedHeaders({ ...CREDENTIALS, timeZone: "UTC" }, "{}", new Date(now)));
    expect(checkToken(utc, body, CREDENTIALS.secretKey, 300, now)).toBeNull();
    // PST has the spec's shape but no offset the kit knows: not judged rather than judged wrong.
    const pst = { ...lower(signedHeaders(CREDENTIALS, "{}", new Date(now - 17 * 3_600_000))), "x-km-time-zone": "PST" };
    expect(checkToken(pst, body, CREDENTIALS.secretKey, 300, now)).toBeNull();
  });

  it("Content-Type: application/json with no charset or UTF-8 only", () => {
    expect(checkContentType({ "content-type": "application/json" })).toBeNull();
    expect(checkContentType({ "content-type": "Application/JSON; charset=UTF-8" })).toBeNull();
    expect(checkContentType({ "content-type": "application/json; charset=EUC-KR" })).toMatchObject({ status: 415, detail: expect.stringContaining("got charset euc-kr") });
    expect(checkContentType({})).toMatchObject({ status: 415, detail: expect.stringContaining("got none") });
  });
});

describe("README: integrators in other languages", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Integrators in other languages"));

  it("the worked example's token is the HMAC of the example body with the placeholder secret", () => {
    const body = /<!-- sandbox-example:body -->\n```json\n(.*)\n```/.exec(section)?.[1];
    const tranTime = /X-KM-Tran-Time: (\d{14})/.exec(section)?.[1];
    const token = /X-KM-Tran-Token: (KMV1:\S+)/.exec(section)?.[1];
    expect(body && tranTime && token).toBeTruthy();
    const mac = createHmac("sha256", PLACEHOLDER_CREDENTIALS.secretKey).update(Buffer.from(body!, "utf8")).digest("base64");
    expect(token).toBe(`KMV1:${tranTime}${token!.slice(19, 22)}:${mac}`);
    expect(section).toContain(`${Buffer.byteLength(body!, "utf8")} bytes`);
    // The kit's own signing agrees with the example, at the example's instant.
    const ms = token!.slice(5, 22);
    const instant = new Date(Date.UTC(+ms.slice(0, 4), +ms.slice(4, 6) - 1, +ms.slice(6, 8), +ms.slice(8, 10) - 9, +ms.slice(10, 12), +ms.slice(12, 14), +ms.slice(14)));
    expect(tranToken(PLACEHOLDER_CREDENTIALS.secretKey, body!, instant, "KST")).toBe(token);
  });

  it("lists the outcome mapping exactly as --help prints it", () => {
    for (const line of outcomeTable()) expect(section).toContain(line);
  });
});

describe("an override (stand-ins and the benchmark's server)", () => {
  it("sees when the request's head came in, before its body did: a server of fixed latency counts from there", async () => {
    const seen: { receivedAt: number; at: number }[] = [];
    const sandbox = await startSandbox({
      basePath: null,
      credentials: CREDENTIALS,
      maxClockSkewSeconds: 0,
      override: (request) => {
        seen.push({ receivedAt: request.receivedAt, at: performance.now() });
        return undefined;
      },
    });
    try {
      const body = stringifyJson(CASES[0]!.request.body);
      const head = Object.entries({ ...signedHeaders(CREDENTIALS, body), "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("");
      const socket = connect(sandbox.port, "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      const sentHead = performance.now();
      // The body goes only once the server has the head (its own request listener runs first).
      const headIn = new Promise((resolve) => sandbox.server.once("request", resolve));
      socket.write(`POST ${OPERATION.path} HTTP/1.1\r\nhost: sandbox\r\nconnection: close\r\n${head}\r\n`);
      await headIn;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sentBody = performance.now();
      socket.end(body);
      await new Promise((resolve) => socket.once("close", resolve).resume());
      expect(seen).toHaveLength(1);
      expect(seen[0]!.receivedAt).toBeGreaterThanOrEqual(sentHead);
      expect(seen[0]!.receivedAt).toBeLessThan(sentBody);
      expect(seen[0]!.at).toBeGreaterThanOrEqual(sentBody);
    } finally {
      await sandbox.close();
    }
  });
});
