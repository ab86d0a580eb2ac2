// The acceptance cases (acceptance/): requests a server must accept, derived from the spec's rules on
// the base request, each changing one field or header to one valid value (or, with --fuzz, a whole
// random valid body), signed over the exact bytes. Any documented outcome passes: a valid member
// may well be unknown to the server, and "not found" is a documented answer.
import { isDocumentedStatus } from "../../src/validation.js";
import { acceptanceBody, deriveAcceptanceCases, type AcceptanceCase } from "../acceptance/catalog.js";
import { buildPlannedRequest } from "../request-plans.js";
import type { CaseKind, DeriveContext } from "./kind.js";

export const ACCEPTANCE_NOTE =
  "Each request changes one field or header of the success request to one valid value (named under varies) and is signed over the exact bytes: it must get a documented outcome (200 000_000, or 400 with a documented code). A server error, another status, an undocumented code or the spec's code for a rule the request keeps fails the case.";

/** The acceptance cases built on the base request (the `success` case after overrides), --fuzz bodies after them. */
export function acceptanceCasesFor(context: Pick<DeriveContext, "base" | "credentials" | "encrypted" | "fuzz">): AcceptanceCase[] {
  return deriveAcceptanceCases({
    baseBody: context.base.body,
    overrideHeaders: context.base.headers,
    credentials: context.credentials,
    ...(context.encrypted ? { encrypted: true } : {}),
    ...(context.fuzz ? { fuzz: context.fuzz } : {}),
  }).cases;
}

export const acceptanceKind: CaseKind<AcceptanceCase> = {
  name: "acceptance",
  idPrefix: "accept:",
  checks: ["accepted", "content-type", "body-parses", "body-schema", "documented-outcome", "response-headers", "correlation-echo"],
  presentation: {
    heading: "Acceptance cases (each sends one valid value; any documented outcome passes)",
    section: { heading: "Acceptance cases", id: "acceptance-cases", note: ACCEPTANCE_NOTE },
    junitClassname: "konaplate.conformance.acceptance",
    expected: (_c, where) => (where === "terminal" ? "documented" : "a documented outcome"),
    statusAsExpected: (c) => c.observed.status !== null && isDocumentedStatus(c.observed.status),
  },
  derive: acceptanceCasesFor,
  /** Families (`accept:body:userId:*`) rather than each of some fifty ids; fuzz cases exist with --fuzz only. */
  idHint: (cases) => [...new Set([...cases.filter((c) => c.acceptance.varies.what !== "fuzz").map((c) => `${c.id.split(":").slice(0, 3).join(":")}:*`), "accept:fuzz:* (with --fuzz N)"])],
  build: (kase, { credentials, encryption }) => buildPlannedRequest({ plan: kase.plan, baseBody: kase.baseBody, overrideHeaders: kase.overrideHeaders }, { credentials, encryption }),
  requestBody: acceptanceBody,
  reportFields: (kase) => ({ varies: { ...kase.acceptance.varies } }),
};
