// The typed Konaplate client: one signed call per operation, made with openapi-fetch as its users
// do (createClient<paths>-style typing, POST with params, body, bodySerializer, parseAs, middleware).
// The body is serialized once; that exact string is signed, sent and, when encryption is on, wrapped
// first. The answer is never trusted: redirects are not followed, its size is capped, it is read
// losslessly, and only well-formed server text is quoted. Documented outcomes are results; anything
// else throws a typed error.
import createClient, { type Middleware } from "openapi-fetch";
import { CODE_MESSAGES, OPERATION, type BankCode, type DocumentedCode } from "../generated/contract.js";
import type { components, paths } from "../generated/schema.js";
import { BodyTooLargeError, DEFAULT_MAX_RESPONSE_BYTES, isValidByteCap, MAX_RESPONSE_BYTES_LIMIT, readBoundedText } from "./bounded-body.js";
import { decryptPayload, encryptPayload, JweAlgorithmError, describeJweHeader } from "./encryption.js";
import {
  KonaplateConfigurationError,
  KonaplateEncryptionError,
  KonaplateError,
  KonaplateNetworkError,
  KonaplateResponseError,
  KonaplateTimeoutError,
  KonaplateValidationError,
  safeErrorCode,
  safeErrorName,
  underlyingFailure,
  type NetworkErrorKind,
} from "./errors.js";
import { MAX_JSON_DEPTH, parseJson, stringifyJson } from "./json.js";
import { signedHeaders, SUPPORTED_TIME_ZONES, type Credentials } from "./signing.js";
import { documentedStatuses, validateEnvelope, validateRequestBody, validateRequestHeaders, validateResponseHeaders, type Violation } from "./validation.js";

export const DEFAULT_TIME_ZONE = "KST";
export const DEFAULT_TIMEOUT_MS = 10_000;
export { DEFAULT_MAX_RESPONSE_BYTES };

/** The largest timeoutMs: Node's timers turn anything past 2^31-1 ms into 1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A zone of `X-KM-Time-Zone`; see SUPPORTED_TIME_ZONES for the ones the kit can compute. */
export type TimeZone = "KST" | "UTC" | (string & {});

export interface EncryptionOptions {
  /** Sent as X-KM-Crypto-Key-Id (32 characters). */
  cryptoKeyId: string;
  /** The server's RSA public key, SPKI PEM: request bodies are encrypted for it. */
  serverPublicKey: string;
  /** The client's RSA private key, PKCS#8 PEM: needed to read encrypted answers. */
  clientPrivateKey?: string | undefined;
}

