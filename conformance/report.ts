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
  status: "passed" | "failed";
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
}

export interface Report {
  target: string;
  startedAt: string;
  durationMs: number;
  summary: { total: number; passed: number; failed: number };
  cases: CaseReport[];
}
