// How a call ends: a result read from a documented answer, or a typed error. The answer is never
// trusted: a redirect or an undocumented status is refused from its status line (the body unread),
// the body is read within a cap and losslessly, an encrypted one decrypted only with the algorithms
// the spec names, and only well-formed server text is quoted in a message.
import type { Middleware } from "openapi-fetch";
import { CODE_MESSAGES, OPERATION, type DocumentedCode } from "../generated/contract.js";
import { BodyTooLargeError, readBoundedText } from "./bounded-body.js";
import { decryptPayload, describeJweHeader, JweAlgorithmError } from "./encryption.js";
import {
  KonaplateEncryptionError,
  KonaplateError,
  KonaplateNetworkError,
  KonaplateResponseError,
  KonaplateTimeoutError,
  safeErrorCode,
  safeErrorName,
  underlyingFailure,
  type NetworkErrorKind,
  type ResponseErrorKind,
} from "./errors.js";
import { isJsonObject, MAX_JSON_DEPTH, parseJson } from "./json.js";
import { documentedStatuses, validateEnvelope, validateResponseHeaders, type Violation } from "./validation.js";

/** A well-formed result code the documentation does not list (`NNN_NNN`). */
export type UndocumentedCode = `${number}_${number}`;
export type ResultCode = DocumentedCode | UndocumentedCode;

/** The plain response envelope, read losslessly (an unsafe integer anywhere arrives as a bigint). */
export interface ResponseEnvelope {
  response: { code: string; description: string };
  [field: string]: unknown;
}

export interface VerificationSuccess {
  ok: true;
  status: 200;
  code: "000_000";
  description: string;
  /**
   * The answer's X-KM-Correlation-Id when it is well formed (the spec's pattern); otherwise (absent
   * or malformed) the one sent.
   */
  correlationId: string;
  envelope: ResponseEnvelope;
}

export interface VerificationFailure {
  ok: false;
  status: 400;
  code: ResultCode;
  /** False for a well-formed code the documentation does not list. */
  documented: boolean;
  description: string;
  correlationId: string;
  envelope: ResponseEnvelope;
}

export type VerifyAccountHolderResult = VerificationSuccess | VerificationFailure;

// ---------------------------------------------------------------------------------------------
// One call

/** The facts of one call, made once when it starts: what its errors name and the limits it keeps. */
export interface Call {
  /** Where it goes (for messages): baseUrl plus the operation path. */
  url: string;
  sentCorrelationId: string;
  timeoutMs: number;
  maxBytes: number;
  clientPrivateKey: string | undefined;
  signal: AbortSignal;
  /** Throws the timeout error once the deadline passed: parsing and decrypting count too. */
  checkDeadline: () => void;
}

/** What an error about the answer names: its status, the correlation id to quote, the URL, and a note on an id not quoted. */
interface AnswerFacts {
  status: number;
  correlationId: string;
  url: string;
  note: string;
}

// ---------------------------------------------------------------------------------------------
// Transport failures

const NETWORK_KINDS: Record<string, NetworkErrorKind> = {
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  UND_ERR_CLOSED: "reset",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
};

/** Innermost cause message, only when it is a few plain lower-case words (undici's "bad port", "other side closed"). */
function plainReason(err: unknown): string | undefined {
  let message: string | undefined;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) message = e.message;
  return message && /^[a-z][a-z ]{2,40}$/.test(message) ? message : undefined;
}

export function transportError(err: unknown, call: Call): KonaplateError {
  if (err instanceof KonaplateError) return err;
  if (call.signal.aborted) return new KonaplateTimeoutError(call.timeoutMs, call.sentCorrelationId);
  const raw = underlyingFailure(err).code;
  const code = safeErrorCode(raw);
  // Only a known code, a few plain words or the error's class name: a message can carry the URL with
  // its user info, and a custom fetch can put anything in a message or a code.
  const cause = code ?? (raw !== undefined ? "an error code the client does not repeat" : (plainReason(err) ?? safeErrorName(err)));
  return new KonaplateNetworkError((code ? NETWORK_KINDS[code] : undefined) ?? "network", call.sentCorrelationId, cause, call.url);
}

