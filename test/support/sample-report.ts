// A Report built from the catalog the way the runner shapes one (personal data already masked),
// with one case broken on purpose: for renderer tests that need no server.
import { CASES } from "../../generated/contract.js";
import type { CaseReport, Report } from "../../conformance/report.js";

export const RAW_ACCESS_KEY = "AK0123456789abcdefABCDEF0123456789abcdef";
export const RAW_TRAN_TOKEN = "KMV1:20261127101500123:c2VjcmV0LW1hYy1zaG91bGQtbmV2ZXItYmUtc2hvd24=";
export const BROKEN_CASE = "002_003";
export const HOSTILE_MESSAGE = `code: expected 002_003, got 002_004 <script>alert("x")</script>`;

const maskDigits = (s: string) => (s.length <= 4 ? "*".repeat(s.length) : `${s.slice(0, 2)}${"*".repeat(s.length - 4)}${s.slice(-2)}`);
const maskName = (s: string) => (s.length <= 1 ? "*" : `${s[0]}${"*".repeat(s.length - 1)}`);

export function sampleReport(target = "http://127.0.0.1:4010"): Report {
  const cases: CaseReport[] = CASES.map((c, i) => {
    const broken = c.id === BROKEN_CASE;
    const observedCode = broken ? "002_004" : c.mockCode;
    const body = c.request.body;
    return {
      id: c.id,
      title: c.title,
      status: broken ? "failed" : "passed",
      expected: { status: c.expected.status, code: c.expected.code },
      observed: {
        status: c.expected.status,
        code: observedCode,
        durationMs: 20 + i * 7.5,
        headers: { "content-type": "application/json", "x-km-correlation-id": "261127101500-00000a1" },
        body: { response: { code: observedCode, description: "masked elsewhere" } },
      },
      request: {
        headers: {
          "X-KM-User-AspId": "ASP000000000001",
          "X-KM-Access-Key": RAW_ACCESS_KEY,
          "X-KM-Tran-Token": RAW_TRAN_TOKEN,
          "X-KM-Time-Zone": "KST",
        },
        body: {
          userId: body.userId,
          userName: maskName(body.userName),
          birthDate: maskDigits(body.birthDate),
          bankCode: body.bankCode,
          bankAccount: maskDigits(body.bankAccount),
        },
      },
      checks: [
        { name: "status", ok: true, message: `status ${c.expected.status}` },
        broken
          ? { name: "code", ok: false, message: HOSTILE_MESSAGE, severity: "error" }
          : { name: "code", ok: true, message: `code ${observedCode}` },
        i === 0
          ? { name: "correlation-echo", ok: false, message: "correlation id not echoed", severity: "warning" }
          : { name: "correlation-echo", ok: true, message: "echoed" },
      ],
      kind: "documented",
    };
  });
  const failed = cases.filter((c) => c.status === "failed").length;
  return {
    target,
    startedAt: "2026-11-27T10:15:00.000Z",
    durationMs: 1234,
    summary: { total: cases.length, passed: cases.length - failed, failed, skipped: 0 },
    cases,
  };
}
