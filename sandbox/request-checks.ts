// Every rule a request must keep before the sandbox answers it, in the order an integrator meets them:
// headers as the spec writes them, then who is calling, then the signature over the raw bytes, then
// the body. Each check returns the first broken rule as a Refusal whose text says what was expected.
// No text here ever holds a secret, the HMAC the sandbox expected, or a personal value of the body.
import { createHmac, timingSafeEqual } from "node:crypto";
import { charsetOf, isJsonMediaType, parseMediaType } from "../common/media-type.js";
import { ENCRYPTION } from "../generated/contract.js";
import { decryptPayload, describeJweHeader, jweHeader } from "../src/encryption.js";
import { isJsonObject, parseJson } from "../src/json.js";
import { zoneOffsetMinutes } from "../src/signing.js";
import { validateRequestBody, validateRequestHeaders, validateRequestWireBody, type Violation } from "../src/validation.js";
import { refuse, type Refusal } from "./refusal.js";

export interface SandboxCredentials {
  /** Expected X-KM-User-AspId; when absent any well-formed one is accepted (test stand-ins). */
  aspId?: string | undefined;
  /** Expected X-KM-Access-Key; when absent any well-formed one is accepted (test stand-ins). */
  accessKey?: string | undefined;
  secretKey: string;
}

export interface SandboxEncryption {
  /** PKCS#8 PEM: reads `{"encData"}` request bodies. */
  serverPrivateKey: string;
  /** SPKI PEM: answers to encrypted requests are encrypted for it; without it they go plain. */
  clientPublicKey?: string | undefined;
  /** Expected X-KM-Crypto-Key-Id (--crypto-key-id); when absent any well-formed one is accepted. */
  cryptoKeyId?: string | undefined;
}

const THE_SCHEME = `JWE compact, ${ENCRYPTION.keyManagement} with the sandbox server's public key, ${ENCRYPTION.contentEncryption} content`;

/** What is wrong with an encData string that is not a JWE compact serialization, in words (never its text). */
function jweShape(jwe: string): string {
  if (jwe === "") return "encData is empty";
  const parts = jwe.split(".");
  if (parts.length !== 5) return `encData has ${parts.length} part${parts.length === 1 ? "" : "s"} separated by dots; a JWE compact serialization has 5`;
  const bad = parts.findIndex((p, i) => !(i === 1 ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9_-]+$/).test(p));
  const names = ["protected header", "encrypted key", "initialization vector", "ciphertext", "authentication tag"];
  if (bad >= 0) return `encData's ${names[bad]} is ${parts[bad] === "" ? "empty" : "not base64url (A-Z, a-z, 0-9, - and _, no padding)"}`;
  return "encData is not a JWE compact serialization";
}

/**
 * The JWE itself: its shape (the spec's encData pattern), then the algorithms its protected header
 * names, then decryption; each refused in its own words.
 */
async function decryptRequest(jwe: string, encryption: SandboxEncryption): Promise<string | Refusal> {
  if (validateRequestWireBody({ encData: jwe }).length) return refuse(400, "jwe-format", `${jweShape(jwe)}; expected ${THE_SCHEME}`);
  const header = jweHeader(jwe);
  if (header.alg !== ENCRYPTION.keyManagement || header.enc !== ENCRYPTION.contentEncryption) {
    return refuse(400, "jwe-algorithm", `encData is encrypted with ${describeJweHeader(header)}; expected alg ${ENCRYPTION.keyManagement}, enc ${ENCRYPTION.contentEncryption} (the platform guideline's)`);
  }
  try {
    return await decryptPayload(jwe, encryption.serverPrivateKey);
  } catch {
    return refuse(
      400,
      "jwe-decrypt",
      `encData could not be decrypted with the sandbox server's private key: its content key is wrapped for another key, or its ciphertext or tag was changed after encryption; expected ${THE_SCHEME}`,
    );
  }
}

export interface CheckSettings {
  credentials: SandboxCredentials;
  encryption?: SandboxEncryption | undefined;
  /** Largest allowed distance between X-KM-Tran-Time and the sandbox's clock; 0 turns the check off. */
  maxClockSkewSeconds: number;
}

/** Header names in lower case, as node:http gives them. */
export type Headers = Readonly<Record<string, string>>;

