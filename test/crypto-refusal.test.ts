// Encryption refusal cases (refuse:crypto:*) and the encrypted-answer check: derived from the spec
// only when the run encrypts, each built with real RSA keys made here and signed over the exact
// bytes, judged against a faithful encrypting stand-in (exit 0) and stand-ins that each skip one
// check of the encryption (exit 1 naming the case that caught it), or answer in plain text (flagged
// on every case where it happens).
import { constants, createDecipheriv, createHmac, generateKeyPairSync, privateDecrypt } from "node:crypto";
import { readFileSync } from "node:fs";
import { compactDecrypt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_IDS, CASES } from "../generated/contract.js";
import { deriveRefusalCases, type RefusalCase } from "../conformance/refusal/catalog.js";
import { kitSpecDocument, type SpecDocument } from "../conformance/refusal/spec-rules.js";
import { refusalTable } from "../conformance/refusal/readme-table.js";
import { refusalKind } from "../conformance/kinds/refusal.js";
import { runConformance } from "../conformance/runner.js";
import { selectRun } from "../conformance/selection.js";
import type { CaseReport, Report } from "../conformance/report.js";
import { decryptPayload } from "../src/encryption.js";
import { parseJson, stringifyJson } from "../src/json.js";
import { validateRequestBody, validateRequestWireBody } from "../src/validation.js";
import { startCryptoStandIn, type CryptoFlaw, type StandInKeys } from "./support/crypto-servers.js";
import { removeRunDirs, runCli, TEST_ENV, type CliRun } from "./support/conformance-run.js";

const CREDS = { secretKey: TEST_ENV.KONAPLATE_SECRET_KEY, accessKey: TEST_ENV.KONAPLATE_ACCESS_KEY, aspId: TEST_ENV.KONAPLATE_ASP_ID };
const CREDENTIALS = { ...CREDS, timeZone: "KST" };
const SUCCESS_BODY = { ...CASES.find((c) => c.id === "success")!.request.body } as Record<string, unknown>;
const CRYPTO_KEY_ID = "0123456789abcdef0123456789abcdef";

const CRYPTO_IDS = [
  "refuse:crypto:plain-body",
  "refuse:crypto:no-key-id",
  "refuse:crypto:unknown-key-id",
  "refuse:crypto:tampered",
  "refuse:crypto:other-key",
  "refuse:crypto:algorithm",
  "refuse:crypto:not-jwe-parts",
  "refuse:crypto:not-jwe-base64url",
  "refuse:crypto:not-jwe-empty",
];

function rsaKeyPair() {
  return generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
}

const serverKeys = rsaKeyPair();
const clientKeys = rsaKeyPair();
const KEYS: StandInKeys = { cryptoKeyId: CRYPTO_KEY_ID, serverPrivateKey: serverKeys.privateKey, clientPublicKey: clientKeys.publicKey };
const ENCRYPTED_ENV = { ...TEST_ENV, KONAPLATE_CRYPTO_KEY_ID: CRYPTO_KEY_ID, KONAPLATE_SERVER_PUBLIC_KEY: serverKeys.publicKey, KONAPLATE_CLIENT_PRIVATE_KEY: clientKeys.privateKey };
const ENCRYPTION = { cryptoKeyId: CRYPTO_KEY_ID, serverPublicKey: serverKeys.publicKey, clientPrivateKey: clientKeys.privateKey };

afterAll(removeRunDirs);

const derive = (encrypted: boolean, doc?: SpecDocument) => deriveRefusalCases({ ...(doc ? { doc } : {}), baseBody: SUCCESS_BODY, credentials: CREDENTIALS, encrypted }).cases;
const cryptoOf = (cases: readonly RefusalCase[]) => cases.filter((c) => c.group === "crypto");

