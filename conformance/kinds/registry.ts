// The kinds of case a run can hold, in the order a run sends them. A new kind is a module beside
// these and one entry in BUILT_IN.
import { documentedKind } from "./documented.js";
import type { CaseKind, ConformanceCase } from "./kind.js";
import { refusalKind } from "./refusal.js";

const BUILT_IN: readonly CaseKind[] = [documentedKind, refusalKind];

const kinds: CaseKind[] = [...BUILT_IN];

/** Every kind, in run order. */
export function caseKinds(): readonly CaseKind[] {
  return kinds;
}

/** Adds a kind after the others (a test's, or a new module's); returns a function that takes it out again. */
export function registerKind<C extends ConformanceCase>(kind: CaseKind<C>): () => void {
  if (kinds.some((k) => k.name === kind.name)) throw new Error(`a kind named ${kind.name} is registered already`);
  kinds.push(kind);
  return () => {
    const at = kinds.indexOf(kind);
    if (at >= 0) kinds.splice(at, 1);
  };
}

export function kindNamed(name: string): CaseKind | undefined {
  return kinds.find((k) => k.name === name);
}

/** The kind of a case; a case of no registered kind is a bug of whoever made it. */
export function kindOf(kase: ConformanceCase): CaseKind {
  const kind = kindNamed(kase.kind);
  if (!kind) throw new Error(`case ${kase.id} is of kind ${kase.kind}, which is not registered`);
  return kind;
}
