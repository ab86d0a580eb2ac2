// Typed failures of the client. Documented outcomes (the 200 and 400 envelopes) are results, not
// errors; these are for everything else. An error carries only safe facts: its kind, the correlation
// id, the status, and a sanitized cause message. Never the request, its headers, the credentials or
// the underlying error object, because any of those would leak through util.inspect or JSON.
import { constants as osConstants } from "node:os";
import type { Violation } from "./validation.js";

export type KonaplateErrorKind =
  | ValidationErrorKind
  | ConfigurationErrorKind
  | TimeoutErrorKind
  | NetworkErrorKind
  | ResponseErrorKind
  | EncryptionErrorKind;

export type ValidationErrorKind = "invalid-input" | "unsafe-integer";
export type ConfigurationErrorKind = "invalid-options";
export type TimeoutErrorKind = "timeout";
export type NetworkErrorKind = "refused" | "reset" | "dns" | "network";
export type ResponseErrorKind = "non-json" | "missing-envelope" | "invalid-envelope" | "unexpected-status" | "redirect" | "too-large";
export type EncryptionErrorKind = "encrypt-failed" | "decrypt-failed" | "missing-private-key" | "unexpected-algorithm";

/** The fields `toJSON()` returns: everything an error may safely show. */
export interface KonaplateErrorJson {
  name: string;
  kind: KonaplateErrorKind;
  message: string;
  correlationId: string | undefined;
  status?: number;
  /** The URL called (origin and path; never credentials), on network and response errors. */
  url?: string;
  violations?: Violation[];
  cause?: string;
}

interface BaseOptions {
  correlationId?: string | undefined;
  /** A sanitized description of the underlying failure (never the failure object itself). */
  cause?: string | undefined;
}

function withCorrelation(message: string, correlationId: string | undefined): string {
  return correlationId ? `${message} (correlation id ${correlationId})` : message;
}

export class KonaplateError extends Error {
  readonly kind: KonaplateErrorKind;
  /** The exchange's correlation id; undefined when the request was never built. */
  readonly correlationId: string | undefined;
  /** Overrides Error.cause with a plain sanitized string, so inspect() cannot reach a Request. */
  override readonly cause: string | undefined;

  constructor(kind: KonaplateErrorKind, message: string, options: BaseOptions = {}) {
    super(withCorrelation(message, options.correlationId));
    this.name = new.target.name;
    this.kind = kind;
    this.correlationId = options.correlationId;
    this.cause = options.cause;
  }

  toJSON(): KonaplateErrorJson {
    const json: KonaplateErrorJson = { name: this.name, kind: this.kind, message: this.message, correlationId: this.correlationId };
    if (this.cause !== undefined) json.cause = this.cause;
    return json;
  }
}

/** Input refused before anything was sent; `violations` name each field and rule (never its value). */
export class KonaplateValidationError extends KonaplateError {
  declare readonly kind: ValidationErrorKind;
  readonly violations: Violation[];

  constructor(kind: ValidationErrorKind, violations: Violation[]) {
    const list = violations.map((v) => `${v.message} [${v.path}: ${v.rule}]`).join("; ");
    super(kind, `Request not sent: the input breaks the contract — ${list}`);
    this.violations = violations;
  }

  override toJSON(): KonaplateErrorJson {
    return { ...super.toJSON(), violations: this.violations };
  }
}

/** Options given to createKonaplateClient are unusable (names the option and the rule, not the value). */
export class KonaplateConfigurationError extends KonaplateError {
  declare readonly kind: ConfigurationErrorKind;
  readonly violations: Violation[];

  constructor(violations: Violation[]) {
    super("invalid-options", `Konaplate client options are invalid — ${violations.map((v) => `${v.message} [${v.path}: ${v.rule}]`).join("; ")}`);
    this.violations = violations;
  }

  override toJSON(): KonaplateErrorJson {
    return { ...super.toJSON(), violations: this.violations };
  }
}

export class KonaplateTimeoutError extends KonaplateError {
  declare readonly kind: TimeoutErrorKind;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, correlationId: string) {
    super("timeout", `Konaplate did not answer within ${timeoutMs} ms`, { correlationId, cause: "timeout" });
    this.timeoutMs = timeoutMs;
  }
}

const NETWORK_MESSAGES: Record<NetworkErrorKind, string> = {
  refused: "connection refused",
  reset: "connection reset or closed before an answer",
  dns: "host name could not be resolved",
  network: "network failure",
};

