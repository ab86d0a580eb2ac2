// The typed Konaplate client: one signed call per operation, built on openapi-fetch and the
// generated `paths`. The body is serialized once; that exact string is signed, sent and, when
// encryption is on, wrapped first. Documented outcomes are results; anything else throws a typed error.
import createClient from "openapi-fetch";
import { CODE_MESSAGES, OPERATION, type BankCode, type DocumentedCode } from "../generated/contract.js";
import type { operations, paths } from "../generated/schema.js";
import { decryptPayload, encryptPayload } from "./encryption.js";
import {
  KonaplateConfigurationError,
  KonaplateEncryptionError,
  KonaplateError,
  KonaplateNetworkError,
  KonaplateResponseError,
  KonaplateTimeoutError,
  KonaplateValidationError,
  underlyingFailure,
  type NetworkErrorKind,
} from "./errors.js";
import { parseJson, stringifyJson } from "./json.js";
import { signedHeaders, SUPPORTED_TIME_ZONES, type Credentials } from "./signing.js";
import { documentedStatuses, validateEnvelope, validateRequestBody, validateRequestHeaders, type Violation } from "./validation.js";

export const DEFAULT_TIME_ZONE = "KST";
export const DEFAULT_TIMEOUT_MS = 10_000;

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
  /** Whole exchange, including reading the answer; default 10000. */
  timeoutMs?: number | undefined;
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
  /** The answer's X-KM-Correlation-Id, or the one sent when the answer has none. */
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

type Operation = operations["verifyAccountHolder"];
type WireHeaders = Operation["parameters"]["header"];
type WireBody = Operation["requestBody"]["content"]["application/json"];

/**
 * The request as openapi-fetch prepares it (URL, merged headers, the serialized body), kept as
 * given. undici's Request would copy the headers and turn the body string into a stream, only for
 * the send step to take them apart again: about a third of the client's own cost per call.
 */
class PreparedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string;

  constructor(url: string, init: RequestInit) {
    this.url = url;
    this.method = init.method ?? "POST";
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = typeof init.body === "string" ? init.body : "";
  }
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

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

