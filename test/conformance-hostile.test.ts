// The conformance CLI against servers that attack it: echoes of the request in every spelling
// (nothing personal or secret may reach any report or the terminal), 25 MB answers (bounded
// memory, small reports, other verdicts unchanged), terminal escapes, redirects, and encrypted
// answers of another scheme. Each runs the CLI's main() in-process against local servers.
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CompactEncrypt, importSPKI } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { CASE_IDS } from "../generated/contract.js";
import { ENCODED_MARKER } from "../conformance/masking.js";
import type { CaseReport } from "../conformance/report.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../src/bounded-body.js";
import { removeRunDirs, runCli, scratchFile, TEST_ENV, xmlProblems, type CliRun } from "./support/conformance-run.js";
import type { TestServer } from "./support/fault-servers.js";
import {
  BIG_ANSWER_BYTES,
  documentedAnswer,
  startBigAnswerServer,
  startEchoingServer,
  startRecordingServer,
  taggedCases,
  type Answer,
} from "./support/hostile-servers.js";

// The `success` case's default request.
const NAME = "김코나";
const BIRTH = "19751112";
const ACCOUNT = "333015555557";
const PERSONAL = [NAME, BIRTH, ACCOUNT];
const SECRETS = [TEST_ENV.KONAPLATE_ACCESS_KEY, TEST_ENV.KONAPLATE_SECRET_KEY];

afterAll(removeRunDirs);

async function against(server: TestServer, args: string[], env: NodeJS.ProcessEnv = TEST_ENV): Promise<CliRun> {
  try {
    return await runCli(["--target", server.url, ...args], env);
  } finally {
    await server.close();
  }
}

const caseOf = (run: CliRun, id: string): CaseReport => {
  const found = run.report?.cases.find((c) => c.id === id);
  if (!found) throw new Error(`case ${id} missing from report.json`);
  return found;
};
const checkOf = (c: CaseReport, name: string) => c.checks.find((k) => k.name === name)!;

/** HTML/XML character references undone once: what a person reading the page or the CI view sees. */
function asRead(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_m, n: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[n]!);
}

/** Every output a person could read: stdout, stderr and each report file, raw and as rendered. */
function outputs(run: CliRun): [string, string][] {
  const out: [string, string][] = [
    ["stdout", run.stdout],
    ["stderr", run.stderr],
  ];
  for (const [name, text] of Object.entries(run.files)) {
    out.push([name, text]);
    if (!name.endsWith(".json")) out.push([`${name} (as read)`, asRead(text)]);
  }
  return out;
}