function caseOf(report: Report | undefined, id: string): CaseReport {
  const c = report?.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

const checkOf = (c: CaseReport, name: string) => c.checks.find((k) => k.name === name);

describe("derivation", () => {
  it("makes the family only when the run encrypts, after every other refusal case", () => {
    expect(cryptoOf(derive(false))).toEqual([]);
    const all = derive(true);
    expect(cryptoOf(all).map((c) => c.id)).toEqual(CRYPTO_IDS);
    expect(all.slice(-CRYPTO_IDS.length).map((c) => c.id)).toEqual(CRYPTO_IDS);
    expect(all.length).toBe(derive(false).length + CRYPTO_IDS.length);
  });

  it("reads each case's source from the spec: the guideline's encrypted form and the page's key id header, all errors", () => {
    const byId = new Map(cryptoOf(derive(true)).map((c) => [c.id, c]));
    for (const id of CRYPTO_IDS) {
      const c = byId.get(id)!;
      expect(c, id).toMatchObject({ warningOnly: false, group: "crypto", expected: { status: 400, code: null } });
      expect(c.source, id).toBe(id.includes("key-id") ? "seed" : "guideline");
      expect(c.mockCannotJudge, id).toMatch(/embedded Prism mock cannot decrypt/);
      expect(c.breaks, id).toHaveLength(1);
    }
    expect(byId.get("refuse:crypto:algorithm")!.title).toContain("alg RSA-OAEP (SHA-1), not the platform's RSA-OAEP-256");
    expect(byId.get("refuse:crypto:not-jwe-empty")!.breaks).toEqual(["encData:pattern"]);
  });

  it("follows the spec: another mark makes warning-only cases, no encrypted form makes none", () => {
    const marked = structuredClone(kitSpecDocument()) as SpecDocument;
    const schemas = (marked.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    schemas.EncryptedPayload!["x-konaplate-source"] = "inferred";
    const warned = cryptoOf(derive(true, marked));
    expect(warned.filter((c) => c.warningOnly).map((c) => c.id)).toEqual(CRYPTO_IDS.filter((id) => !id.includes("key-id")));
    expect(warned.find((c) => c.id === "refuse:crypto:tampered")!.title).toMatch(/an inferred rule: warning only\)$/);

    const plainOnly = structuredClone(kitSpecDocument()) as SpecDocument;
    delete (plainOnly.components as { schemas: Record<string, unknown> }).schemas.EncryptedPayload;
    const wire = (plainOnly.components as { schemas: Record<string, Record<string, unknown>> }).schemas.VerifyAccountHolderBody!;
    wire.then = { $ref: "#/components/schemas/VerifyAccountHolderRequest" };
    expect(cryptoOf(derive(true, plainOnly))).toEqual([]);
  });

  it("README lists the family with its count, and says it needs encryption", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(refusalTable(cryptoOf(derive(true)), "all encryption cases"));
    expect(readme).toMatch(/only in encrypted mode/);
  });
});

/** The HMAC part of the token over the exact bytes. */
const tokenHolds = (headers: Record<string, string>, wire: string) =>
  headers["X-KM-Tran-Token"]!.split(":")[2] === createHmac("sha256", CREDS.secretKey).update(wire).digest("base64");

