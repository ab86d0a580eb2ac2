// What a check is, in the way Schemathesis registers its checks: a named function of the case, the
// answer and the run, with a severity for the case and what it needs. Each kind of case names the
// checks its answers get; "answered" and "not checked" are decided once, in registry.ts.
import type { JsonBody, ParsedBody } from "../answer.js";
import type { ConformanceCase, EncryptionSettings } from "../kinds/kind.js";
import type { Exchange } from "../transport.js";

export type Severity = "error" | "warning";

export interface Verdict {
  ok: boolean;
  message: string;
  /**
   * The server failed (a 5xx): an error whatever the rule's source. A value of the kit's own reading
   * may be refused, and that only warns; no value may crash a server.
   */
  fault?: true;
}

/** What a run tells its checks. */
export interface CheckRun {
  encryption?: EncryptionSettings | undefined;
  mock: boolean;
  /** --strict: a case of the kit's own reading (warningOnly) is judged like any other. */
  strict?: boolean;
  /** --max-response-time, in ms: turns on the run-wide check response-time. */
  maxResponseTimeMs?: number | undefined;
}

export interface CheckContext {
  kase: ConformanceCase;
  exchange: Exchange & { answered: true };
  /** The answer's body as read (decrypted where it came encrypted). */
  body: ParsedBody;
  /** The request's headers as sent. */
  sentHeaders: Readonly<Record<string, string>>;
  sentCorrelationId: string | undefined;
  /** The request's body was `{"encData"}` (BuiltRequest.jwe). */
  sentEncrypted: boolean;
  run: CheckRun;
}

interface CheckBase {
  readonly name: string;
  /** For this case in this run; a case of the kit's own reading (warningOnly) makes every check a warning unless --strict. */
  severity(kase: ConformanceCase, run: CheckRun): Severity;
  /** A run-wide check is judged on every case of every kind while the run turns it on. */
  readonly everyCase?: (run: CheckRun) => boolean;
  /** It says why a body was not read as JSON, so the checks that needed one need not say it again. */
  readonly reportsUnreadBody?: boolean;
  /** A limit the user set (not the contract's rule): a case of the kit's own reading does not soften it to a warning. */
  readonly userLimit?: boolean;
}

/**
 * What a check needs: any answer (the default), or a body read as JSON ("json": otherwise it is
 * reported as not checked, once, by the registry).
 */
export type Check = CheckBase &
  (
    | { readonly needs?: "answer"; run(context: CheckContext): Verdict }
    | { readonly needs: "json"; run(context: CheckContext & { body: JsonBody }): Verdict }
  );

/** A check that is always an error (unless the case is only the kit's reading). */
export const alwaysError = (): Severity => "error";
/** A check that never fails a case. */
export const alwaysWarning = (): Severity => "warning";
