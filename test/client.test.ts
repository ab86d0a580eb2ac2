// The client against real local HTTP servers: the faithful server (recomputes the HMAC over the raw
// bytes and checks every header) for outcomes, small node:http servers for transport faults.
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CASES,
  CODE_MESSAGES,
  createKonaplateClient,
  KonaplateConfigurationError,
  KonaplateEncryptionError,
  KonaplateError,
  KonaplateNetworkError,
  KonaplateResponseError,
  KonaplateTimeoutError,
  KonaplateValidationError,
  type KonaplateClientOptions,
  type VerifyAccountHolderInput,
} from "../src/index.js";
import { stringifyJson } from "../src/json.js";
import { correlationId } from "../src/signing.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { ACCESS_KEY, ASP_ID, caught, CRYPTO_KEY_ID, everyRendering, KONA, SECRET_KEY } from "./support/client-fixtures.js";
import { startScriptedServer } from "./support/fault-servers.js";

const PERSONAL_DATA = [KONA.userName, KONA.birthDate, KONA.bankAccount, "홍길동", "33301555555A"];

const CORRELATION_ID = /^\d{12}-[0-9a-f]{7}$/;

function rsaKeyPair() {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

function clientFor(baseUrl: string, extra: Partial<KonaplateClientOptions> = {}) {
  return createKonaplateClient({ baseUrl, aspId: ASP_ID, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, ...extra });
}

/** None of the ways an error can be shown may reveal a key or personal data. */
function expectNothingSecret(error: unknown, extraSecrets: string[] = []): void {
  const shown = everyRendering(error);
  for (const secret of [ACCESS_KEY, SECRET_KEY, ...PERSONAL_DATA, ...extraSecrets]) expect(shown).not.toContain(secret);
}


interface RawServer {
  url: string;
  /** Correlation ids of the requests received, in order. */
  correlationIds: string[];
  close(): Promise<void>;
}

/** A bare node:http server for transport faults; it records each request's correlation id. */
async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<RawServer> {
  const correlationIds: string[] = [];
  const server = await startScriptedServer((req, res, body) => {
    correlationIds.push(String(req.headers["x-km-correlation-id"] ?? ""));
    handler(req, res, body);
  });
  return { url: `${server.url}/open-api`, correlationIds, close: server.close };
}

describe("createKonaplateClient against the faithful server", () => {
  let server: FaithfulServer;
  let bigAnswer: { status: number; body: unknown } = { status: 200, body: null };

  beforeAll(async () => {
    server = await startFaithfulServer({
      secretKey: SECRET_KEY,
      respond: (request) => {
        const body = request.body as { userName?: string } | undefined;
        return body?.userName === "big-answer" ? bigAnswer : undefined;
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const lastRequest = () => server.requests[server.requests.length - 1]!;

  it("signs the exact bytes it sends: every header valid, the HMAC verifies, 19 digits written in full", async () => {
    const kona = clientFor(`${server.url}/open-api`);
    const result = await kona.verifyAccountHolder(KONA);
    const request = lastRequest();
    expect(request.verdict.tokenOk).toBe(true);
    expect(request.verdict.headerViolations).toEqual([]);
    expect(request.rawBody).toContain('"userId":9999999999999999999,');
    expect(request.body).toMatchObject({ userId: 9999999999999999999n });

    const h = request.headers;
    expect(h["x-km-user-aspid"]).toBe(ASP_ID);
    expect(h["x-km-access-key"]).toBe(ACCESS_KEY);
    expect(h["x-km-time-zone"]).toBe("KST");
    expect(h["x-km-crypto-key-id"]).toBeUndefined();
    expect(h["x-km-correlation-id"]).toMatch(CORRELATION_ID);
    expect(h["x-km-tran-time"]).toMatch(/^\d{14}$/);
    // One instant behind all three: token time, request time and correlation id agree.
    expect(h["x-km-tran-token"]).toMatch(new RegExp(`^KMV1:${h["x-km-tran-time"]}\\d{3}:[A-Za-z0-9+/]{43}=$`));
    expect(h["x-km-correlation-id"]!.slice(0, 12)).toBe(h["x-km-tran-time"]!.slice(2));

    expect(result).toEqual({
      ok: true,
      status: 200,
      code: "000_000",
      description: CODE_MESSAGES["000_000"].message,
      correlationId: h["x-km-correlation-id"],
      envelope: { response: { code: "000_000", description: "Success" } },
    });
  });

  it("sends a digit-string userId and a safe-number userId as JSON numbers with every digit", async () => {
    const kona = clientFor(`${server.url}/open-api`);
    await kona.verifyAccountHolder({ ...KONA, userId: "1234567890123456789" });
    expect(lastRequest().rawBody).toContain('"userId":1234567890123456789,');
    expect(lastRequest().verdict.tokenOk).toBe(true);
    await kona.verifyAccountHolder({ ...KONA, userId: Number.MAX_SAFE_INTEGER });
    expect(lastRequest().rawBody).toContain(`"userId":${Number.MAX_SAFE_INTEGER},`);
    expect(lastRequest().verdict.tokenOk).toBe(true);
  });

  it.each([true, false])("refuses an unsafe-number userId before sending anything (validate: %s)", async (validate) => {
    const kona = clientFor(`${server.url}/open-api`, { validate });
    const before = server.requests.length;
    const error = await caught(kona.verifyAccountHolder({ ...KONA, userId: 2 ** 53 + 2 }));
    expect(error).toBeInstanceOf(KonaplateValidationError);
    expect(error.kind).toBe("unsafe-integer");
    expect((error as KonaplateValidationError).violations).toEqual([expect.objectContaining({ path: "userId", rule: "safe-integer" })]);
    expect(error.message).toMatch(/userId/);
    expect(error.message).toMatch(/bigint or a digit string/);
    expect(server.requests.length).toBe(before);
    expectNothingSecret(error, [String(2 ** 53 + 2)]);
  });

  it("returns a documented 400 as a result: a name mismatch is ok:false with code 002_003", async () => {
    const kona = clientFor(`${server.url}/open-api`);
    const result = await kona.verifyAccountHolder({ ...KONA, userName: "홍길동" });
    expect(lastRequest().verdict.tokenOk).toBe(true);
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      code: "002_003",
      documented: true,
      description: CODE_MESSAGES["002_003"].message,
      correlationId: lastRequest().headers["x-km-correlation-id"],
    });
  });

  it.each([200, 400])("reads a 19-digit integer in a %s answer without losing a digit", async (status) => {
    bigAnswer = {
      status,
      body: {
        response: status === 200 ? { code: "000_000", description: "Success" } : { code: "002_003", description: "Names are not matched." },
        memberNo: 12345678901234567891n,
      },
    };
    const kona = clientFor(`${server.url}/open-api`);
    const result = await kona.verifyAccountHolder({ ...KONA, userName: "big-answer" });
    expect(result.status).toBe(status);
    expect(result.envelope.memberNo).toBe(12345678901234567891n);
  });

  it.each([
    { field: "bankAccount", rule: "pattern", input: { bankAccount: "33301555555A" }, hidden: "33301555555A" },
    { field: "bankCode", rule: "enum", input: { bankCode: "005" }, hidden: null },
    { field: "userId", rule: "minimum", input: { userId: 0n }, hidden: null },
    { field: "userId", rule: "maximum", input: { userId: 10000000000000000000n }, hidden: "10000000000000000000" },
    { field: "userName", rule: "maxLength", input: { userName: "가".repeat(101) }, hidden: "가".repeat(101) },
    { field: "birthDate", rule: "pattern", input: { birthDate: "19751312" }, hidden: "19751312" },
  ])("validate:true refuses a bad $field, naming the field and the rule ($rule) but not the value", async ({ field, rule, input, hidden }) => {
    const kona = clientFor(`${server.url}/open-api`);
    const before = server.requests.length;
    const error = await caught(kona.verifyAccountHolder({ ...KONA, ...input }));
    expect(error).toBeInstanceOf(KonaplateValidationError);
    expect(error.kind).toBe("invalid-input");
    expect((error as KonaplateValidationError).violations).toContainEqual(expect.objectContaining({ path: field, rule }));
    expect(error.message).toContain(field);
    expect(error.message).toContain(rule);
    expect(server.requests.length).toBe(before);
    expectNothingSecret(error, hidden ? [hidden] : []);
  });

  it("accepts the largest userId exactly, and refuses 10000000000000000000 (one past it)", async () => {
    const kona = clientFor(`${server.url}/open-api`);
    await expect(kona.verifyAccountHolder({ ...KONA, userId: 9999999999999999999n })).resolves.toMatchObject({ ok: true });
    const error = await caught(kona.verifyAccountHolder({ ...KONA, userId: "10000000000000000000" }));
    expect((error as KonaplateValidationError).violations).toEqual([expect.objectContaining({ path: "userId", rule: "maximum" })]);
  });

  it("validate:false sends the 002_001 case as given and returns ok:false code 002_001", async () => {
    const case002001 = CASES.find((c) => c.id === "002_001")!;
    const kona = clientFor(`${server.url}/open-api`, { validate: false });
    const result = await kona.verifyAccountHolder(case002001.request.body);
    expect(lastRequest().rawBody).toBe(stringifyJson(case002001.request.body));
    expect(lastRequest().verdict.tokenOk).toBe(true);
    expect(result).toMatchObject({ ok: false, status: 400, code: "002_001", description: CODE_MESSAGES["002_001"].message });
  });

  it("uses the fetch it is given", async () => {
    let calls = 0;
    const kona = clientFor(`${server.url}/open-api`, {
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await expect(kona.verifyAccountHolder(KONA)).resolves.toMatchObject({ ok: true });
    expect(calls).toBe(1);
  });

  it("sends the very string it signed, through its own fetch and through a caller's fetch alike", async () => {
    const wire = stringifyJson(KONA);
    expect(wire).toContain('"userId":9999999999999999999,');
    await clientFor(`${server.url}/open-api`).verifyAccountHolder(KONA);
    expect(lastRequest().rawBody).toBe(wire);
    expect(lastRequest().verdict.hmacOk).toBe(true);
    expect(lastRequest().headers["content-type"]).toBe("application/json");

    const seen: { body: string; contentType: string | null }[] = [];
    const kona = clientFor(`${server.url}/open-api`, {
      fetch: async (input) => {
        const request = input as Request;
        seen.push({ body: await request.clone().text(), contentType: request.headers.get("content-type") });
        return fetch(request);
      },
    });
    await kona.verifyAccountHolder(KONA);
    expect(seen).toEqual([{ body: wire, contentType: "application/json" }]);
    expect(lastRequest().rawBody).toBe(wire);
    expect(lastRequest().verdict.tokenOk).toBe(true);
  });

  it("a wrong secret key is caught by the server's HMAC check and surfaces as a typed unexpected-status error", async () => {
    const kona = createKonaplateClient({ baseUrl: `${server.url}/open-api`, aspId: ASP_ID, accessKey: ACCESS_KEY, secretKey: "SK-some-other-key" });
    const error = await caught(kona.verifyAccountHolder(KONA));
    expect(lastRequest().verdict.tokenOk).toBe(false);
    expect(error).toBeInstanceOf(KonaplateResponseError);
    expect(error.kind).toBe("unexpected-status");
    expect((error as KonaplateResponseError).status).toBe(401);
    expectNothingSecret(error, ["SK-some-other-key"]);
  });
});

describe("message encryption (JWE)", () => {
  const serverKeys = rsaKeyPair();
  const clientKeys = rsaKeyPair();
  let server: FaithfulServer;

  beforeAll(async () => {
    server = await startFaithfulServer({
      secretKey: SECRET_KEY,
      serverPrivateKeyPem: serverKeys.privateKey,
      clientPublicKeyPem: clientKeys.publicKey,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("sends {\"encData\": JWE} signed as sent, with X-KM-Crypto-Key-Id, and reads the encrypted answer", async () => {
    const kona = clientFor(`${server.url}/open-api`, {
      encryption: { cryptoKeyId: CRYPTO_KEY_ID, serverPublicKey: serverKeys.publicKey, clientPrivateKey: clientKeys.privateKey },
    });
    const result = await kona.verifyAccountHolder(KONA);
    const request = server.requests[server.requests.length - 1]!;
    expect(request.encrypted).toBe(true);
    expect(request.rawBody).toMatch(/^\{"encData":"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"\}$/);
    expect(request.rawBody).not.toContain(KONA.bankAccount);
    expect(request.headers["x-km-crypto-key-id"]).toBe(CRYPTO_KEY_ID);
    expect(request.verdict.tokenOk).toBe(true);
    expect(request.verdict.headerViolations).toEqual([]);
    expect(request.body).toEqual({ ...KONA, userId: 9999999999999999999n });
    expect(result).toMatchObject({ ok: true, code: "000_000", correlationId: request.headers["x-km-correlation-id"] });
  });

  it("an encrypted answer without clientPrivateKey is a clear typed error", async () => {
    const kona = clientFor(`${server.url}/open-api`, { encryption: { cryptoKeyId: CRYPTO_KEY_ID, serverPublicKey: serverKeys.publicKey } });
    const error = await caught(kona.verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateEncryptionError);
    expect(error.kind).toBe("missing-private-key");
    expect(error.message).toContain("clientPrivateKey");
    expect(error.message).toContain(server.requests[server.requests.length - 1]!.headers["x-km-correlation-id"]);
    expectNothingSecret(error, [serverKeys.privateKey, clientKeys.privateKey]);
  });

  it("an answer encrypted for another key fails as decrypt-failed, without key material in the error", async () => {
    const otherKeys = rsaKeyPair();
    const kona = clientFor(`${server.url}/open-api`, {
      encryption: { cryptoKeyId: CRYPTO_KEY_ID, serverPublicKey: serverKeys.publicKey, clientPrivateKey: otherKeys.privateKey },
    });
    const error = await caught(kona.verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateEncryptionError);
    expect(error.kind).toBe("decrypt-failed");
    expectNothingSecret(error, [otherKeys.privateKey, otherKeys.privateKey.split("\n")[1]!]);
  });

  it("an unusable server public key is refused before sending", async () => {
    const kona = clientFor(`${server.url}/open-api`, { encryption: { cryptoKeyId: CRYPTO_KEY_ID, serverPublicKey: "not a pem" } });
    const before = server.requests.length;
    const error = await caught(kona.verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateEncryptionError);
    expect(error.kind).toBe("encrypt-failed");
    expect(error.message).toContain("serverPublicKey");
    expect(server.requests.length).toBe(before);
  });
});

describe("wall clock and correlation ids", () => {
  it("writes KST wall-clock digits even when the process runs in another TZ", async () => {
    const probe = fileURLToPath(new URL("./support/client-tz-probe.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", probe], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, TZ: "America/New_York" },
    });
    const out = JSON.parse(stdout) as { before: number; after: number; offsetMinutes: number; ok: boolean; headers: Record<string, string> };
    expect(out.ok).toBe(true);
    expect([240, 300]).toContain(out.offsetMinutes); // the child really ran in New York time
    // KST digits computed independently of src/signing.ts: UTC+9 through toISOString.
    const kst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\D/g, "").slice(0, 17);
    const token17 = /^KMV1:(\d{17}):/.exec(out.headers["x-km-tran-token"]!)![1]!;
    expect(token17 >= kst(out.before) && token17 <= kst(out.after)).toBe(true);
    expect(out.headers["x-km-tran-time"]).toBe(token17.slice(0, 14));
    expect(out.headers["x-km-correlation-id"]!.slice(0, 12)).toBe(token17.slice(2, 14));
    expect(out.headers["x-km-time-zone"]).toBe("KST");
  });

  it("100,000 correlation ids at one instant are all distinct", () => {
    const instant = new Date("2026-11-24T14:15:00.000Z");
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++) ids.add(correlationId(instant, "KST"));
    expect(ids.size).toBe(100_000);
    for (const id of ids) {
      expect(id).toMatch(CORRELATION_ID);
      expect(id.startsWith("261124231500-")).toBe(true);
      break;
    }
  });
});

describe("transport failures throw typed errors naming the cause and the correlation id", () => {
  const servers: RawServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function raw(handler: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
    const s = await startRawServer(handler);
    servers.push(s);
    return s;
  }
  /** A server that echoes personal data back, to prove errors never repeat a body. */
  const echo = (body: string) => `<html><body>${body}</body></html>`;

  it("timeout: a server that never answers", async () => {
    const s = await raw(() => undefined);
    const timeoutMs = 300;
    const started = Date.now();
    const error = await caught(clientFor(s.url, { timeoutMs }).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateTimeoutError);
    expect(error.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(timeoutMs + 2000);
    expect(error.correlationId).toBe(s.correlationIds[0]);
    expect(error.message).toContain(s.correlationIds[0]);
    expect(error.message).toContain("300 ms");
    expectNothingSecret(error);
  });

  it("timeout: a caller's fetch gets the deadline on its Request's signal", async () => {
    let signal: AbortSignal | undefined;
    const kona = clientFor("http://127.0.0.1:9/open-api", {
      timeoutMs: 200,
      // Never answers by itself: only the Request's signal can end it.
      fetch: (input) => {
        signal = (input as Request).signal;
        return new Promise((_resolve, reject) => signal!.addEventListener("abort", () => reject(signal!.reason)));
      },
    });
    const error = await caught(kona.verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateTimeoutError);
    expect(error.message).toContain("200 ms");
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe("TimeoutError");
  });

  it("timeout while the body is still streaming", async () => {
    const s = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"response":');
    });
    const error = await caught(clientFor(s.url, { timeoutMs: 300 }).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateTimeoutError);
    expect(error.message).toContain(s.correlationIds[0]);
  });

  it("refused connection", async () => {
    const s = await startRawServer(() => undefined);
    await s.close();
    const error = await caught(clientFor(s.url).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateNetworkError);
    expect(error.kind).toBe("refused");
    expect(error.message).toMatch(/connection refused/);
    expect(error.correlationId).toMatch(CORRELATION_ID);
    expect(error.message).toContain(error.correlationId);
    expectNothingSecret(error);
  });

  it("unknown host", async () => {
    const error = await caught(clientFor("http://no-such-host.invalid/open-api", { timeoutMs: 10_000 }).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateNetworkError);
    expect(error.kind).toBe("dns");
    expect(error.message).toContain(error.correlationId);
    expectNothingSecret(error);
  });

  it("reset connection", async () => {
    const s = await raw((req) => req.socket.destroy());
    const error = await caught(clientFor(s.url).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateNetworkError);
    expect(error.kind).toBe("reset");
    expect(error.message).toContain(s.correlationIds[0]);
    expectNothingSecret(error);
  });

  it("HTML body on a 200", async () => {
    const s = await raw((_req, res, body) => res.writeHead(200, { "content-type": "text/html" }).end(echo(body)));
    const error = await caught(clientFor(s.url).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateResponseError);
    expect(error.kind).toBe("non-json");
    expect((error as KonaplateResponseError).status).toBe(200);
    expect(error.message).toContain("text/html");
    expect(error.message).toContain(s.correlationIds[0]);
    expectNothingSecret(error);
  });

  it("missing envelope: 200 with {}", async () => {
    const s = await raw((req, res) =>
      res.writeHead(200, { "content-type": "application/json", "x-km-correlation-id": String(req.headers["x-km-correlation-id"]) }).end("{}"),
    );
    const error = await caught(clientFor(s.url).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateResponseError);
    expect(error.kind).toBe("missing-envelope");
    expect((error as KonaplateResponseError).violations).toContainEqual(expect.objectContaining({ path: "response", rule: "required" }));
    expect(error.message).toContain("response required");
    expect(error.message).toContain(s.correlationIds[0]);
    expectNothingSecret(error);
  });

  it("invalid envelope: a 400 that claims success, without a description", async () => {
    const s = await raw((_req, res) => res.writeHead(400, { "content-type": "application/json" }).end('{"response":{"code":"000_000"}}'));
    const error = await caught(clientFor(s.url).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateResponseError);
    expect(error.kind).toBe("invalid-envelope");
    expect(error.message).toContain("response.description required");
    expect(error.message).toContain("response.code not");
    // No correlation header in the answer: the one sent is named.
    expect(error.correlationId).toBe(s.correlationIds[0]);
  });

  it("500 with a body that echoes the request", async () => {
    const s = await raw((_req, res, body) => res.writeHead(500, { "content-type": "application/json" }).end(body));
    const error = await caught(clientFor(s.url).verifyAccountHolder(KONA));
    expect(error).toBeInstanceOf(KonaplateResponseError);
    expect(error.kind).toBe("unexpected-status");
    expect((error as KonaplateResponseError).status).toBe(500);
    expect(error.message).toContain("500");
    expect(error.message).toContain(s.correlationIds[0]);
    expectNothingSecret(error);
  });

  it("the answer's correlation id is reported when it has one, the sent one otherwise", async () => {
    const answered = "261124231500-abcdef0";
    const s = await raw((_req, res) =>
      res
        .writeHead(200, { "content-type": "application/json", "x-km-correlation-id": answered })
        .end('{"response":{"code":"000_000","description":"Success"}}'),
    );
    await expect(clientFor(s.url).verifyAccountHolder(KONA)).resolves.toMatchObject({ ok: true, correlationId: answered });
    const t = await raw((_req, res) =>
      res.writeHead(400, { "content-type": "application/json" }).end('{"response":{"code":"999_999","description":"System delay"}}'),
    );
    const result = await clientFor(t.url).verifyAccountHolder(KONA);
    expect(result).toEqual({
      ok: false,
      status: 400,
      code: "999_999",
      documented: false,
      description: "System delay",
      correlationId: t.correlationIds[0],
      envelope: { response: { code: "999_999", description: "System delay" } },
    });
  });
});

describe("options", () => {
  it.each([
    { option: "timeZone", extra: { timeZone: "PST" } },
    { option: "aspId", extra: { aspId: "SHORT" } },
    { option: "accessKey", extra: { accessKey: "AK-canary-access-key-too-short" } },
    { option: "timeoutMs", extra: { timeoutMs: 0 } },
    { option: "baseUrl", extra: { baseUrl: "not a url" } },
    { option: "baseUrl", extra: { baseUrl: "http://user:pw-canary@127.0.0.1/open-api" } },
    { option: "encryption.cryptoKeyId", extra: { encryption: { cryptoKeyId: "short", serverPublicKey: "x" } } },
  ])("refuses a bad $option when the client is created, naming it without its value", ({ option, extra }) => {
    let error: unknown;
    try {
      clientFor("http://127.0.0.1:9/open-api", extra);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KonaplateConfigurationError);
    expect((error as KonaplateConfigurationError).violations.map((v) => v.path)).toContain(option);
    expect((error as Error).message).toContain(option);
    expectNothingSecret(error, ["AK-canary-access-key-too-short", "pw-canary"]);
  });

  it("validate:false skips the spec's length checks of the fixed headers", () => {
    expect(() => clientFor("http://127.0.0.1:9/open-api", { aspId: "SHORT", validate: false })).not.toThrow();
  });
});
