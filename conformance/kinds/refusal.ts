// The refusal cases (refusal/): requests a server must refuse, derived from the spec's rules on the
// base request, each breaking one rule and otherwise valid and signed over the exact bytes. Those the
// embedded Prism mock cannot judge (tokens, credentials, clocks) are skipped against it.
import type { Credentials } from "../../src/signing.js";
import { Scrubber, type PersonalValue } from "../masking.js";
import { deriveRefusalCases, type RefusalCase } from "../refusal/catalog.js";
import { buildPlannedRequest, otherOfSameShape } from "../request-plans.js";
import { applyEdit } from "../refusal/value-edits.js";
import type { CaseKind, ConformanceCase, DeriveContext } from "./kind.js";

export const REFUSAL_NOTE =
  "Each request breaks one rule (listed under breaks) and keeps everything else valid and signed: any 4xx is a refusal; a 5xx, a 2xx or code 000_000 fails the case. Skipped cases were not judged against this target.";

export const isRefusalCase = (kase: ConformanceCase): kase is RefusalCase => kase.kind === "refusal";

/** The refusal cases built on the base request (the `success` case after overrides). */
export function refusalCasesFor(context: Pick<DeriveContext, "base" | "credentials" | "encrypted">): RefusalCase[] {
  return deriveRefusalCases({
    baseBody: context.base.body,
    overrideHeaders: context.base.headers,
    credentials: context.credentials,
    ...(context.encrypted ? { encrypted: true } : {}),
  }).cases;
}

/** The body a case sends: the broken body, the raw text of a body that is not JSON, or the base body. */
function requestBody(kase: RefusalCase): unknown {
  return kase.plan.kind === "body" ? kase.plan.body : kase.plan.kind === "wire" ? kase.plan.wire : kase.baseBody;
}

/**
 * Beyond its body: the base body's personal values (an account with a letter in it is still an
 * account) and the access key cut, lengthened or shifted by a case (still nearly the key).
 */
function sentValues(kase: RefusalCase, credentials: Credentials): { secrets: string[]; personal: PersonalValue[] } {
  const secrets: string[] = [];
  const { plan } = kase;
  if (plan.kind === "credential" && plan.header.toLowerCase() === "x-km-access-key") secrets.push(otherOfSameShape(credentials.accessKey));
  if (plan.kind === "header" && plan.header.toLowerCase() === "x-km-access-key") {
    const edited = applyEdit(plan.edit, credentials.accessKey);
    if (typeof edited === "string") secrets.push(edited);
  }
  return { secrets, personal: Scrubber.personalValues(kase.baseBody) };
}

export const refusalKind: CaseKind<RefusalCase> = {
  name: "refusal",
  idPrefix: "refuse:",
  checks: ["refused", "not-success", "code", "correlation-echo"],
  presentation: {
    heading: "Refusal cases (each breaks one rule; any 4xx is a refusal)",
    section: { heading: "Refusal cases", id: "refusal-cases", note: REFUSAL_NOTE },
    junitClassname: "konaplate.conformance.refusal",
    expected: (c, where) => (where === "terminal" ? `4xx${c.expected.code ? ` ${c.expected.code}` : ""}` : `4xx ${c.expected.code ?? "(refused)"}`),
    statusAsExpected: (c) => c.observed.status !== null && c.observed.status >= 400 && c.observed.status < 500,
  },
  derive: refusalCasesFor,
  /** Families rather than each of some fifty ids. */
  idHint: (cases) => [...new Set(cases.map((c) => `${c.id.split(":").slice(0, 2).join(":")}:*`))],
  skipReason: (kase, { mock }) => (mock ? kase.mockCannotJudge : undefined),
  build: (kase, { credentials, encryption }) =>
    buildPlannedRequest({ plan: kase.plan, baseBody: kase.baseBody, overrideHeaders: kase.overrideHeaders }, { credentials, encryption }, kase.headerExample),
  requestBody,
  sentValues,
  reportFields: (kase) => ({ breaks: [...kase.breaks] }),
};
