// The named checks of one case, always all of them, always in this order: a failed case must show
// which rules held and which broke. Each message says exactly what was seen.
import { isJsonMediaType } from "../common/media-type.js";
import { ENCRYPTION } from "../generated/contract.js";
import { parseJson } from "../src/json.js";
import { decryptPayload, describeJweHeader, jweHeader } from "../src/encryption.js";
import { documentedStatuses, validateEnvelope, validateResponseBody, validateResponseHeaders } from "../src/validation.js";
import type { CheckResult } from "./report.js";

export const CHECK_NAMES = [
  "answered",
  "status",
  "content-type",
  "body-parses",
  "body-schema",
  "code",
  "response-headers",
  "correlation-echo",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Only the correlation echo is advisory: Prism (and some gateways) cannot echo it. */
const SEVERITY: Readonly<Record<CheckName, "error" | "warning">> = {
  answered: "error",
  status: "error",
  "content-type": "error",
  "body-parses": "error",
  "body-schema": "error",
  code: "error",
  "response-headers": "error",
  "correlation-echo": "warning",
};

export type Exchange =
  | { answered: false; reason: string; durationMs: number }
  /** `oversized`: the answer went past the byte cap (its value), so `text` is empty. */
  | { answered: true; status: number; headers: Headers; text: string; durationMs: number; oversized?: number };

export interface Expectation {
  status: number;
  code: string | null;
}

/**
 * The body as judged: the wire JSON, and the plain envelope (decrypted when it came encrypted).
 * `problem`: read, but not as the contract says (e.g. encrypted another way): body-parses fails with
 * it while the envelope is still judged.
 */
export type ParsedBody =
  | { ok: true; wire: unknown; plain: unknown; encrypted: boolean; problem?: string }
  | { ok: false; reason: string };

const WELL_FORMED_CODE = /^[0-9]{3}_[0-9]{3}$/;

function result(name: CheckName, ok: boolean, message: string): CheckResult {
  return { name, ok, message, severity: SEVERITY[name] };
}

function notChecked(names: readonly CheckName[], why: string): CheckResult[] {
  return names.map((name) => result(name, false, `not checked: ${why}`));
}

function looksLikeHtml(text: string, contentType: string | null): boolean {
  return /^\s*</.test(text) || /^text\/html\b/i.test(contentType ?? "");
}

/** Why an encrypted answer breaks the platform's scheme (RSA-OAEP-256 key wrap, A128GCM content), or undefined. */
function encryptionProblem(jwe: string): string | undefined {
  const seen = jweHeader(jwe);
  if (seen.alg === ENCRYPTION.keyManagement && seen.enc === ENCRYPTION.contentEncryption) return undefined;
  return `encrypted answer (encData) uses ${describeJweHeader(seen)}; the platform encrypts with alg ${ENCRYPTION.keyManagement}, enc ${ENCRYPTION.contentEncryption}`;
}

/** Parses the answer (and decrypts `{"encData"}` with the client private key when one is given). */
export async function parseBody(text: string, contentType: string | null, clientPrivateKey?: string): Promise<ParsedBody> {
  if (text.trim() === "") return { ok: false, reason: "empty body" };
  if (looksLikeHtml(text, contentType)) return { ok: false, reason: "body is HTML, not JSON" };
  let wire: unknown;
  try {
    wire = parseJson(text);
  } catch (err) {
    return { ok: false, reason: `body is not JSON: ${(err as Error).message}` };
  }
  const encData = wire !== null && typeof wire === "object" ? (wire as { encData?: unknown }).encData : undefined;
  if (typeof encData !== "string") return { ok: true, wire, plain: wire, encrypted: false };
  if (!clientPrivateKey) {
    return { ok: false, reason: "encrypted answer ({\"encData\"}) but no client private key to read it (set KONAPLATE_CLIENT_PRIVATE_KEY)" };
  }
  const problem = encryptionProblem(encData);
  let plaintext: string;
  try {
    plaintext = await decryptPayload(encData, clientPrivateKey);
  } catch (err) {
    return { ok: false, reason: problem ? `${problem} (not decrypted)` : `encrypted answer could not be decrypted with the client private key: ${(err as Error).message}` };
  }
  try {
    const plain = parseJson(plaintext);
    return problem ? { ok: true, wire, plain, encrypted: true, problem } : { ok: true, wire, plain, encrypted: true };
  } catch (err) {
    return { ok: false, reason: `decrypted answer is not JSON: ${(err as Error).message}` };
  }
}

/** `response.code` of an envelope, when it is a string. */
export function codeOf(plain: unknown): string | null {
  const response = plain !== null && typeof plain === "object" ? (plain as { response?: unknown }).response : undefined;
  const code = response !== null && typeof response === "object" ? (response as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : null;
}

function schemaCheck(status: number, body: ParsedBody & { ok: true }): CheckResult {
  const wireViolations = validateResponseBody(status, body.wire);
  if (wireViolations === null) return result("body-schema", false, `status ${status} is not documented`);
  const violations = body.encrypted ? [...wireViolations, ...validateEnvelope(status, body.plain)] : wireViolations;
  if (!violations.length) return result("body-schema", true, `valid against the ${status} response schema${body.encrypted ? " (decrypted envelope too)" : ""}`);
  return result("body-schema", false, `${violations.length} violation${violations.length > 1 ? "s" : ""} of the ${status} response schema: ${violations.map((v) => v.message).join("; ")}`);
}

function codeCheck(expected: Expectation, code: string | null): CheckResult {
  if (code === null) return result("code", false, "no response.code (string) in the body");
  if (expected.code === null) {
    return WELL_FORMED_CODE.test(code)
      ? result("code", true, `received code ${code} (the documentation gives no code for this case; any well-formed code passes)`)
      : result("code", false, `received code "${code}", not a well-formed code NNN_NNN (the documentation gives no code for this case)`);
  }
  return code === expected.code ? result("code", true, `code ${code} as expected`) : result("code", false, `expected code ${expected.code}, got ${code}`);
}

function correlationCheck(sent: string | undefined, headers: Headers): CheckResult {
  const received = headers.get("x-km-correlation-id");
  if (received === null) return result("correlation-echo", false, "no X-KM-Correlation-Id in the answer to compare");
  if (sent === undefined) return result("correlation-echo", false, "no X-KM-Correlation-Id was sent");
  return received === sent
    ? result("correlation-echo", true, `X-KM-Correlation-Id ${sent} echoed`)
    : result("correlation-echo", false, `X-KM-Correlation-Id not echoed: sent ${sent}, got ${received}`);
}

/** All eight checks for one exchange, in CHECK_NAMES order. */
export function judge(expected: Expectation, exchange: Exchange, body: ParsedBody | undefined, sentCorrelationId: string | undefined): CheckResult[] {
  if (!exchange.answered) {
    return [result("answered", false, exchange.reason), ...notChecked(CHECK_NAMES.slice(1), "no answer")];
  }
  const checks: CheckResult[] = [result("answered", true, `answered in ${Math.round(exchange.durationMs)} ms`)];
  checks.push(
    exchange.status === expected.status
      ? result("status", true, `status ${exchange.status} as expected`)
      : result("status", false, `expected status ${expected.status}, got ${exchange.status}${exchange.status >= 300 && exchange.status < 400 ? " (a redirect: the suite never follows redirects, so nothing was sent to its Location)" : ""}`),
  );
  const contentType = exchange.headers.get("content-type");
  checks.push(
    contentType === null
      ? result("content-type", false, "expected application/json, got no Content-Type header")
      : isJsonMediaType(contentType, "exact")
        ? result("content-type", true, contentType)
        : result("content-type", false, `expected application/json, got ${contentType}${/^application\/json\s*;/i.test(contentType) ? " (JSON is UTF-8: only charset=utf-8 may be declared)" : ""}`),
  );
  if (!body || !body.ok) {
    const reason = body?.reason ?? "body not read";
    checks.push(result("body-parses", false, reason), ...notChecked(["body-schema", "code"], "body did not parse"));
  } else {
    checks.push(body.problem ? result("body-parses", false, body.problem) : result("body-parses", true, body.encrypted ? "JSON, decrypted from encData" : "JSON"));
    checks.push(schemaCheck(exchange.status, body));
    checks.push(codeCheck(expected, codeOf(body.plain)));
  }
  const headerViolations = validateResponseHeaders(exchange.status, exchange.headers);
  checks.push(
    headerViolations.length
      ? result("response-headers", false, headerViolations.map((v) => v.message).join("; "))
      : documentedStatuses().includes(String(exchange.status))
        ? result("response-headers", true, `headers valid for status ${exchange.status}`)
        : result("response-headers", true, `status ${exchange.status} is not documented: no header rules to check`),
  );
  checks.push(correlationCheck(sentCorrelationId, exchange.headers));
  return checks;
}

/** A case passes when every check of severity error holds. */
export function passes(checks: readonly CheckResult[]): boolean {
  return checks.every((c) => c.ok || c.severity === "warning");
}
