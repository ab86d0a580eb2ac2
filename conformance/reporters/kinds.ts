// How each kind of case reads in a report, from the kind's own module (kinds/registry.ts); a report
// holding a kind no module describes (made elsewhere, or by a kind since removed) still renders.
import { caseKinds, kindNamed } from "../kinds/registry.js";
import type { KindPresentation } from "../kinds/kind.js";
import type { CaseReport, Report } from "../report.js";

function fallback(kind: string): KindPresentation {
  return {
    heading: `Cases of kind ${kind}`,
    section: { heading: `Cases of kind ${kind}`, id: `${kind.replace(/[^A-Za-z0-9-]/g, "-")}-cases` },
    junitClassname: `konaplate.conformance.${kind.replace(/[^A-Za-z0-9-]/g, "-")}`,
    expected: (c) => `${c.expected.status} ${c.expected.code ?? "(any code)"}`,
    statusAsExpected: (c) => c.observed.status === c.expected.status,
  };
}

export function presentationOf(kind: string): KindPresentation {
  return kindNamed(kind)?.presentation ?? fallback(kind);
}

export interface KindGroup {
  kind: string;
  presentation: KindPresentation;
  cases: CaseReport[];
}

/**
 * The report's cases by kind, kinds in run order, kinds without a case left out. The first kind
 * (documented) is listed even when empty where `firstAlways` says so, and whenever the report has no
 * case at all, so a report still shows where its cases would be.
 */
export function groupsOf(report: Report, firstAlways = false): KindGroup[] {
  const known = caseKinds().map((k) => k.name);
  const present = [...known, ...report.cases.map((c) => c.kind)].filter((k) => report.cases.some((c) => c.kind === k));
  const names = [...new Set(firstAlways || !present.length ? [known[0]!, ...present] : present)];
  return names.map((kind) => ({ kind, presentation: presentationOf(kind), cases: report.cases.filter((c) => c.kind === kind) }));
}