/**
 * Equal strings, in time that does not depend on their content. Lengths may differ in time: the spec
 * fixes every compared header's length, so a length says nothing secret.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

const TOKEN = /^KMV1:([0-9]{17}):([A-Za-z0-9+/]{43}=)$/;

/** Why a token breaks its pattern, in words (a 16-digit time is the classic mistake). */
function tokenShape(token: string): string {
  const parts = token.split(":");
  if (parts[0] !== "KMV1") return "X-KM-Tran-Token must start with KMV1: (expected KMV1:<17-digit time>:<Base64 HMAC-SHA256>)";
  if (parts.length !== 3) return `X-KM-Tran-Token must have three parts KMV1:<17-digit time>:<Base64 HMAC-SHA256>, got ${parts.length}`;
  const time = parts[1]!;
  if (!/^[0-9]+$/.test(time) || time.length !== 17) {
    const got = /^[0-9]+$/.test(time) ? `${time.length} digits` : "other characters";
    return `X-KM-Tran-Token: the token time must be 17 digits yyyyMMddHHmmssSSS (X-KM-Tran-Time's 14 digits, then milliseconds), got ${got}`;
  }
  return "X-KM-Tran-Token: the HMAC part must be Base64 of the 32-byte HMAC-SHA256: 44 characters ending in =";
}

function headerRule(v: Violation): "header-missing" | "header-length" | "header-pattern" {
  if (v.rule === "required") return "header-missing";
  return v.rule === "minLength" || v.rule === "maxLength" ? "header-length" : "header-pattern";
}

/** The spec's header rules: presence, length and pattern; all broken ones listed, the first named. */
export function checkHeaders(headers: Headers): Refusal | null {
  const violations = validateRequestHeaders(headers);
  if (!violations.length) return null;
  const token = violations.find((v) => v.path === "X-KM-Tran-Token" && v.rule !== "required");
  // A malformed token breaks its length and its pattern at once: said once, in words.
  const texts = violations.filter((v) => v === token || v.path !== "X-KM-Tran-Token" || v.rule === "required").map((v) => (v === token ? tokenShape(headers["x-km-tran-token"] ?? "") : v.message));
  const first = violations[0]!;
  return refuse(400, first === token ? "token-format" : headerRule(first), texts.join("; "));
}

/** Which project calls: AspId and access key, compared in constant time. */
export function checkCaller(headers: Headers, credentials: SandboxCredentials): Refusal | null {
  if (credentials.aspId !== undefined && !constantTimeEqual(headers["x-km-user-aspid"] ?? "", credentials.aspId)) {
    return refuse(401, "asp-id", "X-KM-User-AspId is not the sandbox's AspId (KONAPLATE_ASP_ID where the sandbox runs)");
  }
  if (credentials.accessKey !== undefined && !constantTimeEqual(headers["x-km-access-key"] ?? "", credentials.accessKey)) {
    return refuse(401, "access-key", "X-KM-Access-Key is not the sandbox's access key (KONAPLATE_ACCESS_KEY where the sandbox runs)");
  }
  return null;
}

/** The instant X-KM-Tran-Time names in its zone; undefined for a zone the sandbox has no offset for. */
function tranInstant(tranTime: string, zone: string): number | undefined {
  let offset: number;
  try {
    offset = zoneOffsetMinutes(zone);
  } catch {
    return undefined;
  }
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(tranTime.slice(at, at + (i === 0 ? 4 : 2))));
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - offset * 60_000;
}

