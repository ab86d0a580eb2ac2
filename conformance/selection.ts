// Which cases a run sends: every kind by default, `--kind` picks one, `--only` picks ids (a trailing
// `*` matches every id that starts with what precedes it). Kinds other than the documented one are
// built on the `success` case's request after --cases overrides, so a staging test member carries over.
import type { Credentials } from "../src/signing.js";
import { selectCases, UsageError, type CaseOverride } from "./catalog.js";
import { ENCRYPTED_MODE_VARIABLES } from "./config.js";
import type { CaseKind, ConformanceCase, DeriveContext } from "./kinds/kind.js";
import { caseKinds } from "./kinds/registry.js";

export interface SelectionOptions {
  overrides?: Record<string, CaseOverride>;
  only?: string[];
  /** A kind's name (`--kind`). */
  kind?: string;
  /** Derived requests are judged (which rules they break) as signed with these. */
  credentials: Credentials;
  encrypted?: boolean;
  /** --fuzz N --seed S: N random valid bodies as acceptance cases. */
  fuzz?: { count: number; seed: number };
}

function matches(pattern: string, id: string): boolean {
  return pattern.endsWith("*") ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** Whether a pattern can match an id of a kind at all, judged by the kind's id prefix (deriving costs). */
function mayMatch(pattern: string, kind: CaseKind): boolean {
  const stem = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
  return stem.startsWith(kind.idPrefix) || (pattern.endsWith("*") && kind.idPrefix.startsWith(stem));
}

/** What every kind derives from: the overrides and the base request (`success` after overrides). */
export function deriveContext(options: SelectionOptions): DeriveContext {
  const overrides = options.overrides ?? {};
  const success = selectCases(overrides).find((c) => c.id === "success");
  if (!success) throw new Error("the spec has no `success` case to build other kinds of case on");
  return {
    overrides,
    base: { body: success.request.body as Record<string, unknown>, headers: success.request.headers },
    credentials: options.credentials,
    encrypted: options.encrypted === true,
    ...(options.fuzz && options.fuzz.count > 0 ? { fuzz: options.fuzz } : {}),
  };
}

/** The cases of a run in order: kind after kind in registry order, each kind's in its own order. */
export function selectRun(options: SelectionOptions): ConformanceCase[] {
  const context = deriveContext(options);
  const only = options.only;
  const chosen = caseKinds().filter((k) => !options.kind || k.name === options.kind);
  const derived = new Map<CaseKind, ConformanceCase[]>();
  for (const kind of caseKinds()) {
    // A kind no pattern can reach is not derived; without --kind every kind is needed for the checks below.
    if (!chosen.includes(kind) && !only) continue;
    if (only && !only.some((p) => mayMatch(p, kind))) continue;
    derived.set(kind, kind.derive(context));
  }
  const pool = chosen.flatMap((k) => derived.get(k) ?? []);
  if (!only) return pool;

  const all = [...derived.values()].flat();
  const unknown = only.filter((p) => !all.some((c) => matches(p, c.id)));
  if (unknown.length && !context.encrypted) {
    // Ids an encrypted run would make (refuse:crypto:*): the mistake is the mode, not the id.
    const encrypted = { ...context, encrypted: true };
    const needEncryption = unknown.filter((p) => caseKinds().some((kind) => mayMatch(p, kind) && kind.derive(encrypted).some((c) => matches(p, c.id))));
    if (needEncryption.length) {
      throw new UsageError(`--only: ${needEncryption.join(", ")} exist${needEncryption.length > 1 ? "" : "s"} only in encrypted mode: set ${ENCRYPTED_MODE_VARIABLES} and give --target (the embedded mock cannot decrypt)`);
    }
  }
  if (unknown.length) {
    const hints = caseKinds().map((kind) => `${kind.name}: ${kind.idHint(derived.get(kind) ?? kind.derive(context)).join(", ")}`);
    throw new UsageError(`--only: unknown case id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (${hints.join("; ")}; a trailing * matches a prefix; every id is listed in README.md)`);
  }
  const otherKind = only.filter((p) => !pool.some((c) => matches(p, c.id)));
  if (otherKind.length) {
    throw new UsageError(`--only: ${otherKind.join(", ")} match${otherKind.length > 1 ? "" : "es"} no ${options.kind} case (--kind ${options.kind}; kinds: ${caseKinds().map((k) => k.name).join(", ")})`);
  }
  return pool.filter((c) => only.some((p) => matches(p, c.id)));
}
