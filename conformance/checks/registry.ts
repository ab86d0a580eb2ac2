// Every check by name, and judge(): the one place that decides "answered" and "not checked". A kind
// names its checks (kinds/*.ts); a run-wide check (everyCase) joins every case while the run turns it
// on. A new check is a module and one line here.
import type { ParsedBody } from "../answer.js";
import type { ConformanceCase } from "../kinds/kind.js";
import type { CheckResult } from "../report.js";
import type { Exchange } from "../transport.js";
import { accepted, documentedOutcome } from "./acceptance.js";
import { alwaysError, type Check, type CheckContext, type CheckRun, type Severity, type Verdict } from "./check.js";
import { code } from "./code.js";
import { correlationEcho } from "./correlation.js";
import { bodyParses, bodySchema, contentType, responseHeaders, status } from "./documented-answer.js";
import { encryptedAnswer } from "./encrypted-answer.js";
import { notSuccess, refused } from "./refusal.js";
import { responseTime } from "./response-time.js";

/** Whether the request got an answer at all; judged from the exchange itself, first on every case. */
export const ANSWERED = "answered";

const registry = new Map<string, Check>();

/** Adds a check (a new module's); returns a function that takes it out again. */
export function registerCheck(check: Check): () => void {
  if (check.name === ANSWERED || registry.has(check.name)) throw new Error(`a check named ${check.name} is registered already`);
  registry.set(check.name, check);
  return () => registry.delete(check.name);
}

for (const check of [status, contentType, bodyParses, bodySchema, code, responseHeaders, correlationEcho, refused, notSuccess, responseTime, encryptedAnswer, accepted, documentedOutcome]) registerCheck(check);

export function checkNamed(name: string): Check {
  const check = registry.get(name);
  if (!check) throw new Error(`no check named ${name} (known: ${[...registry.keys()].join(", ")})`);
  return check;
}

/** The checks a case of a kind gets, in order: its kind's, then the run-wide ones the run turns on. */
function checksFor(kindChecks: readonly string[], run: CheckRun): Check[] {
  const own = kindChecks.map(checkNamed);
  const runWide = [...registry.values()].filter((c) => c.everyCase?.(run) && !own.includes(c));
  return [...own, ...runWide];
}

/** The names judge() reports for a case of a kind, `answered` first. */
export function checkNamesFor(kindChecks: readonly string[], run: CheckRun): string[] {
  return [ANSWERED, ...checksFor(kindChecks, run).map((c) => c.name)];
}

const severityOf = (kase: ConformanceCase, run: CheckRun, { severity, userLimit }: Pick<Check, "severity" | "userLimit">): Severity =>
  kase.warningOnly && !run.strict && !userLimit ? "warning" : severity(kase, run);

export interface Judged {
  kase: ConformanceCase;
  /** The kind's checks, by name. */
  checks: readonly string[];
  exchange: Exchange;
  /** Read from an answered exchange. */
  body?: ParsedBody | undefined;
  sentHeaders: Readonly<Record<string, string>>;
  sentCorrelationId: string | undefined;
  /** The request's body was `{"encData"}`; default false. */
  sentEncrypted?: boolean;
  run: CheckRun;
}

/** Every check of the case for one exchange, always all of them, in order. */
export function judge({ kase, checks: names, exchange, body, sentHeaders, sentCorrelationId, sentEncrypted = false, run }: Judged): CheckResult[] {
  const checks = checksFor(names, run);
  const result = (name: string, ok: boolean, message: string, severity: Severity): CheckResult => ({ name, ok, message, severity });
  // A server fault is an error even where the rule is only the kit's reading.
  const judged = (name: string, { ok, message, fault }: Verdict, severity: Severity) => result(name, ok, message, fault ? "error" : severity);
  const answeredSeverity = severityOf(kase, run, { severity: alwaysError });
  if (!exchange.answered) {
    return [result(ANSWERED, false, exchange.reason, answeredSeverity), ...checks.map((c) => result(c.name, false, "not checked: no answer", severityOf(kase, run, c)))];
  }
  const read: ParsedBody = body ?? { ok: false, reason: "body not read" };
  // Where a body-parses check says why the body was not read, the checks that needed it need not.
  const unread = read.ok ? "" : checks.some((c) => c.reportsUnreadBody) ? "not checked: body did not parse" : `not checked: body did not parse (${read.reason})`;
  const context: CheckContext = { kase, exchange, body: read, sentHeaders, sentCorrelationId, sentEncrypted, run };
  return [
    result(ANSWERED, true, `answered in ${Math.round(exchange.durationMs)} ms`, answeredSeverity),
    ...checks.map((c) => {
      const severity = severityOf(kase, run, c);
      if (c.needs !== "json") return judged(c.name, c.run(context), severity);
      if (!read.ok) return result(c.name, false, unread, severity);
      return judged(c.name, c.run({ ...context, body: read }), severity);
    }),
  ];
}

/** A case passes when every check of severity error holds. */
export function passes(checks: readonly CheckResult[]): boolean {
  return checks.every((c) => c.ok || c.severity === "warning");
}
