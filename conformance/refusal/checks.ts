// The checks of a refusal case: a small registry of named checks, each judging one thing, always
// all of them and in this order. A refusal is any 4xx; a 5xx is a server error on bad input; a 2xx or
// a success code means the server took a request it must refuse.
import { codeOf, type Exchange, type ParsedBody } from "../checks.js";
import type { CheckResult } from "../report.js";
import type { RefusalCase } from "./catalog.js";

export interface RefusalContext {
  kase: RefusalCase;
  exchange: Exchange & { answered: true };
  body: ParsedBody | undefined;
  sentCorrelationId: string | undefined;
}

type Verdict = { ok: boolean; message: string };

interface RefusalCheck {
  name: string;
  /** Severity for this case: warnings never fail a case. */
  severity(kase: RefusalCase): "error" | "warning";
  run(ctx: RefusalContext): Verdict;
}

const SUCCESS_CODE = "000_000";
const WELL_FORMED_CODE = /^[0-9]{3}_[0-9]{3}$/;

const whatBreaks = (kase: RefusalCase) => kase.breaks.join(", ");
const errorUnlessWarningOnly = (kase: RefusalCase) => (kase.warningOnly ? "warning" : "error");

const codeIn = (body: ParsedBody | undefined) => (body?.ok ? codeOf(body.plain) : null);

export const REFUSAL_CHECKS: readonly RefusalCheck[] = [
  {
    name: "refused",
    severity: errorUnlessWarningOnly,
    run({ kase, exchange }) {
      const s = exchange.status;
      if (s >= 400 && s < 500) return { ok: true, message: `refused with ${s}` };
      if (s >= 500) return { ok: false, message: `server error ${s} on bad input (${whatBreaks(kase)}): a refusal must be a 4xx` };
      if (s >= 200 && s < 300) return { ok: false, message: `accepted with ${s} a request that breaks ${whatBreaks(kase)}: it must be refused with a 4xx` };
      return { ok: false, message: `answered ${s}, not a refusal (4xx) of a request that breaks ${whatBreaks(kase)}` };
    },
  },
  {
    name: "not-success",
    severity: errorUnlessWarningOnly,
    run({ kase, body }) {
      const code = codeIn(body);
      return code === SUCCESS_CODE
        ? { ok: false, message: `answered code ${SUCCESS_CODE} (success) to a request that breaks ${whatBreaks(kase)}` }
        : { ok: true, message: code === null ? "no success code (no envelope code)" : `code ${code}, not ${SUCCESS_CODE}` };
    },
  },
  {
    name: "code",
    // Where the spec names the code for a broken rule it is required; otherwise a well-formed
    // envelope is only hoped for (the documentation gives no refusal codes).
    severity: (kase) => (kase.expected.code !== null && !kase.warningOnly ? "error" : "warning"),
    run({ kase, body }) {
      const code = codeIn(body);
      if (kase.expected.code !== null) {
        if (code === kase.expected.code) return { ok: true, message: `code ${code} as the spec names for ${kase.breaks[0]}` };
        return { ok: false, message: `expected code ${kase.expected.code} (the spec's code for ${kase.breaks[0]}), got ${code ?? (body?.ok ? "no response.code" : `no JSON envelope: ${body?.reason ?? "body not read"}`)}` };
      }
      if (code !== null && WELL_FORMED_CODE.test(code)) return { ok: true, message: `JSON envelope with code ${code}` };
      if (code !== null) return { ok: false, message: `envelope code "${code}" is not a well-formed NNN_NNN` };
      return { ok: false, message: `no JSON envelope with a code (${body?.ok ? "no response.code" : (body?.reason ?? "body not read")})` };
    },
  },
  {
    name: "correlation-echo",
    severity: () => "warning",
    run({ exchange, sentCorrelationId }) {
      const received = exchange.headers.get("x-km-correlation-id");
      if (received === null) return { ok: false, message: "no X-KM-Correlation-Id in the answer" };
      if (sentCorrelationId === undefined) return { ok: true, message: `X-KM-Correlation-Id ${received} (none was sent)` };
      return received === sentCorrelationId
        ? { ok: true, message: `X-KM-Correlation-Id ${sentCorrelationId} echoed` }
        : { ok: false, message: `X-KM-Correlation-Id not echoed: sent ${sentCorrelationId}, got ${received}` };
    },
  },
];

export const REFUSAL_CHECK_NAMES = ["answered", ...REFUSAL_CHECKS.map((c) => c.name)] as const;

/** Every refusal check for one exchange, in REFUSAL_CHECK_NAMES order. */
export function judgeRefusal(kase: RefusalCase, exchange: Exchange, body: ParsedBody | undefined, sentCorrelationId: string | undefined): CheckResult[] {
  const answeredSeverity = errorUnlessWarningOnly(kase);
  if (!exchange.answered) {
    return [
      { name: "answered", ok: false, message: exchange.reason, severity: answeredSeverity },
      ...REFUSAL_CHECKS.map((c) => ({ name: c.name, ok: false, message: "not checked: no answer", severity: c.severity(kase) })),
    ];
  }
  const ctx: RefusalContext = { kase, exchange, body, sentCorrelationId };
  return [
    { name: "answered", ok: true, message: `answered in ${Math.round(exchange.durationMs)} ms`, severity: answeredSeverity },
    ...REFUSAL_CHECKS.map((c) => ({ name: c.name, ...c.run(ctx), severity: c.severity(kase) })),
  ];
}