function expectAbsent(run: CliRun, forms: readonly string[]): void {
  for (const [where, text] of outputs(run)) {
    for (const form of [...PERSONAL, ...SECRETS, ...forms]) {
      if (text.includes(form)) throw new Error(`${JSON.stringify(form)} found in ${where}`);
    }
  }
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const uEscaped = (s: string) => Array.from(s, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`).join("");
const decimalEntities = (s: string) => Array.from(s, (c) => `&#${c.codePointAt(0)};`).join("");
const hexEntities = (s: string) => Array.from(s, (c) => `&#x${c.codePointAt(0)!.toString(16)};`).join("");
const fullWidth = (s: string) => Array.from(s, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
const percentAll = (s: string) => Array.from(Buffer.from(s, "utf8"), (b) => `%${b.toString(16).toUpperCase()}`).join("");
const envelopeWith = (description: string, extra = "") => `{"response":{"code":"000_000","description":${JSON.stringify(description)}}${extra}}`;

interface Echo {
  /** The answer, made from the raw request body. */
  answer: (rawBody: string) => Answer;
  /** Spellings of sent values the server wrote: none may reach any output. */
  forms: (rawBody: string) => string[];
}

const echoes: Record<string, Echo> = {
  "JSON numbers": {
    answer: () => ({ body: envelopeWith("ok", `,"acct":${ACCOUNT},"born":${BIRTH},"both":[${ACCOUNT},${BIRTH}]`) }),
    forms: () => [],
  },
  "object keys": {
    answer: () => ({ body: envelopeWith("ok", `,"echo":{"${ACCOUNT}":"${NAME}","${NAME}":true,"${TEST_ENV.KONAPLATE_ACCESS_KEY}":1}`) }),
    forms: () => [],
  },
  "header names and values": {
    answer: () => ({
      body: envelopeWith("ok"),
      headers: { [`x-acct-${ACCOUNT}`]: "1", "x-name": encodeURIComponent(NAME), "x-key": TEST_ENV.KONAPLATE_ACCESS_KEY, [`x-${TEST_ENV.KONAPLATE_SECRET_KEY}`]: "1" },
    }),
    forms: () => [encodeURIComponent(NAME)],
  },
  "base64 and url-safe base64 of each value": {
    answer: () => ({ body: envelopeWith(`${b64(NAME)} ${b64url(NAME)} ${b64(ACCOUNT)} ${b64(BIRTH)} ${b64(TEST_ENV.KONAPLATE_SECRET_KEY)}`) }),
    forms: () => [b64(NAME), b64url(NAME), b64(ACCOUNT), b64(BIRTH), b64(TEST_ENV.KONAPLATE_SECRET_KEY)],
  },
  "base64 of the whole body, in JSON and as text": {
    answer: (raw) => ({ body: envelopeWith(b64url(raw), `,"copy":"${b64(raw)}"`) }),
    forms: (raw) => [b64(raw).slice(0, 40), b64url(raw).slice(0, 40)],
  },
  "base64 of the whole body as a text/plain answer": {
    answer: (raw) => ({ contentType: "text/plain", body: `request was: ${b64(raw)}` }),
    forms: (raw) => [b64(raw).slice(0, 40)],
  },
  "base64 of a JSON fragment": {
    answer: () => ({ body: envelopeWith(`fragment ${b64(`{"userName":"${NAME}","bankAccount":"${ACCOUNT}"}`)}`) }),
    forms: () => [b64(`{"userName":"${NAME}","bankAccount":"${ACCOUNT}"}`)],
  },
  "URL-encoded": {
    answer: () => ({ body: envelopeWith(`name=${encodeURIComponent(NAME)}&acct=${percentAll(ACCOUNT)}&k=${encodeURIComponent(TEST_ENV.KONAPLATE_ACCESS_KEY)}`) }),
    forms: () => [encodeURIComponent(NAME), percentAll(ACCOUNT)],
  },
  "\\uXXXX-escaped in a non-JSON body": {
    answer: () => ({ contentType: "text/plain", body: `name ${uEscaped(NAME)} acct ${uEscaped(ACCOUNT)} born ${uEscaped(BIRTH).toLowerCase()}` }),
    forms: () => [uEscaped(NAME), uEscaped(ACCOUNT), uEscaped(BIRTH).toLowerCase()],
  },
  "HTML entities, decimal, hex and named": {
    answer: () => ({ contentType: "text/html", body: `<p>${decimalEntities(NAME)} ${hexEntities(ACCOUNT)} 1975&hyphen;11&hyphen;12</p>` }),
    forms: () => [decimalEntities(NAME), hexEntities(ACCOUNT), "1975&hyphen;11&hyphen;12"],
  },
  "split in two across fields": {
    answer: () => ({ body: envelopeWith("ok", `,"first":"김","rest":"코나","a":"${ACCOUNT.slice(0, 6)}","b":"${ACCOUNT.slice(6)}"`) }),
    forms: () => [`"${ACCOUNT.slice(0, 6)}"`, `"${ACCOUNT.slice(6)}"`, '"코나"'],
  },
  "split across a line break": {
    answer: () => ({ contentType: "text/plain", body: `name 김코\n나, account ${ACCOUNT.slice(0, 5)}\r\n${ACCOUNT.slice(5)}` }),
    forms: () => ["김코\n나", `${ACCOUNT.slice(0, 5)}\r\n`, `${ACCOUNT.slice(0, 5)}\\r\\n${ACCOUNT.slice(5)}`],
  },
  "dashed or spaced digits": {
    answer: () => ({ body: envelopeWith("acct 3330-1555-5557, born 1975 11 12, again 3 3 3 0 1 5 5 5 5 5 5 7") }),
    forms: () => ["3330-1555-5557", "1975 11 12", "3 3 3 0 1 5 5 5 5 5 5 7"],
  },
  "full-width digits": {
    answer: () => ({ body: envelopeWith(`acct ${fullWidth(ACCOUNT)} born ${fullWidth(BIRTH)}`) }),
    forms: () => [fullWidth(ACCOUNT), fullWidth(BIRTH)],
  },
};

describe("item 6: a server echoing the request in any spelling leaks nothing into any report or the terminal", () => {
  it.each(Object.keys(echoes))("%s", async (how) => {
    const echo = echoes[how]!;
    let rawBody = "";
    const server = await startEchoingServer((raw) => {
      rawBody = raw;
      return echo.answer(raw);
    });
    const run = await against(server, ["--only", "success"]);
    expect(rawBody).toContain(ACCOUNT); // the echo really carried the sent values
    expect(Object.keys(run.files).sort()).toEqual(["junit.xml", "report.html", "report.json"]);
    expectAbsent(run, echo.forms(rawBody));
    // Masked or marked, not dropped: the report still shows there was something.
    const observed = JSON.stringify(caseOf(run, "success").observed);
    expect(observed.includes(ENCODED_MARKER) || observed.includes("****") || observed.includes("[redacted]") || observed.includes("김*나")).toBe(true);
  });

  it("masks another case's values echoed in this case's answer", async () => {
    // 002_003 sends 홍길동: an answer to `success` that echoes it must mask it as well.
    const server = await startEchoingServer(() => ({ body: envelopeWith(`other member 홍길동 ${b64("홍길동")}`) }));
    const run = await against(server, ["--only", "success,002_003"]);
    for (const [where, text] of outputs(run)) {
      expect(text.includes("홍길동"), where).toBe(false);
    }
  });
});

describe("a server quoting the credentials it received (token, access key, JWE) in its answers", () => {
  /** Every spelling of a value this server writes: as sent, URL-encoded, base64, and base64 of a quote of it. */
  const spellings = (value: string) => [value, encodeURIComponent(value), b64(value), b64url(`received "${value}"`)];

  it("leaves no token, HMAC or access key it echoed in any report or output, for any case of a full run", async () => {
    const tokens: string[] = [];
    const server = await startEchoingServer((_raw, req) => {
      const token = String(req.headers["x-km-tran-token"] ?? "");
      const key = String(req.headers["x-km-access-key"] ?? "");
      tokens.push(token);
      const hmac = token.split(":")[2] ?? "";
      const quoted = [...spellings(token), ...spellings(key), hmac, `${hmac.slice(0, 22)} ${hmac.slice(22)}`].join(" | ");
      return { status: 400, body: `{"response":{"code":"999_400","description":${JSON.stringify(`refused: token ${quoted}`)}}}` };
    });
    const run = await against(server, ["--concurrency", "16"]);
    expect(tokens.filter((t) => /^KMV1:[0-9]{17}:/.test(t)).length).toBeGreaterThan(40);
    const forms = tokens.flatMap((t) => [...spellings(t), t.split(":")[2] ?? ""]).filter((f) => f.length >= 16);
    expectAbsent(run, [...forms, ...spellings(TEST_ENV.KONAPLATE_ACCESS_KEY)]);
    // Masked, not dropped: the description says something was there (in place, or whole where an encoded spelling cannot be half-masked).
    const description = (caseOf(run, "002_003").observed.body as { response: { description: string } }).response.description;
    expect(description === ENCODED_MARKER || description.includes("[redacted]")).toBe(true);
  });

  it("redacts the token's HMAC but shows the request time it carries, which X-KM-Tran-Time sends in clear", async () => {
    let token = "";
    const server = await startEchoingServer((_raw, req) => {
      token = String(req.headers["x-km-tran-token"] ?? "");
      const [, time, hmac] = token.split(":");
      return { status: 400, body: `{"response":{"code":"999_400","description":${JSON.stringify(`refused: request time ${time}, hmac ${hmac}`)}}}` };
    });
    const run = await against(server, ["--only", "success"]);
    const [, time, hmac] = token.split(":");
    expect(time).toMatch(/^[0-9]{17}$/);
    expect(hmac!.length).toBeGreaterThanOrEqual(16);
    expectAbsent(run, [hmac!]);
    const description = (caseOf(run, "success").observed.body as { response: { description: string } }).response.description;
    expect(description).toBe(`refused: request time ${time}, hmac [redacted]`);
  });

  it("leaves no JWE it was sent (or a part of one) in any report, in encrypted mode", async () => {
    const serverKeys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    const jwes: string[] = [];
    const server = await startEchoingServer((raw) => {
      const jwe = (JSON.parse(raw) as { encData: string }).encData;
      jwes.push(jwe);
      const ciphertext = jwe.split(".")[3]!;
      return { status: 400, body: `{"response":{"code":"999_400","description":${JSON.stringify(`cannot read ${jwe}; ciphertext ${encodeURIComponent(ciphertext)} ${b64(jwe)}`)}}}` };
    });
    const env = { ...TEST_ENV, KONAPLATE_CRYPTO_KEY_ID: "0123456789abcdef0123456789abcdef", KONAPLATE_SERVER_PUBLIC_KEY: serverKeys.publicKey };
    const run = await against(server, ["--kind", "documented"], env);
    expect(jwes).toHaveLength(CASE_IDS.length);
    expectAbsent(run, jwes.flatMap((j) => [j, j.split(".")[3]!, b64(j).slice(0, 60)]));
  });
});

describe("item 7: big answers", () => {
  it("four 25 MB answers (one a gzip bomb): capped, memory bounded, reports small, the other cases' verdicts unchanged", async () => {
    const big = ["success", "002_002", "002_005"];
    const bomb = ["002_007"];
    const gzipped = gzipSync(Buffer.alloc(BIG_ANSWER_BYTES, " "));
    const server = await startBigAnswerServer(big, bomb, gzipped);
    const file = await scratchFile("tagged.json", taggedCases());
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    let run: CliRun;
    try {
      // A short timeout: a parse blocking the event loop for seconds would fail the faithful cases.
      // Documented cases only: 44 refusal requests more would only stretch the 3 s timeout on a busy machine.
      run = await against(server, ["--cases", file, "--timeout", "3000", "--concurrency", "4", "--kind", "documented"]);
    } finally {
      clearInterval(sampler);
    }
    expect(gzipped.length).toBeLessThan(100_000);
    expect(run.code).toBe(1);
    for (const id of [...big, ...bomb]) {
      const c = caseOf(run, id);
      expect(c.status).toBe("failed");
      expect(checkOf(c, "answered").ok).toBe(true);
      expect(checkOf(c, "body-parses")).toMatchObject({ ok: false });
      expect(checkOf(c, "body-parses").message).toContain(`larger than ${DEFAULT_MAX_RESPONSE_BYTES} bytes (decoded)`);
      expect(String(c.observed.body)).toContain("not kept");
    }
    for (const id of CASE_IDS.filter((x) => !big.includes(x) && !bomb.includes(x))) {
      expect(caseOf(run, id).status, `${id}: ${JSON.stringify(caseOf(run, id).checks.filter((k) => !k.ok))}`).toBe("passed");
    }
    for (const [name, text] of Object.entries(run.files)) expect(text.length, name).toBeLessThan(200_000);
    expect(run.stdout.length).toBeLessThan(20_000);
    // Without the cap four 25 MB answers took 1.4 GB; read under it, well under 300 MB more.
    expect(peak - baseline).toBeLessThan(300 * 1024 * 1024);
  });

  it("a long but capped JSON answer is judged and only a cut piece of it is kept", async () => {
    const long = "x".repeat(200_000);
    const server = await startEchoingServer(() => ({ body: envelopeWith(long) }));
    const run = await against(server, ["--only", "success"]);
    const c = caseOf(run, "success");
    expect(checkOf(c, "body-parses").ok).toBe(true);
    expect(c.status).toBe("passed");
    expect(typeof c.observed.body).toBe("string");
    expect(String(c.observed.body)).toMatch(/more characters not kept\)$/);
    expect(run.files["report.json"]!.length).toBeLessThan(50_000);
  });
});

describe("item 8: control characters from a server never reach a terminal, JUnit or HTML raw", () => {
  const FAKE = "13 passed, 0 failed";
  const hostileCode = `\u001b[2J\u001b]0;owned\u0007\n${FAKE}\r\u001b[32m`;

  it("escapes ESC, OSC, BEL, CR, C1 and bidi overrides; a fake summary never starts a line", async () => {
    const server = await startEchoingServer(() => ({
      status: 400,
      headers: { "x-evil": "\u009b2J latin1 C1 CSI" },
      body: JSON.stringify({ response: { code: hostileCode, description: `bidi \u202eevil\u202c \u2066x\u2069 C1 \u009b31m\r\n${FAKE}` } }),
    }));
    const run = await against(server, ["--only", "002_003"]);
    expect(run.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    const forbidden = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/;
    for (const [where, text] of outputs(run)) {
      expect(forbidden.test(where.endsWith("(as read)") ? "" : text), where).toBe(false);
      for (const line of text.split("\n")) expect(line.trimStart().startsWith(FAKE), `${where}: ${line}`).toBe(false);
    }
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("0 passed, 1 failed");
    expect(run.stdout).toContain("\\u001B[2J");
    expect(xmlProblems(run.files["junit.xml"]!)).toEqual([]);
    expect(caseOf(run, "002_003").observed.code).toBe(`\\u001B[2J\\u001B]0;owned\\u0007\\n${FAKE}\\r\\u001B[32m`);
  });
});

describe("item 12(a): redirects are never followed", () => {
  it.each([301, 302, 303, 307, 308])("%i to another local origin: nothing reaches it, the case fails naming the status", async (status) => {
    const elsewhere = await startRecordingServer();
    const redirecting = await startEchoingServer(() => ({
      status,
      headers: { location: `${elsewhere.url}/api/v1/bankaccounts/user/valid?acct=${ACCOUNT}` },
      body: documentedAnswer("success").body,
    }));
    let run: CliRun;
    try {
      run = await against(redirecting, ["--only", "success"]);
    } finally {
      await elsewhere.close();
    }
    expect(elsewhere.received).toEqual([]);
    expect(run.code).toBe(1);
    const c = caseOf(run, "success");
    expect(c.observed.status).toBe(status);
    expect(checkOf(c, "status").message).toBe(`expected status 200, got ${status} (a redirect: the suite never follows redirects, so nothing was sent to its Location)`);
    expectAbsent(run, []);
  });
});

describe("item 12(b): an answer encrypted other than RSA-OAEP-256 + A128GCM is flagged", () => {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const server = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const env = {
    ...TEST_ENV,
    KONAPLATE_CRYPTO_KEY_ID: "0123456789abcdef0123456789abcdef",
    KONAPLATE_SERVER_PUBLIC_KEY: server.publicKey,
    KONAPLATE_CLIENT_PRIVATE_KEY: keys.privateKey,
  };

  async function encryptedRun(alg: string, enc: string): Promise<CaseReport> {
    const key = await importSPKI(keys.publicKey, alg);
    const jwe = await new CompactEncrypt(new TextEncoder().encode(documentedAnswer("success").body)).setProtectedHeader({ alg, enc }).encrypt(key);
    const run = await against(await startEchoingServer(() => ({ body: JSON.stringify({ encData: jwe }) })), ["--only", "success"], env);
    return caseOf(run, "success");
  }

  it("RSA-OAEP-256 + A128GCM: read and passed", async () => {
    const c = await encryptedRun("RSA-OAEP-256", "A128GCM");
    expect(checkOf(c, "body-parses")).toMatchObject({ ok: true, message: "JSON, decrypted from encData" });
    expect(c.status).toBe("passed");
  });

  it("A256GCM: flagged naming what it saw, not decrypted (the platform's A128GCM is pinned both ways)", async () => {
    const c = await encryptedRun("RSA-OAEP-256", "A256GCM");
    expect(checkOf(c, "body-parses")).toMatchObject({ ok: false, message: "encrypted answer (encData) uses alg RSA-OAEP-256, enc A256GCM; the platform encrypts with alg RSA-OAEP-256, enc A128GCM (not decrypted)" });
    expect(c.status).toBe("failed");
  });

  it("a server echoing the client private key (PEM, URL-encoded, base64) leaks none of it", async () => {
    const pemLines = keys.privateKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"));
    const forms = [keys.privateKey, encodeURIComponent(keys.privateKey), b64(keys.privateKey), ...pemLines];
    const server = await startEchoingServer(() => ({ contentType: "text/plain", body: `${keys.privateKey}\n${encodeURIComponent(keys.privateKey)}\n${b64(keys.privateKey)}` }));
    const run = await against(server, ["--only", "success"], env);
    for (const [where, text] of outputs(run)) {
      for (const form of forms) expect(text.includes(form), `${where}: ${form.slice(0, 30)}`).toBe(false);
    }
    expect(JSON.stringify(caseOf(run, "success").observed.body)).toMatch(/\[redacted\]|\[masked: /);
  });

  it("RSA-OAEP (SHA-1) key wrap: flagged, not decrypted", async () => {
    const c = await encryptedRun("RSA-OAEP", "A128GCM");
    expect(checkOf(c, "body-parses").ok).toBe(false);
    expect(checkOf(c, "body-parses").message).toBe("encrypted answer (encData) uses alg RSA-OAEP, enc A128GCM; the platform encrypts with alg RSA-OAEP-256, enc A128GCM (not decrypted)");
  });
});
