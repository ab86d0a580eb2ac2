// The typed Konaplate client: one signed call per operation, made with openapi-fetch as its users
// do (createClient<paths>-style typing, POST with params, body, bodySerializer, parseAs, middleware).
// The body is serialized once; that exact string is signed, sent and, when encryption is on, wrapped
// first. The answer is never trusted (answer.ts): redirects are not followed, its size is capped, it
// is read losslessly, and only well-formed server text is quoted. Documented outcomes are results;
// anything else throws a typed error.
import createClient from "openapi-fetch";
import { OPERATION, type BankCode } from "../generated/contract.js";
import type { components, paths } from "../generated/schema.js";
import { answerGuard, readAnswer, transportError, type Call, type VerifyAccountHolderResult } from "./answer.js";
import { checkBaseUrl, operationUrl } from "./base-url.js";
import { DEFAULT_MAX_RESPONSE_BYTES, isValidByteCap, MAX_RESPONSE_BYTES_LIMIT } from "./bounded-body.js";
import { encryptPayload } from "./encryption.js";
import { KonaplateConfigurationError, KonaplateEncryptionError, KonaplateTimeoutError, KonaplateValidationError, safeErrorName } from "./errors.js";
import { isJsonObject, stringifyJson } from "./json.js";
import { signedHeaders, SUPPORTED_TIME_ZONES, type Credentials } from "./signing.js";
import { MAX_TIMEOUT_MS } from "./timeout.js";
import { validateRequestBody, validateRequestHeaders, type Violation } from "./validation.js";

export type { ResponseEnvelope, ResultCode, UndocumentedCode, VerificationFailure, VerificationSuccess, VerifyAccountHolderResult } from "./answer.js";

export const DEFAULT_TIME_ZONE = "KST";
export const DEFAULT_TIMEOUT_MS = 10_000;
export { DEFAULT_MAX_RESPONSE_BYTES };

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

  const { faults } = checkBaseUrl(options.baseUrl);
  if (faults.includes("user-info")) fail("baseUrl", "format", "must not carry user info (credentials travel in headers)");
  if (faults.includes("query-or-fragment")) fail("baseUrl", "format", `must not carry a query or fragment: the operation path ${OPERATION.path} is appended to it`);
  if (faults.includes("not-a-url") || faults.includes("not-http")) fail("baseUrl", "format", "must be an http(s) URL");
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

/** The plain body to send: input as given (validated unless validate:false), with userId made an exact bigint. */
function prepareBody(input: VerifyAccountHolderInput, validate: boolean): PlainBody {
  if (!isJsonObject(input)) {
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
    const call: Call = {
      url,
      sentCorrelationId: correlationId,
      timeoutMs,
      maxBytes: maxResponseBytes,
      clientPrivateKey: encryption?.clientPrivateKey,
      signal,
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
        middleware: [answerGuard(call, (text) => (errorText = text))],
      });
      return await readAnswer(response, errorText, call);
    } catch (err) {
      throw transportError(err, call);
    } finally {
      clearTimeout(timer);
    }
  }

  return { verifyAccountHolder };
}