function checkOptions(options: KonaplateClientOptions, timeZone: string, timeoutMs: number, validate: boolean): void {
  const violations: Violation[] = [];
  const fail = (path: string, rule: string, message: string) => violations.push({ path, rule, message: `${path} ${message}` });

  let baseUrlOk = false;
  try {
    const url = new URL(options.baseUrl);
    baseUrlOk = /^https?:$/.test(url.protocol);
    if (url.username || url.password) fail("baseUrl", "format", "must not carry user info (credentials travel in headers)");
  } catch {
    baseUrlOk = false;
  }
  if (!baseUrlOk) fail("baseUrl", "format", "must be an http(s) URL");
  for (const key of ["aspId", "accessKey", "secretKey"] as const) {
    if (!nonEmptyString(options[key])) fail(key, "required", "must be a non-empty string");
  }
  if (!SUPPORTED_TIME_ZONES.includes(timeZone)) fail("timeZone", "enum", `must be one of ${SUPPORTED_TIME_ZONES.join(", ")}`);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail("timeoutMs", "exclusiveMinimum", "must be a positive number of milliseconds");
  const encryption = options.encryption;
  if (encryption) {
    if (!nonEmptyString(encryption.cryptoKeyId)) fail("encryption.cryptoKeyId", "required", "must be a non-empty string");
    if (!nonEmptyString(encryption.serverPublicKey)) fail("encryption.serverPublicKey", "required", "must be a PEM string");
    if (encryption.clientPrivateKey !== undefined && !nonEmptyString(encryption.clientPrivateKey)) {
      fail("encryption.clientPrivateKey", "type", "must be a PEM string when given");
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

/** userId as it will be written: digit strings become bigints; a number that may be rounded is refused. */
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
  return value;
}

/** The plain body to send: input as given, with userId made exact. */
function prepareBody(input: VerifyAccountHolderInput, validate: boolean): unknown {
  const body: unknown =
    input && typeof input === "object" && "userId" in input ? { ...input, userId: exactUserId(input.userId) } : input;
  if (validate) {
    const violations = validateRequestBody(body);
    if (violations.length) throw new KonaplateValidationError("invalid-input", violations);
  }
  return body;
}

/** The encrypted form of the body: `{"encData": "<JWE>"}`. */
async function encrypt(plaintext: string, serverPublicKey: string): Promise<{ encData: string }> {
  try {
    return { encData: await encryptPayload(plaintext, serverPublicKey) };
  } catch (err) {
    // encryption.ts words its own errors without key material; anything else is named only.
    const detail = err instanceof TypeError ? err.message : errorName(err);
    throw new KonaplateEncryptionError("encrypt-failed", `the request body could not be encrypted: ${detail}`, undefined, detail);
  }
}

// ---------------------------------------------------------------------------------------------
// Transport failures

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function errorCode(err: unknown): string | undefined {
  return underlyingFailure(err).code;
}

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

function transportError(err: unknown, signal: AbortSignal, timeoutMs: number, correlationId: string): KonaplateError {
  if (err instanceof KonaplateError) return err;
  if (signal.aborted) return new KonaplateTimeoutError(timeoutMs, correlationId);
  const code = errorCode(err);
  // Only a code, a few plain words or the error's class name: a message can carry the URL with its
  // user info, or anything a custom fetch put there.
  return new KonaplateNetworkError((code ? NETWORK_KINDS[code] : undefined) ?? "network", correlationId, code ?? plainReason(err) ?? errorName(err));
}

// ---------------------------------------------------------------------------------------------
// Answer

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The statuses whose envelopes are results (200 and 400); fixed by the spec, so read once. */
const DOCUMENTED_STATUSES = new Set(documentedStatuses().map(Number));

const describeViolations = (violations: Violation[]) => violations.map((v) => `${v.path} ${v.rule}`).join(", ");

async function readAnswer(answer: Answer, sentCorrelationId: string, clientPrivateKey: string | undefined): Promise<VerifyAccountHolderResult> {
  const { status } = answer;
  const correlationId = answer.headers.get("x-km-correlation-id") || sentCorrelationId;
  if (!DOCUMENTED_STATUSES.has(status)) {
    throw new KonaplateResponseError("unexpected-status", status, `HTTP ${status} is not a documented status`, correlationId);
  }
  let body: unknown;
  try {
    body = parseJson(answer.text);
  } catch {
    const type = answer.headers.get("content-type") ?? "no content type";
    throw new KonaplateResponseError("non-json", status, `the body is not JSON (${type})`, correlationId);
  }
  if (isObject(body) && typeof body.encData === "string" && !("response" in body)) {
    body = await decrypt(body.encData, status, clientPrivateKey, correlationId);
  }
  const violations = validateEnvelope(status, body);
  if (violations.length) {
    const missing = !isObject(body) || !("response" in body);
    throw new KonaplateResponseError(
      missing ? "missing-envelope" : "invalid-envelope",
      status,
      `${missing ? "missing" : "invalid"} response envelope: ${describeViolations(violations)}`,
      correlationId,
      violations,
    );
  }
  const envelope = body as ResponseEnvelope;
  const { code, description } = envelope.response;
  if (status === 200) return { ok: true, status: 200, code: "000_000", description, correlationId, envelope };
  return { ok: false, status: 400, code: code as ResultCode, documented: code in CODE_MESSAGES, description, correlationId, envelope };
}

async function decrypt(jwe: string, status: number, clientPrivateKey: string | undefined, correlationId: string): Promise<unknown> {
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
    const detail = err instanceof TypeError ? err.message : (errorCode(err) ?? errorName(err));
    throw new KonaplateEncryptionError("decrypt-failed", `the encrypted answer could not be decrypted: ${detail}`, correlationId, detail);
  }
  try {
    return parseJson(plaintext);
  } catch {
    throw new KonaplateResponseError("non-json", status, "the decrypted body is not JSON", correlationId);
  }
}

// ---------------------------------------------------------------------------------------------

export function createKonaplateClient(options: KonaplateClientOptions): KonaplateClient {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const validate = options.validate ?? true;
  checkOptions(options, timeZone, timeoutMs, validate);

  const encryption = options.encryption;
  const credentials: Credentials = {
    aspId: options.aspId,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    timeZone,
    cryptoKeyId: encryption?.cryptoKeyId,
  };
  const api = createClient<paths>({ baseUrl: options.baseUrl, Request: PreparedRequest as unknown as typeof Request });
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function verifyAccountHolder(input: VerifyAccountHolderInput): Promise<VerifyAccountHolderResult> {
    const plain = prepareBody(input, validate);
    const body = encryption ? await encrypt(stringifyJson(plain), encryption.serverPublicKey) : plain;
    // Serialized once: this string is signed and sent.
    const wire = stringifyJson(body);
    const headers = signedHeaders(credentials, wire);
    const correlationId = headers["X-KM-Correlation-Id"]!;
    // Covers reading the answer too; cheaper per call than an AbortController with its own timer.
    const signal = AbortSignal.timeout(timeoutMs);

    let answer: Answer | undefined;
    // Sends what openapi-fetch prepared, body string included, and keeps the answer's raw text:
    // openapi-fetch would read error bodies with JSON.parse, rounding big integers.
    const send = async (request: Request): Promise<Response> => {
      const { url, method, headers: prepared, body: sent } = request as unknown as PreparedRequest;
      const response = await fetchImpl(url, { method, headers: prepared, body: sent, signal });
      answer = { status: response.status, headers: response.headers, text: await response.text() };
      return new Response(null, { status: response.status });
    };
    try {
      await api.POST(OPERATION.path, {
        params: { header: headers as WireHeaders },
        body: body as WireBody,
        bodySerializer: () => wire,
        parseAs: "text",
        fetch: send,
      });
    } catch (err) {
      throw transportError(err, signal, timeoutMs, correlationId);
    }
    if (!answer) throw new KonaplateNetworkError("network", correlationId, "no answer");
    return readAnswer(answer, correlationId, encryption?.clientPrivateKey);
  }

  return { verifyAccountHolder };
}
