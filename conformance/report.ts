// The shape of report.json — a published interface: users script against it. Add fields, never rename.

export interface CheckResult {
  /** A stable check name, e.g. "status", "body-schema", "correlation-echo". */
  name: string;
  ok: boolean;
  message: string;
  /** Warnings (e.g. the correlation id not echoed) never fail a case. */
  severity?: "error" | "warning";
}

export interface CaseReport {
  id: string;
  title: string;
  /** "skipped": the case could not be judged against this target (`reason` says why). */
  status: "passed" | "failed" | "skipped";
  /** Refusal cases: any 4xx is a refusal; `status` is the documented error status, `code` set where the spec names one. */
  expected: { status: number; code: string | null };
  observed: {
    status: number | null;
    code: string | null;
    durationMs: number;
    /** Response headers and body as received, personal data masked. */
    headers?: Record<string, string>;
    body?: unknown;
  };
  /** The request as sent, personal data masked and secrets removed. */
  request?: { headers: Record<string, string>; body: unknown };
  checks: CheckResult[];
  /** The kind of case (conformance/kinds/): "documented", a test case of the spec; "refusal", a request the server must refuse; "acceptance", a valid request the server must answer with a documented outcome. */
  kind: string;
  /** Why a skipped case was not judged. */
  reason?: string;
  /** Refusal cases: every rule the request breaks, `<field or header>:<rule>`. */
  breaks?: string[];
  /** Acceptance cases: the body field or header changed, the kind of valid value (`maximum`, `leap-day`, `fuzz`) and the spec's keyword it stands on. */
  varies?: { in: "body" | "header"; field: string; what: string; rule: string };
  /**
   * Failed cases and cases with warnings: a shell command line that reruns this case alone, run from
   * the folder the run was started in with the variables of `Report.reproduceEnvironment` set.
   */
  reproduce?: string;
}

export interface Report {
  target: string;
  startedAt: string;
  durationMs: number;
  /** `warned`: passed cases with a warning (a check of severity warning that did not hold). */
  summary: { total: number; passed: number; failed: number; skipped: number; warned?: number };
  /** A run with --fuzz N: how many random valid bodies, and the seed that draws them again (--seed). */
  fuzz?: { count: number; seed: number };
  /** --max-response-time: the longest an answer could take, in ms (check `response-time`). */
  maxResponseTimeMs?: number;
  /** Names (never values) of the environment variables the cases' `reproduce` commands read; present when a case has one. */
  reproduceEnvironment?: string[];
  cases: CaseReport[];
}

/** The warnings of a case: checks of severity warning that did not hold (they never fail a case). */
export function warningsOf(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((c) => !c.ok && c.severity === "warning");
}

export const hasWarnings = (c: { checks: readonly CheckResult[] }): boolean => warningsOf(c.checks).length > 0;

/** How many cases passed with a warning (`summary.warned`). */
export const countWarned = (cases: readonly CaseReport[]): number => cases.filter((c) => c.status === "passed" && hasWarnings(c)).length;

/** `summary.warned`, or counted from the cases for a report made without it. */
export const warnedOf = (report: Report): number => report.summary.warned ?? countWarned(report.cases);