/** The request could not be delivered or the connection broke: refused, reset, DNS. */
export class KonaplateNetworkError extends KonaplateError {
  declare readonly kind: NetworkErrorKind;
  /** The URL called (origin and path), when known. */
  readonly url: string | undefined;

  /** `url` is the URL called; a refused connection also names its host and port. */
  constructor(kind: NetworkErrorKind, correlationId: string, cause: string, url?: string) {
    const where = url ? ` (POST ${url}${kind === "refused" ? `, nothing listens at ${hostAndPort(url)}` : ""})` : "";
    super(kind, `Konaplate request failed: ${NETWORK_MESSAGES[kind]}${where} [${cause}]`, { correlationId, cause });
    this.url = url;
  }

  override toJSON(): KonaplateErrorJson {
    const json = super.toJSON();
    if (this.url !== undefined) json.url = this.url;
    return json;
  }
}

function hostAndPort(url: string): string {
  const { hostname, port, protocol } = new URL(url);
  return `${hostname}:${port || (protocol === "https:" ? "443" : "80")}`;
}

/**
 * An answer arrived but is not a documented outcome: unexpected status, a redirect (never followed),
 * larger than maxResponseBytes, non-JSON (or nested too deep), missing or invalid envelope.
 */
export class KonaplateResponseError extends KonaplateError {
  declare readonly kind: ResponseErrorKind;
  readonly status: number;
  /** For envelope faults: the violated paths and rules. */
  readonly violations: Violation[];
  /** The URL called (origin and path), when known. */
  readonly url: string | undefined;

  constructor(kind: ResponseErrorKind, status: number, detail: string, correlationId: string, violations: Violation[] = [], url?: string) {
    super(kind, `Konaplate answer is not a documented outcome (HTTP ${status}${url ? ` from POST ${url}` : ""}): ${detail}`, { correlationId, cause: kind });
    this.status = status;
    this.violations = violations;
    this.url = url;
  }

  override toJSON(): KonaplateErrorJson {
    const json: KonaplateErrorJson = { ...super.toJSON(), status: this.status };
    if (this.url !== undefined) json.url = this.url;
    if (this.violations.length) json.violations = this.violations;
    return json;
  }
}

/**
 * Encrypting the request or decrypting the answer failed, the answer is encrypted without a key to
 * read it, or it is encrypted with other algorithms than the platform's (`unexpected-algorithm`).
 */
export class KonaplateEncryptionError extends KonaplateError {
  declare readonly kind: EncryptionErrorKind;

  constructor(kind: EncryptionErrorKind, detail: string, correlationId?: string, cause?: string) {
    super(kind, `Konaplate encryption: ${detail}`, { correlationId, cause });
  }
}

/**
 * The first `code` on an error's cause chain, with that error's message, else the innermost message.
 * undici puts socket errors under `cause`, and a connect to several addresses fails with an
 * AggregateError of per-address errors. Shared by the client and the conformance runner.
 */
export function underlyingFailure(err: unknown): { code?: string; message?: string } {
  let message: string | undefined;
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, message: own, cause, errors } = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof own === "string" && own) message = own;
    if (typeof code === "string") return { code, message: typeof own === "string" ? own : "" };
    e = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return message === undefined ? {} : { message };
}

// Error codes Node and undici set: errno names (ECONNREFUSED), undici's (UND_ERR_SOCKET), Node's
// (ERR_INVALID_URL) and OpenSSL's certificate codes. A custom fetch may put any text in `code`.
// (getaddrinfo's are not errno names: ENOTFOUND, EAI_AGAIN.)
const ERRNO_NAMES = new Set([...Object.keys(osConstants.errno), "ENOTFOUND", "ENODATA", "ESERVFAIL", "EREFUSED", "ETIMEOUT"]);
const LIBRARY_CODE = /^(?:EAI_[A-Z]{2,12}|UND_ERR_[A-Z_]{1,40}|ERR_[A-Z0-9_]{1,60}|(?:CERT|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO|HOSTNAME)_[A-Z_]{1,50})$/;

/** The code when it is one Node, undici or OpenSSL would set; anything else is not repeated. */
export function safeErrorCode(code: unknown): string | undefined {
  return typeof code === "string" && (ERRNO_NAMES.has(code) || LIBRARY_CODE.test(code)) ? code : undefined;
}

const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9]{0,40}$/;

/** An error's class name when it is a plain identifier ("TypeError"), else "Error": a name can be set to any text. */
export function safeErrorName(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  return PLAIN_NAME.test(err.name) ? err.name : "Error";
}
