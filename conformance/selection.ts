// Which cases a run sends: both kinds by default, `--kind` picks one, `--only` picks ids (a trailing
// `*` matches every id that starts with what precedes it). Refusal cases are derived from the
// `success` case's request after --cases overrides, so a staging test member carries over.
import { CASE_IDS } from "../generated/contract.js";
import type { Credentials } from "../src/signing.js";
import { selectCases, UsageError, type CaseOverride, type ConformanceCase } from "./catalog.js";
import { CASE_KINDS } from "./config.js";
import { deriveRefusalCases, type RefusalCase } from "./refusal/catalog.js";
import type { CaseKind } from "./report.js";

export type AnyCase = ConformanceCase | RefusalCase;

export function isRefusal(c: AnyCase): c is RefusalCase {
  return c.kind === "refusal";
}

export interface SelectionOptions {
  overrides?: Record<string, CaseOverride>;
  only?: string[];
  kind?: CaseKind;
  /** Refusal requests are judged (which rules they break) as signed with these. */
  credentials: Credentials;
  encrypted?: boolean;
}

/** The refusal cases built on the `success` case's request (after overrides). */
export function refusalCasesFor(documented: readonly ConformanceCase[], options: Pick<SelectionOptions, "credentials" | "encrypted">): RefusalCase[] {
  const success = documented.find((c) => c.id === "success");
  if (!success) throw new Error("the spec has no `success` case to build refusal cases on");
  return deriveRefusalCases({
    baseBody: success.request.body as Record<string, unknown>,
    overrideHeaders: success.request.headers,
    credentials: options.credentials,
    ...(options.encrypted ? { encrypted: true } : {}),
  }).cases;
}

function matches(pattern: string, id: string): boolean {
  return pattern.endsWith("*") ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** The refusal id families, as `--only` patterns, for error messages. */
function families(refusal: readonly RefusalCase[]): string[] {
  return [...new Set(refusal.map((c) => `${c.id.split(":").slice(0, 2).join(":")}:*`))];
}

/** The cases of a run in order: documented in catalog order, then refusal cases. */
export function selectRun(options: SelectionOptions): AnyCase[] {
  const documented = selectCases(options.overrides ?? {});
  const only = options.only;
  const needRefusal = options.kind !== "documented" || (only ?? []).some((p) => !documented.some((c) => matches(p, c.id)));
  const refusal = needRefusal ? refusalCasesFor(documented, options) : [];
  const all: AnyCase[] = [...documented, ...refusal];
  const pool = options.kind ? all.filter((c) => (c.kind ?? "documented") === options.kind) : all;
  if (!only) return pool;

  const unknown = only.filter((p) => !all.some((c) => matches(p, c.id)));
  if (unknown.length) {
    throw new UsageError(
      `--only: unknown case id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} ` +
        `(documented: ${CASE_IDS.join(", ")}; refusal: ${families(refusal).join(", ")}; a trailing * matches a prefix; every id is listed in README.md)`,
    );
  }
  const otherKind = only.filter((p) => !pool.some((c) => matches(p, c.id)));
  if (otherKind.length) {
    throw new UsageError(`--only: ${otherKind.join(", ")} match${otherKind.length > 1 ? "" : "es"} no ${options.kind} case (--kind ${options.kind}; kinds: ${CASE_KINDS.join(", ")})`);
  }
  return pool.filter((c) => only.some((p) => matches(p, c.id)));
}