// ---------------------------------------------------------------------------------------------
// Answer

/** The statuses whose envelopes are results (200 and 400); fixed by the spec, so read once. */
const DOCUMENTED_STATUSES = new Set(documentedStatuses().map(Number));

const describeViolations = (violations: Violation[]) => violations.map((v) => `${v.path} ${v.rule}`).join(", ");

/** The answer's X-KM-Correlation-Id when it matches the spec's pattern; null when absent or malformed. */
function wellFormedCorrelationId(headers: Headers): string | null {
  const value = headers.get("x-km-correlation-id");
  if (value === null || value.length > 64) return null;
  return validateResponseHeaders(200, headers).some((v) => v.path === "X-KM-Correlation-Id") ? null : value;
}

/** For messages: a note when the answer carried a correlation id that is not quoted. */
function correlationNote(headers: Headers, answered: string | null): string {
  const value = headers.get("x-km-correlation-id");
  if (value === null || answered !== null) return "";
  return ` (the answer's X-KM-Correlation-Id is malformed, ${value.length} characters, not quoted; the id sent is named)`;
}

/** The answer's facts: its own correlation id when well formed, else the one sent. */
function answerFacts(response: Response, call: Call): AnswerFacts {
  const answered = wellFormedCorrelationId(response.headers);
  return { status: response.status, correlationId: answered ?? call.sentCorrelationId, url: call.url, note: correlationNote(response.headers, answered) };
}

/** A KonaplateResponseError about the answer, its message ending with the note on an unquoted correlation id. */
function responseError(kind: ResponseErrorKind, answer: AnswerFacts, message: string, violations: Violation[] = []): KonaplateResponseError {
  return new KonaplateResponseError(kind, answer.status, `${message}${answer.note}`, answer.correlationId, violations, answer.url);
}

// Media types named in messages; any other Content-Type is described, since a server can put
// anything there (an echo of the request's keys included).
const NAMED_MEDIA_TYPES = new Set([
  "application/json",
  "application/problem+json",
  "application/xml",
  "application/octet-stream",
  "application/x-www-form-urlencoded",
  "application/javascript",
  "text/html",
  "text/plain",
  "text/xml",
  "text/javascript",
  "text/css",
  "multipart/form-data",
]);

function describeContentType(value: string | null): string {
  if (value === null) return "no content type";
  const essence = value.split(";")[0]!.trim().toLowerCase();
  return NAMED_MEDIA_TYPES.has(essence) ? essence : `a content type the client does not name, ${value.length} characters, not quoted`;
}

/** Where a redirect pointed, without repeating its Location (it may carry the request's data). */
function describeLocation(location: string | null, from: string): string {
  if (location === null) return "without a Location";
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return "to a Location that is not a URL";
  }
  const source = new URL(from);
  if (target.origin === source.origin) return "to another path of the same origin";
  const downgrade = source.protocol === "https:" && target.protocol === "http:" ? ", from https to http" : "";
  return `to another origin${downgrade}`;
}

/** A redirect or an undocumented status, decided from the status line alone: the body is not read. */
function statusError(response: Response, answer: AnswerFacts): KonaplateResponseError {
  const { status } = answer;
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    return responseError(
      "redirect",
      answer,
      `HTTP ${status} redirects ${describeLocation(response.headers.get("location"), answer.url)} (the Location is not repeated); ` +
        "the client does not follow redirects, so nothing was sent there — check baseUrl",
    );
  }
  const hint =
    status === 404
      ? `; nothing answers at that URL: the client appends the operation path ${OPERATION.path} to baseUrl, so baseUrl ends before it (e.g. https://sandbox.konaplate.com/open-api)`
      : "";
  return responseError("unexpected-status", answer, `HTTP ${status} is not a documented status${hint}`);
}