export interface KonaplateClientOptions {
  /** e.g. `https://sandbox.konaplate.com/open-api`; the operation path is appended. */
  baseUrl: string;
  aspId: string;
  accessKey: string;
  secretKey: string;
  /** Zone of the request times; default "KST". */
  timeZone?: TimeZone | undefined;
  /** Whole exchange, reading and parsing the answer included; whole ms from 1 to 2^31-1; default 10000. */
  timeoutMs?: number | undefined;
  /**
   * The largest answer read, in decoded bytes (after gzip/br); past it the call fails with a
   * `too-large` KonaplateResponseError and the connection is dropped. Default 1 MiB.
   */
  maxResponseBytes?: number | undefined;
  /** Opt-in message encryption (JWE). */
  encryption?: EncryptionOptions | undefined;
  /** Check input (and the fixed headers) against the spec before sending; default true. */
  validate?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

/** The request body as callers may give it: `userId` as a bigint, a digit string or a safe-integer number. */
export interface VerifyAccountHolderInput {
  userId: bigint | string | number;
  userName: string;
  /** `yyyyMMdd`. */
  birthDate: string;
  /** One of the 29 documented codes; other strings only make sense with `validate: false`. */
  bankCode: BankCode | (string & {});
  bankAccount: string;
}

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

export interface KonaplateClient {
  /** `POST /api/v1/bankaccounts/user/valid`: does the member's name match the account holder's? */
  verifyAccountHolder(input: VerifyAccountHolderInput): Promise<VerifyAccountHolderResult>;
}

type SpecBody = components["schemas"]["VerifyAccountHolderRequest"];
type EncryptedBody = components["schemas"]["EncryptedPayload"];

/** The plain body as the client sends it: the spec's type, except that any bank code string may go out with validate:false. */
type PlainBody = Omit<SpecBody, "bankCode"> & { bankCode: BankCode | (string & {}) };

type OperationPath = typeof OPERATION.path;
type SpecOperation = paths[OperationPath]["post"];

/**
 * The generated `paths` with one widening, the plain body's `bankCode`: `validate: false` promises
 * to send the older codes the spec's enum leaves out (its bank-code discrepancy). Every header, the
 * encrypted form and every other field keep the spec's types, so tsc checks the call against it.
 */
type ClientPaths = {
  [P in OperationPath]: Omit<paths[P], "post"> & {
    post: Omit<SpecOperation, "requestBody"> & { requestBody: { content: { "application/json": PlainBody | EncryptedBody } } };
  };
};

// ---------------------------------------------------------------------------------------------
// Options

/** Option name → header it travels in, for spec checks of the values fixed at creation. */
const FIXED_HEADERS = {
  aspId: "X-KM-User-AspId",
  accessKey: "X-KM-Access-Key",
  timeZone: "X-KM-Time-Zone",
  "encryption.cryptoKeyId": "X-KM-Crypto-Key-Id",
} as const;

const nonEmptyString = (value: unknown) => typeof value === "string" && value.length > 0;

// Visible ASCII with no space at either end: fetch would trim the ends silently and refuse (or,
// elsewhere, split) on CR/LF, with the value in its message. Checked even with validate:false.
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function checkOptions(options: KonaplateClientOptions, timeZone: string, timeoutMs: number, maxResponseBytes: number, validate: boolean): void {
  const violations: Violation[] = [];
  const fail = (path: string, rule: string, message: string) => violations.push({ path, rule, message: `${path} ${message}` });

  let baseUrlOk = false;
  try {
    const url = new URL(options.baseUrl);
    baseUrlOk = /^https?:$/.test(url.protocol);
    if (url.username || url.password) fail("baseUrl", "format", "must not carry user info (credentials travel in headers)");
    if (options.baseUrl.includes("?") || options.baseUrl.includes("#")) {
      fail("baseUrl", "format", `must not carry a query or fragment: the operation path ${OPERATION.path} is appended to it`);
    }
  } catch {
    baseUrlOk = false;
  }
  if (!baseUrlOk) fail("baseUrl", "format", "must be an http(s) URL");
  for (const key of ["aspId", "accessKey", "secretKey"] as const) {
    if (!nonEmptyString(options[key])) fail(key, "required", "must be a non-empty string");
  }
  if (!SUPPORTED_TIME_ZONES.includes(timeZone)) fail("timeZone", "enum", `must be one of ${SUPPORTED_TIME_ZONES.join(", ")}`);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    fail("timeoutMs", "range", `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (!isValidByteCap(maxResponseBytes)) fail("maxResponseBytes", "range", `must be a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES_LIMIT}`);
  const encryption = options.encryption;
  if (encryption) {
    if (!nonEmptyString(encryption.cryptoKeyId)) fail("encryption.cryptoKeyId", "required", "must be a non-empty string");
    if (!nonEmptyString(encryption.serverPublicKey)) fail("encryption.serverPublicKey", "required", "must be a PEM string");
    if (encryption.clientPrivateKey !== undefined && !nonEmptyString(encryption.clientPrivateKey)) {
      fail("encryption.clientPrivateKey", "type", "must be a PEM string when given");
    }
  }
  const fixed: [keyof typeof FIXED_HEADERS, unknown][] = [
    ["aspId", options.aspId],
    ["accessKey", options.accessKey],
    ["encryption.cryptoKeyId", encryption?.cryptoKeyId],
  ];
  for (const [option, value] of fixed) {
    if (nonEmptyString(value) && !HEADER_VALUE.test(value as string)) {
      fail(option, "header-value", `must be printable ASCII without spaces at either end or line breaks (it travels in ${FIXED_HEADERS[option]})`);
    }
  }
  if (validate && violations.length === 0) {
    const values: Record<string, string | undefined> = {
      [FIXED_HEADERS.aspId]: options.aspId,
      [FIXED_HEADERS.accessKey]: options.accessKey,
      [FIXED_HEADERS.timeZone]: timeZone,
      [FIXED_HEADERS["encryption.cryptoKeyId"]]: encryption?.cryptoKeyId,
    };
    const optionOf = new Map<string, string>(Object.entries(FIXED_HEADERS).map(([option, header]) => [header, option]));
    for (const v of validateRequestHeaders(values)) {
      const option = optionOf.get(v.path);
      // Headers made per call (token, time, correlation id) are absent here on purpose.
      if (option && values[v.path] !== undefined) violations.push({ path: option, rule: v.rule, message: `${option} (${v.message})` });
    }
  }
  if (violations.length) throw new KonaplateConfigurationError(violations);
}

/** The URL every call goes to, for messages: origin and path of baseUrl (which carries no user info, query or fragment) plus the operation path. */
function operationUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}${OPERATION.path}`;
}

// ---------------------------------------------------------------------------------------------
// Request

const DIGITS = /^-?[0-9]+$/;

/** userId as it will be written: digit strings and integers become bigints; a number that may be rounded is refused. */
function exactUserId(value: unknown): unknown {
  if (typeof value === "string" && DIGITS.test(value)) return BigInt(value);
  if (typeof value !== "number") return value;
  const refuse = (rule: string, why: string) => {
    throw new KonaplateValidationError("unsafe-integer", [{ path: "userId", rule, message: `userId ${why}; pass a bigint or a digit string` }]);
  };
  if (!Number.isFinite(value)) refuse("finite", "is not a finite number, so it cannot be written as JSON");
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    refuse("safe-integer", "is a number beyond Number.MAX_SAFE_INTEGER (2^53-1), so its digits may already be rounded and it is never sent");
  }
  // A safe integer is exact as a bigint too, and is written with the same digits.
  return Number.isInteger(value) ? BigInt(value) : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The plain body to send: input as given (validated unless validate:false), with userId made an exact bigint. */
function prepareBody(input: VerifyAccountHolderInput, validate: boolean): PlainBody {
  if (!isObject(input)) {
    throw new KonaplateValidationError("invalid-input", [{ path: "(body)", rule: "type", message: "the input must be an object" }]);
  }
  const userId = exactUserId(input.userId);
  if (validate) {
    const violations = validateRequestBody({ ...input, userId });
    if (violations.length) throw new KonaplateValidationError("invalid-input", violations);
  }
  if (typeof userId !== "bigint") {
    // Even with validate:false: the spec's type of userId is an integer, and nothing else is written as one.
    throw new KonaplateValidationError("invalid-input", [
      { path: "userId", rule: "type", message: "userId must be an integer: a bigint, a digit string or a safe-integer number" },
    ]);
  }
  return { ...input, userId };
}

/** The encrypted form of the body: `{"encData": "<JWE>"}`. */
async function encrypt(plaintext: string, serverPublicKey: string): Promise<EncryptedBody> {
  try {
    return { encData: await encryptPayload(plaintext, serverPublicKey) };
  } catch (err) {
    // encryption.ts words its own errors without key material; anything else is named only.
    const detail = err instanceof TypeError ? err.message : safeErrorName(err);
    throw new KonaplateEncryptionError("encrypt-failed", `the request body could not be encrypted: ${detail}`, undefined, detail);
  }
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

function transportError(err: unknown, signal: AbortSignal, timeoutMs: number, correlationId: string, url: string): KonaplateError {
  if (err instanceof KonaplateError) return err;
  if (signal.aborted) return new KonaplateTimeoutError(timeoutMs, correlationId);
  const raw = underlyingFailure(err).code;
  const code = safeErrorCode(raw);
  // Only a known code, a few plain words or the error's class name: a message can carry the URL with
  // its user info, and a custom fetch can put anything in a message or a code.
  const cause = code ?? (raw !== undefined ? "an error code the client does not repeat" : (plainReason(err) ?? safeErrorName(err)));
  return new KonaplateNetworkError((code ? NETWORK_KINDS[code] : undefined) ?? "network", correlationId, cause, url);
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
function correlationNote(headers: Headers, answered = wellFormedCorrelationId(headers)): string {
  const value = headers.get("x-km-correlation-id");
  if (value === null || answered !== null) return "";
  return ` (the answer's X-KM-Correlation-Id is malformed, ${value.length} characters, not quoted; the id sent is named)`;
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
function statusError(response: Response, correlationId: string, url: string): KonaplateResponseError {
  const { status, headers } = response;
  const note = correlationNote(headers);
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    return new KonaplateResponseError(
      "redirect",
      status,
      `HTTP ${status} redirects ${describeLocation(headers.get("location"), url)} (the Location is not repeated); ` +
        `the client does not follow redirects, so nothing was sent there — check baseUrl${note}`,
      correlationId,
      [],
      url,
    );
  }
  const hint =
    status === 404
      ? `; nothing answers at that URL: the client appends the operation path ${OPERATION.path} to baseUrl, so baseUrl ends before it (e.g. https://sandbox.konaplate.com/open-api)`
      : "";
  return new KonaplateResponseError("unexpected-status", status, `HTTP ${status} is not a documented status${hint}${note}`, correlationId, [], url);
}

/** The body as text, at most maxBytes decoded bytes of it; past that a too-large error and the connection is dropped. */
async function readCapped(response: Response, maxBytes: number, correlationId: string, url: string): Promise<string> {
  try {
    return await readBoundedText(response, maxBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    throw new KonaplateResponseError(
      "too-large",
      response.status,
      `the answer is larger than maxResponseBytes (${maxBytes} bytes, counted after decompression); reading stopped there${correlationNote(response.headers)}`,
      correlationId,
      [],
      url,
    );
  }
}

/**
 * openapi-fetch middleware for one call. A redirect or an undocumented status is refused from the
 * status line, its body unread. A success body is left to the caller (parseAs "stream" leaves it
 * unread too). An error body (400) is read here, within the cap, because openapi-fetch would read
 * it whole and with JSON.parse, rounding 19-digit integers: the exact text is kept for the call and
 * openapi-fetch gets the same answer with that text as its body.
 */
function answerGuard(maxBytes: number, sentCorrelationId: string, url: string, keepErrorText: (text: string) => void): Middleware {
  return {
    async onResponse({ response }) {
      if (response.ok && DOCUMENTED_STATUSES.has(response.status)) return undefined;
      const correlationId = wellFormedCorrelationId(response.headers) ?? sentCorrelationId;
      if (!DOCUMENTED_STATUSES.has(response.status)) {
        await response.body?.cancel().catch(() => {});
        throw statusError(response, correlationId, url);
      }
      const text = await readCapped(response, maxBytes, correlationId, url);
      keepErrorText(text);
      return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
    },
  };
}

interface ReadContext {
  sentCorrelationId: string;
  maxBytes: number;
  clientPrivateKey: string | undefined;
  url: string;
  /** Throws the timeout error once the deadline passed: parsing and decrypting count too. */
  checkDeadline: () => void;
}

function parseAnswerJson(text: string, status: number, what: string, correlationId: string, url: string, note: string, contentType: () => string): unknown {
  try {
    return parseJson(text);
  } catch (err) {
    const deep = err instanceof SyntaxError && err.message.startsWith("JSON nested deeper");
    const detail = deep ? `${what} nests deeper than ${MAX_JSON_DEPTH} levels` : `${what} is not JSON (${contentType()})`;
    throw new KonaplateResponseError("non-json", status, `${detail}${note}`, correlationId, [], url);
  }
}

async function readAnswer(response: Response, errorText: string | undefined, context: ReadContext): Promise<VerifyAccountHolderResult> {
  const { status, headers } = response;
  const { url } = context;
  const answered = wellFormedCorrelationId(headers);
  const correlationId = answered ?? context.sentCorrelationId;
  const text = errorText ?? (await readCapped(response, context.maxBytes, correlationId, url));
  context.checkDeadline();
  const note = correlationNote(headers, answered);
  let body = parseAnswerJson(text, status, "the body", correlationId, url, note, () => describeContentType(headers.get("content-type")));
  context.checkDeadline();
  if (isObject(body) && typeof body.encData === "string" && !("response" in body)) {
    body = await decrypt(body.encData, status, context.clientPrivateKey, correlationId, url);
    context.checkDeadline();
  }
  const violations = validateEnvelope(status, body);
  if (violations.length) {
    const missing = !isObject(body) || !("response" in body);
    throw new KonaplateResponseError(
      missing ? "missing-envelope" : "invalid-envelope",
      status,
      `${missing ? "missing" : "invalid"} response envelope: ${describeViolations(violations)}${note}`,
      correlationId,
      violations,
      url,
    );
  }
  const envelope = body as ResponseEnvelope;
  const { code, description } = envelope.response;
  if (status === 200) return { ok: true, status: 200, code: "000_000", description, correlationId, envelope };
  return { ok: false, status: 400, code: code as ResultCode, documented: code in CODE_MESSAGES, description, correlationId, envelope };
}

async function decrypt(jwe: string, status: number, clientPrivateKey: string | undefined, correlationId: string, url: string): Promise<unknown> {
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
  return parseAnswerJson(plaintext, status, "the decrypted body", correlationId, url, "", () => "decrypted");
}

/**
 * The per-call fetch when the caller gave none: it sends the Request openapi-fetch built (method,
 * URL, headers, redirect mode) with the very string that was signed as its body and the call's own
 * timeout signal. Same bytes, less work per call: fetch(request) alone would pipe the Request's body
 * through a TransformStream, reading it back (request.text()) would copy it, and a signal on
 * openapi-fetch's Request would add a follower signal to the one fetch makes anyway.
 */
function sendSigned(wire: string, signal: AbortSignal): (request: Request) => Promise<Response> {
  return (request) => fetch(request, { body: wire, signal });
}

// ---------------------------------------------------------------------------------------------

export function createKonaplateClient(options: KonaplateClientOptions): KonaplateClient {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const validate = options.validate ?? true;
  checkOptions(options, timeZone, timeoutMs, maxResponseBytes, validate);

  const encryption = options.encryption;
  const credentials: Credentials = {
    aspId: options.aspId,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    timeZone,
    cryptoKeyId: encryption?.cryptoKeyId,
  };
  const url = operationUrl(options.baseUrl);
  const api = createClient<ClientPaths>({
    baseUrl: options.baseUrl,
    // Never follow: a redirect would carry the keys, the token and (307/308) the body to another origin.
    redirect: "manual",
  });
  const userFetch = options.fetch;

  async function verifyAccountHolder(input: VerifyAccountHolderInput): Promise<VerifyAccountHolderResult> {
    const plain = prepareBody(input, validate);
    const body: PlainBody | EncryptedBody = encryption ? await encrypt(stringifyJson(plain), encryption.serverPublicKey) : plain;
    // Serialized once: this string is signed and sent.
    const wire = stringifyJson(body);
    const headers = signedHeaders(credentials, wire);
    const correlationId = headers["X-KM-Correlation-Id"];
    // Covers reading the answer too. A controller with a timer cleared when the call ends costs
    // less per call than AbortSignal.timeout, whose timer is tracked until the signal is collected.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs);
    // Like AbortSignal.timeout's: the pending call keeps the process alive, not its deadline.
    timer.unref();
    const signal = controller.signal;
    // A timer cannot fire during a synchronous parse, so the deadline after it is read off the clock.
    const deadline = performance.now() + timeoutMs;

    let errorText: string | undefined;
    const context: ReadContext = {
      sentCorrelationId: correlationId,
      maxBytes: maxResponseBytes,
      clientPrivateKey: encryption?.clientPrivateKey,
      url,
      checkDeadline: () => {
        if (signal.aborted || performance.now() > deadline) throw new KonaplateTimeoutError(timeoutMs, correlationId);
      },
    };
    try {
      const { response } = await api.POST(OPERATION.path, {
        params: { header: headers },
        body,
        bodySerializer: () => wire,
        // The success body stays unread for readAnswer's capped, lossless reading.
        parseAs: "stream",
        // A caller's fetch gets openapi-fetch's Request, which then carries the timeout; our own
        // fetch carries it itself (sendSigned).
        ...(userFetch ? { fetch: userFetch, signal } : { fetch: sendSigned(wire, signal) }),
        middleware: [answerGuard(maxResponseBytes, correlationId, url, (text) => (errorText = text))],
      });
      return await readAnswer(response, errorText, context);
    } catch (err) {
      throw transportError(err, signal, timeoutMs, correlationId, url);
    } finally {
      clearTimeout(timer);
    }
  }

  return { verifyAccountHolder };
}