/** What a server that skips the GCM tag reads: RSA-OAEP-256 unwrap, then counter mode from IV || 2. */
function withoutTag(jwe: string): string {
  const [, wrapped, iv, ciphertext] = jwe.split(".").map((p) => Buffer.from(p, "base64url"));
  const key = privateDecrypt({ key: serverKeys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, wrapped!);
  const decipher = createDecipheriv("aes-128-ctr", key, Buffer.concat([iv!, Buffer.from([0, 0, 0, 2])]));
  return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString("utf8");
}

describe("the requests, built with real keys", () => {
  const built = new Map<string, Awaited<ReturnType<typeof refusalKind.build>>>();
  beforeAll(async () => {
    for (const c of cryptoOf(derive(true))) built.set(c.id, await refusalKind.build(c, { credentials: CREDENTIALS, encryption: ENCRYPTION, mock: false }));
  });
  const plainText = stringifyJson(SUCCESS_BODY);
  const encData = (id: string) => (parseJson(built.get(id)!.wire) as { encData: string }).encData;

  it("each is signed over the exact bytes sent and hands its encData string over as jwe", () => {
    for (const id of CRYPTO_IDS) {
      const b = built.get(id)!;
      expect(tokenHolds(b.headers, b.wire), id).toBe(true);
      const sent = id === "refuse:crypto:plain-body" || id === "refuse:crypto:not-jwe-empty" ? undefined : encData(id);
      expect(b.jwe, id).toBe(sent);
    }
  });

  it("plain-body: the plain JSON with the key id; no-key-id: a good JWE without it; unknown-key-id: another id of the same shape", async () => {
    const plain = built.get("refuse:crypto:plain-body")!;
    expect(plain.wire).toBe(plainText);
    expect(plain.headers["X-KM-Crypto-Key-Id"]).toBe(CRYPTO_KEY_ID);
    const noKey = built.get("refuse:crypto:no-key-id")!;
    expect(Object.keys(noKey.headers).map((k) => k.toLowerCase())).not.toContain("x-km-crypto-key-id");
    expect(await decryptPayload(encData("refuse:crypto:no-key-id"), serverKeys.privateKey)).toBe(plainText);
    const other = built.get("refuse:crypto:unknown-key-id")!.headers["X-KM-Crypto-Key-Id"]!;
    expect(other).toHaveLength(CRYPTO_KEY_ID.length);
    expect(other).not.toBe(CRYPTO_KEY_ID);
    expect(await decryptPayload(encData("refuse:crypto:unknown-key-id"), serverKeys.privateKey)).toBe(plainText);
  });

  it("tampered: the tag no longer holds; without the tag check it reads a valid request with one userId digit changed", async () => {
    const jwe = encData("refuse:crypto:tampered");
    await expect(decryptPayload(jwe, serverKeys.privateKey)).rejects.toThrow();
    const read = parseJson(withoutTag(jwe)) as Record<string, unknown>;
    expect(validateRequestBody(read)).toEqual([]);
    expect({ ...read, userId: SUCCESS_BODY.userId }).toEqual(SUCCESS_BODY);
    const [was, now] = [String(SUCCESS_BODY.userId), String(read.userId)];
    expect([...was].filter((d, i) => d !== now[i])).toHaveLength(1);
  });

  it("other-key: the platform's algorithms, but no server key reads it; algorithm: RSA-OAEP (SHA-1) for the server's own key", async () => {
    const other = encData("refuse:crypto:other-key");
    expect(decodeProtectedHeader(other)).toMatchObject({ alg: "RSA-OAEP-256", enc: "A128GCM" });
    await expect(decryptPayload(other, serverKeys.privateKey)).rejects.toThrow();
    const algorithm = encData("refuse:crypto:algorithm");
    expect(decodeProtectedHeader(algorithm)).toMatchObject({ alg: "RSA-OAEP", enc: "A128GCM" });
    const { plaintext } = await compactDecrypt(algorithm, (await import("node:crypto")).createPrivateKey(serverKeys.privateKey));
    expect(new TextDecoder().decode(plaintext)).toBe(plainText);
  });

  it("not-jwe-*: each breaks exactly the spec's encData pattern", () => {
    for (const id of ["refuse:crypto:not-jwe-parts", "refuse:crypto:not-jwe-base64url", "refuse:crypto:not-jwe-empty"]) {
      expect(validateRequestWireBody(parseJson(built.get(id)!.wire)).map((v) => `${v.path}:${v.rule}`), id).toEqual(["encData:pattern"]);
    }
    expect(encData("refuse:crypto:not-jwe-parts").split(".")).toHaveLength(4);
    expect(encData("refuse:crypto:not-jwe-base64url")).toMatch(/^[^.]*\.[^.]*\.[^.]*\.[+/]/);
    expect(encData("refuse:crypto:not-jwe-empty")).toBe("");
  });

  it("needs encryption to be built: without keys the case is not sent, with the reason", async () => {
    const c = cryptoOf(derive(true))[0]!;
    await expect(refusalKind.build(c, { credentials: CREDENTIALS, mock: false })).rejects.toThrow(/needs encryption configured/);
  });
});

describe("against a faithful encrypting stand-in", () => {
  let run: CliRun;
  beforeAll(async () => {
    const server = await startCryptoStandIn(undefined, CREDS, KEYS);
    try {
      run = await runCli(["--target", server.url, "--concurrency", "16"], ENCRYPTED_ENV);
    } finally {
      await server.close();
    }
  });

  it("exits 0: every case passes, every documented answer was encrypted, no warning", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = run.report!;
    expect(report.summary).toEqual({ total: report.cases.length, passed: report.cases.length, failed: 0, skipped: 0, warned: 0 });
    expect(report.cases.filter((c) => c.id.startsWith("refuse:crypto:")).map((c) => c.id)).toEqual(CRYPTO_IDS);
    for (const id of CASE_IDS) expect(checkOf(caseOf(report, id), "encrypted-answer"), id).toMatchObject({ ok: true, severity: "warning", message: expect.stringContaining("read with the client's private key") });
    // A refusal may come plain; the check joins every case of the encrypted run.
    expect(checkOf(caseOf(report, "refuse:crypto:tampered"), "encrypted-answer")).toMatchObject({ ok: true, message: expect.stringContaining("a refusal (400)") });
  });

  it("no key material in any output or report", () => {
    const outputs = [run.stdout, run.stderr, ...Object.values(run.files)].join("\n");
    expect(outputs).not.toContain("PRIVATE KEY");
    for (const pem of [serverKeys.privateKey, clientKeys.privateKey]) {
      for (const line of pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) expect(outputs).not.toContain(line);
    }
  });
});

interface FlawExpectation {
  flaw: CryptoFlaw;
  caughtBy: string[];
  fragment: string;
}

const FLAWS: FlawExpectation[] = [
  { flaw: "plain-body-with-key-id", caughtBy: ["refuse:crypto:plain-body"], fragment: "accepted with 200 a request that breaks body:encrypted" },
  { flaw: "key-id-optional", caughtBy: ["refuse:crypto:no-key-id"], fragment: "X-KM-Crypto-Key-Id:required" },
  { flaw: "any-key-id", caughtBy: ["refuse:crypto:unknown-key-id"], fragment: "X-KM-Crypto-Key-Id:issued" },
  { flaw: "skips-gcm-tag", caughtBy: ["refuse:crypto:tampered"], fragment: "encData:integrity" },
  { flaw: "fail-open-decrypt", caughtBy: ["refuse:crypto:tampered", "refuse:crypto:other-key"], fragment: "accepted with 200" },
  { flaw: "any-algorithm", caughtBy: ["refuse:crypto:algorithm"], fragment: "encData:alg" },
  { flaw: "500-on-bad-jwe", caughtBy: ["refuse:crypto:not-jwe-parts", "refuse:crypto:not-jwe-base64url", "refuse:crypto:not-jwe-empty"], fragment: "server error 500 on bad input (encData:pattern)" },
];