/** The body as text, at most maxBytes decoded bytes of it; past that a too-large error and the connection is dropped. */
async function readCapped(response: Response, call: Call, answer: AnswerFacts): Promise<string> {
  try {
    return await readBoundedText(response, call.maxBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    throw responseError("too-large", answer, `the answer is larger than maxResponseBytes (${call.maxBytes} bytes, counted after decompression); reading stopped there`);
  }
}

/**
 * openapi-fetch middleware for one call. A redirect or an undocumented status is refused from the
 * status line, its body unread. A success body is left to the caller (parseAs "stream" leaves it
 * unread too). An error body (400) is read here, within the cap, because openapi-fetch would read
 * it whole and with JSON.parse, rounding 19-digit integers: the exact text is kept for the call and
 * openapi-fetch gets the same answer with that text as its body.
 */
export function answerGuard(call: Call, keepErrorText: (text: string) => void): Middleware {
  return {
    async onResponse({ response }) {
      if (response.ok && DOCUMENTED_STATUSES.has(response.status)) return undefined;
      const answer = answerFacts(response, call);
      if (!DOCUMENTED_STATUSES.has(response.status)) {
        await response.body?.cancel().catch(() => {});
        throw statusError(response, answer);
      }
      const text = await readCapped(response, call, answer);
      keepErrorText(text);
      return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
    },
  };
}

/** `what` ("the body") parsed losslessly; `describe` says what the text was when it is not JSON. */
function parseAnswerJson(text: string, what: string, answer: AnswerFacts, describe: () => string): unknown {
  try {
    return parseJson(text);
  } catch (err) {
    const deep = err instanceof SyntaxError && err.message.startsWith("JSON nested deeper");
    throw responseError("non-json", answer, deep ? `${what} nests deeper than ${MAX_JSON_DEPTH} levels` : `${what} is not JSON (${describe()})`);
  }
}

export async function readAnswer(response: Response, errorText: string | undefined, call: Call): Promise<VerifyAccountHolderResult> {
  const { status, headers } = response;
  const answer = answerFacts(response, call);
  const { correlationId } = answer;
  const text = errorText ?? (await readCapped(response, call, answer));
  call.checkDeadline();
  let body = parseAnswerJson(text, "the body", answer, () => describeContentType(headers.get("content-type")));
  call.checkDeadline();
  if (isJsonObject(body) && typeof body.encData === "string" && !("response" in body)) {
    body = await decrypt(body.encData, call, answer);
    call.checkDeadline();
  }
  const violations = validateEnvelope(status, body);
  if (violations.length) {
    const missing = !isJsonObject(body) || !("response" in body);
    throw responseError(missing ? "missing-envelope" : "invalid-envelope", answer, `${missing ? "missing" : "invalid"} response envelope: ${describeViolations(violations)}`, violations);
  }
  const envelope = body as ResponseEnvelope;
  const { code, description } = envelope.response;
  if (status === 200) return { ok: true, status: 200, code: "000_000", description, correlationId, envelope };
  return { ok: false, status: 400, code: code as ResultCode, documented: code in CODE_MESSAGES, description, correlationId, envelope };
}

async function decrypt(jwe: string, call: Call, answer: AnswerFacts): Promise<unknown> {
  const { clientPrivateKey } = call;
  const { correlationId } = answer;
  if (!clientPrivateKey) {
    throw new KonaplateEncryptionError(
      "missing-private-key",
      "the answer is encrypted (encData) but no encryption.clientPrivateKey was given to read it",
      correlationId,
    );
  }
  let plaintext: string;
  try {
    plaintext = await decryptPayload(jwe, clientPrivateKey);
  } catch (err) {
    if (err instanceof JweAlgorithmError) {
      throw new KonaplateEncryptionError("unexpected-algorithm", `the answer is ${err.message}`, correlationId, describeJweHeader(err.header));
    }
    const detail = err instanceof TypeError ? err.message : (safeErrorCode(underlyingFailure(err).code) ?? safeErrorName(err));
    throw new KonaplateEncryptionError("decrypt-failed", `the encrypted answer could not be decrypted: ${detail}`, correlationId, detail);
  }
  // The note on the answer's correlation id belongs to messages about the answer as it came, not its plaintext.
  return parseAnswerJson(plaintext, "the decrypted body", { ...answer, note: "" }, () => "decrypted");
}