/** The Base64 HMAC part of a token against HMAC-SHA256(secret key, the raw bytes), in constant time. */
export function hmacMatches(base64Mac: string, rawBody: Buffer, secretKey: string): boolean {
  const expected = createHmac("sha256", secretKey).update(rawBody).digest();
  const given = Buffer.from(base64Mac, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** X-KM-Tran-Time, read in X-KM-Time-Zone, within `maxClockSkewSeconds` of the clock (0: not checked). */
export function checkClock(headers: Headers, maxClockSkewSeconds: number, now = Date.now()): Refusal | null {
  const zone = headers["x-km-time-zone"] ?? "";
  const instant = tranInstant(headers["x-km-tran-time"] ?? "", zone);
  if (!(maxClockSkewSeconds > 0) || instant === undefined || Number.isNaN(instant)) return null;
  const skew = Math.round((instant - now) / 1000);
  if (Math.abs(skew) <= maxClockSkewSeconds) return null;
  const hours = (Math.abs(skew) / 3600).toFixed(1);
  return refuse(
    401,
    "clock-skew",
    `X-KM-Tran-Time is ${Math.abs(skew)} s (${hours} h) ${skew < 0 ? "behind" : "ahead of"} the sandbox's clock read in ${zone}; ` +
      `allowed ±${maxClockSkewSeconds} s: write the wall clock of the zone named in X-KM-Time-Zone`,
  );
}

/** The token's time against X-KM-Tran-Time, that time against the clock, and the HMAC over the raw bytes. */
export function checkToken(headers: Headers, rawBody: Buffer, secretKey: string, maxClockSkewSeconds: number, now = Date.now()): Refusal | null {
  const match = TOKEN.exec(headers["x-km-tran-token"] ?? "");
  if (!match) return refuse(400, "token-format", tokenShape(headers["x-km-tran-token"] ?? ""));
  const tranTime = headers["x-km-tran-time"] ?? "";
  if (match[1]!.slice(0, 14) !== tranTime) {
    return refuse(400, "token-time", "the token time's first 14 digits must equal X-KM-Tran-Time (one instant for both, in X-KM-Time-Zone)");
  }
  const clock = checkClock(headers, maxClockSkewSeconds, now);
  if (clock) return clock;
  if (!hmacMatches(match[2]!, rawBody, secretKey)) {
    return refuse(
      401,
      "token-hmac",
      `the HMAC in X-KM-Tran-Token does not match the ${rawBody.length} bytes received; sign exactly the bytes you send: ` +
        "Base64(HMAC-SHA256(secret key, raw body bytes)), computed after encryption when the body is encrypted",
    );
  }
  return null;
}

/** `application/json`, with no charset or UTF-8. */
export function checkContentType(headers: Headers): Refusal | null {
  const value = headers["content-type"];
  if (isJsonMediaType(value, "utf-8")) return null;
  const media = value === undefined ? undefined : parseMediaType(value);
  const got = media === undefined ? "none" : media.type === "application/json" ? `charset ${charsetOf(media)}` : "another media type";
  return refuse(415, "content-type", `Content-Type must be application/json (UTF-8), got ${got}`);
}

export interface PlainBody {
  body: unknown;
  encrypted: boolean;
}

/** The request's plain body: parsed losslessly, decrypted when it is `{"encData"}`. */
export async function readPlainBody(headers: Headers, rawBody: Buffer, encryption: SandboxEncryption | undefined): Promise<PlainBody | Refusal> {
  if (!rawBody.length) return refuse(400, "body-empty", "the body is empty; expected the JSON request object (or {\"encData\": \"<JWE>\"})");
  let parsed: unknown;
  try {
    parsed = parseJson(rawBody.toString("utf8"));
  } catch {
    return refuse(400, "body-json", `the ${rawBody.length}-byte body is not JSON; expected the JSON request object (or {"encData": "<JWE>"})`);
  }
  if (!isJsonObject(parsed) || !("encData" in parsed)) {
    if (headers["x-km-crypto-key-id"] !== undefined) {
      return refuse(400, "body-not-encrypted", 'X-KM-Crypto-Key-Id announces an encrypted body, but the body is plain JSON: send {"encData": "<JWE>"}, or leave the header out');
    }
    return { body: parsed, encrypted: false };
  }
  if (typeof parsed.encData !== "string" || Object.keys(parsed).length !== 1) {
    return refuse(400, "body-schema", 'an encrypted body is exactly {"encData": "<JWE compact string>"}');
  }
  if (!encryption) {
    return refuse(400, "encryption-not-configured", "the body is encrypted but this sandbox has no keys: start it with KONAPLATE_SERVER_PRIVATE_KEY and KONAPLATE_CLIENT_PUBLIC_KEY");
  }
  const keyId = headers["x-km-crypto-key-id"];
  if (keyId === undefined) return refuse(400, "crypto-key-id", "X-KM-Crypto-Key-Id is required with an encrypted body (the id of the server key you encrypted with)");
  if (encryption.cryptoKeyId !== undefined && !constantTimeEqual(keyId, encryption.cryptoKeyId)) {
    return refuse(400, "crypto-key-id", "X-KM-Crypto-Key-Id does not name the sandbox's key (--crypto-key-id or KONAPLATE_CRYPTO_KEY_ID where the sandbox runs)");
  }
  const plaintext = await decryptRequest(parsed.encData, encryption);
  if (isRefusal(plaintext)) return plaintext;
  try {
    return { body: parseJson(plaintext), encrypted: true };
  } catch {
    return refuse(400, "body-json", "the decrypted encData is not JSON; expected the JSON request object");
  }
}

/** The rules the documented 002_001 answer speaks of: "length over limit or including not-number digit". */
const ACCOUNT_RULES = new Set(["pattern", "minLength", "maxLength"]);

/**
 * The plain body against the spec. A bankAccount string that breaks only its length or digits rule is
 * the documented 002_001 case, not a refusal; a missing or non-string bankAccount is a refusal.
 */
export function checkBody(body: unknown): { accountRule: boolean } | Refusal {
  return judgeBodyViolations(validateRequestBody(body));
}

/** checkBody's verdict on violations already found. */
export function judgeBodyViolations(violations: readonly Violation[]): { accountRule: boolean } | Refusal {
  if (!violations.length) return { accountRule: false };
  if (violations.every((v) => v.path === "bankAccount" && ACCOUNT_RULES.has(v.rule))) return { accountRule: true };
  return refuse(400, "body-schema", `the body breaks the spec's request schema: ${violations.map((v) => v.message).join("; ")}`);
}

export const isRefusal = (value: unknown): value is Refusal => isJsonObject(value) && typeof value.rule === "string" && typeof value.detail === "string";