describe("stand-ins that each skip one check of the encryption", () => {
  it.each(FLAWS)("$flaw: exit 1, caught by $caughtBy, every documented case passed", async ({ flaw, caughtBy, fragment }) => {
    const server = await startCryptoStandIn(flaw, CREDS, KEYS);
    let run: CliRun;
    try {
      run = await runCli(["--target", server.url, "--concurrency", "16"], ENCRYPTED_ENV);
    } finally {
      await server.close();
    }
    expect(run.code).toBe(1);
    expect(run.report!.cases.filter((c) => c.kind === "documented").every((c) => c.status === "passed")).toBe(true);
    expect(run.report!.cases.filter((c) => c.status === "failed").map((c) => c.id)).toEqual(caughtBy);
    for (const id of caughtBy) {
      expect(checkOf(caseOf(run.report, id), "refused")).toMatchObject({ ok: false, severity: "error", message: expect.stringContaining(fragment) });
      expect(run.stdout).toContain(`  ${id}  refused: `);
    }
  });

  it("plain-answers: flagged as not encrypted on every documented and acceptance case (a warning), exit 0; --strict fails them", async () => {
    const server = await startCryptoStandIn("plain-answers", CREDS, KEYS);
    try {
      const run = await runCli(["--target", server.url, "--concurrency", "16"], ENCRYPTED_ENV);
      expect(run.code).toBe(0);
      const flagged = run.report!.cases.filter((c) => checkOf(c, "encrypted-answer")?.ok === false);
      // Every valid request: the documented cases and the acceptance cases.
      const accepting = run.report!.cases.filter((c) => c.kind === "acceptance").map((c) => c.id);
      expect(accepting.length).toBeGreaterThan(0);
      expect(flagged.map((c) => c.id)).toEqual([...CASE_IDS, ...accepting]);
      for (const c of flagged) {
        expect(c.status).toBe("passed");
        expect(checkOf(c, "encrypted-answer")).toMatchObject({ severity: "warning", message: expect.stringMatching(/^not encrypted: answered plain JSON to an encrypted request; expected \{"encData"/) });
      }
      expect(run.report!.summary.warned).toBe(CASE_IDS.length + accepting.length);
      expect(run.stdout).toContain("encrypted-answer");

      const strict = await runCli(["--target", server.url, "--concurrency", "16", "--strict", "--kind", "documented"], ENCRYPTED_ENV);
      expect(strict.code).toBe(1);
      for (const c of strict.report!.cases) {
        expect(c.status, c.id).toBe("failed");
        expect(checkOf(c, "encrypted-answer"), c.id).toMatchObject({ ok: false, severity: "error" });
      }
    } finally {
      await server.close();
    }
  });
});

describe("outside encrypted mode, and against the embedded mock", () => {
  it("--help lists the family apart, as needing encryption; --only reaching it without encryption says so", async () => {
    const help = await runCli(["--help"]);
    expect(help.stdout).toMatch(/refusal, in encrypted mode only \(KONAPLATE_CRYPTO_KEY_ID, KONAPLATE_SERVER_PUBLIC_KEY\):\n {14}refuse:crypto:plain-body, /);
    for (const id of CRYPTO_IDS) expect(help.stdout).toContain(id);
    expect(help.stdout).toContain(`In encrypted mode ${CRYPTO_IDS.length} more refusal cases test the encryption itself.`);
    const only = await runCli(["--only", "refuse:crypto:*"]);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain("--only: refuse:crypto:* exists only in encrypted mode: set KONAPLATE_CRYPTO_KEY_ID, KONAPLATE_SERVER_PUBLIC_KEY and give --target");
  });

  it("the embedded mock skips every one with the reason, sending nothing", async () => {
    const server = await startCryptoStandIn(undefined, CREDS, KEYS);
    try {
      const cases = selectRun({ credentials: CREDENTIALS, encrypted: true, only: ["refuse:crypto:*"] });
      const report = await runConformance({ target: server.url, credentials: CREDENTIALS, encryption: ENCRYPTION, cases, mock: true });
      expect(report.cases.map((c) => [c.id, c.status])).toEqual(CRYPTO_IDS.map((id) => [id, "skipped"]));
      for (const c of report.cases) expect(c.reason).toMatch(/embedded Prism mock cannot decrypt/);
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
