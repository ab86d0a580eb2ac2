// The checks of a request the contract allows (an acceptance case): it must be answered with a
// documented status, never a server error nor an undocumented refusal, and with a documented pair of
// status and code, never a code the spec ties to breaking a rule the request keeps. Each message names
// the field, the kind of value (personal values masked) and what came back.
import { CODE_MESSAGES } from "../../generated/contract.js";
import { describeOutcomes } from "../acceptance/outcomes.js";
import { codeOf } from "../answer.js";
import type { ConformanceCase } from "../kinds/kind.js";
import { alwaysError, type Check, type CheckRun, type Verdict } from "./check.js";

const NO_FACTS = "not an acceptance case: nothing says which answers are documented";

const valueOf = (kase: ConformanceCase) => kase.acceptance?.description ?? kase.title;

/** Against the embedded mock, what it cannot judge of the value is said beside the verdict. */
const withMockNote = (kase: ConformanceCase, run: CheckRun, message: string) => (run.mock && kase.acceptance?.mockNote ? `${message} (${kase.acceptance.mockNote})` : message);

const documentedMessage = (code: string) => (Object.hasOwn(CODE_MESSAGES, code) ? ` (${CODE_MESSAGES[code as keyof typeof CODE_MESSAGES].message})` : "");

export const accepted: Check = {
  name: "accepted",
  severity: alwaysError,
  run({ kase, exchange, run }): Verdict {
    const facts = kase.acceptance;
    if (!facts) return { ok: false, message: NO_FACTS };
    const s = exchange.status;
    const statuses = [...facts.outcomes.keys()].join(" or ");
    // A passed check names no value (the title does): the same few messages for every case, masked once.
    if (facts.outcomes.has(s)) return { ok: true, message: withMockNote(kase, run, `answered ${s}, a documented status`) };
    if (s >= 500) return { ok: false, message: `${valueOf(kase)}: server error ${s} on a valid request`, fault: true };
    if (s >= 400) return { ok: false, message: `${valueOf(kase)}: refused with ${s}, a status the spec does not document (a valid request is answered ${statuses})` };
    const redirect = s >= 300 && s < 400 ? " (a redirect: the suite never follows redirects)" : "";
    return { ok: false, message: `${valueOf(kase)}: answered ${s}${redirect}, not a documented status (${statuses})` };
  },
};

export const documentedOutcome: Check = {
  name: "documented-outcome",
  needs: "json",
  // A request sending a codeless outcome's own value may get that outcome's code, which no source gives.
  severity: (kase, run) => (kase.acceptance?.codeless && !run.strict ? "warning" : "error"),
  run({ kase, exchange, body }): Verdict {
    const facts = kase.acceptance;
    if (!facts) return { ok: false, message: NO_FACTS };
    const s = exchange.status;
    const code = codeOf(body.plain);
    const documented = describeOutcomes(facts.outcomes, new Set(facts.ruleCodes.keys()));
    if (code === null) return { ok: false, message: `${valueOf(kase)}: answered ${s} without a response.code (documented outcomes: ${documented})` };
    const codes = facts.outcomes.get(s);
    if (!codes) return { ok: false, message: `${valueOf(kase)}: answered ${s} ${code}; status ${s} is not documented (documented outcomes: ${documented})` };
    if (!codes.has(code)) {
      const elsewhere = [...facts.outcomes].find(([, c]) => c.has(code))?.[0];
      const codeless = facts.codeless;
      if (elsewhere === undefined && codeless?.status === s) {
        return {
          ok: false,
          message: `${valueOf(kase)}: answered ${s} ${code}, a code the spec does not document; ${codeless.field} is the value the spec's example \`${codeless.example}\` (${codeless.summary}) sends, an outcome whose code no source gives, so this may be that outcome (the example's value is the kit's choice)`,
        };
      }
      const why =
        elsewhere !== undefined
          ? `the spec pairs ${code} with ${elsewhere}, not ${s}`
          : `a code the spec does not document (the two documented outcomes without a code, system delay and a non-participating institution, cannot be told from a refusal)`;
      return { ok: false, message: `${valueOf(kase)}: answered ${s} ${code}: ${why}; a valid request gets a documented outcome (${documented})` };
    }
    const rule = facts.ruleCodes.get(code);
    if (rule !== undefined) {
      return { ok: false, message: `${valueOf(kase)}: answered ${s} ${code}${documentedMessage(code)}, the spec's code for breaking ${rule}, which this request keeps: a valid request refused` };
    }
    return { ok: true, message: `answered ${s} ${code}${documentedMessage(code)}, a documented outcome` };
  },
};
