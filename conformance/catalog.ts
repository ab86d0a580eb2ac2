// The cases a run judges: the spec's documented test cases (CASES, generated from the spec's named
// examples), each request optionally overridden from a JSON file, because a real sandbox decides
// outcomes by its own test data.
import { readFileSync } from "node:fs";
import { CASE_IDS, CASES, type CaseId } from "../generated/contract.js";
import { parseJson } from "../src/json.js";
import { UsageError } from "../common/cli-flags.js";
import type { CaseOverride, ConformanceCase } from "./kinds/kind.js";

export { UsageError };

export type { CaseOverride };

/** A documented test case of the spec (the kind of case in kinds/documented.ts). */
export interface DocumentedCase extends ConformanceCase {
  kind: "documented";
  id: CaseId;
  mockCode: string;
  request: { body: unknown; headers: Record<string, string> };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function unknownIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !(CASE_IDS as readonly string[]).includes(id));
}

/** A digit-string userId is sent as a JSON number with every digit (the field is a number on the wire). */
function normaliseBody(body: Record<string, unknown>): Record<string, unknown> {
  const userId = body.userId;
  if (typeof userId === "string" && /^[0-9]+$/.test(userId)) return { ...body, userId: BigInt(userId) };
  return body;
}

/** Checks the shape of parsed overrides: `{"<case id>": {"body"?: {...}, "headers"?: {"name": "value"}}}`. */
export function validateCaseOverrides(parsed: unknown, source = "--cases"): Record<string, CaseOverride> {
  if (!isPlainObject(parsed)) throw new UsageError(`${source}: expected a JSON object keyed by case id, e.g. {"002_003": {"body": {...}}}`);
  const unknown = unknownIds(Object.keys(parsed));
  if (unknown.length) {
    throw new UsageError(`${source}: unknown case id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (known: ${CASE_IDS.join(", ")})`);
  }
  const out: Record<string, CaseOverride> = {};
  for (const [id, entry] of Object.entries(parsed)) {
    if (!isPlainObject(entry)) throw new UsageError(`${source}: "${id}" must be an object with "body" and/or "headers"`);
    const extra = Object.keys(entry).filter((k) => k !== "body" && k !== "headers");
    if (extra.length) throw new UsageError(`${source}: "${id}" has unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (allowed: body, headers)`);
    const override: CaseOverride = {};
    if (entry.body !== undefined) {
      if (!isPlainObject(entry.body)) throw new UsageError(`${source}: "${id}".body must be a JSON object (its fields are merged over the default body)`);
      override.body = normaliseBody(entry.body);
    }
    if (entry.headers !== undefined) {
      if (!isPlainObject(entry.headers)) throw new UsageError(`${source}: "${id}".headers must be a JSON object of header names to strings`);
      for (const [name, value] of Object.entries(entry.headers)) {
        if (typeof value !== "string") throw new UsageError(`${source}: "${id}".headers["${name}"] must be a string`);
      }
      override.headers = entry.headers as Record<string, string>;
    }
    out[id] = override;
  }
  return out;
}

/** Reads a `--cases` file losslessly: a userId past 2^53-1 is kept as a bigint, every digit. */
export function readCaseOverrides(file: string): Record<string, CaseOverride> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--cases: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (err) {
    throw new UsageError(`--cases: ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return validateCaseOverrides(parsed, `--cases ${file}`);
}

/** The documented cases in catalog order, overrides merged, optionally only some ids. */
export function selectCases(overrides: Readonly<Record<string, CaseOverride>> = {}, only?: string[]): DocumentedCase[] {
  const unknownOverrides = unknownIds(Object.keys(overrides));
  if (unknownOverrides.length) throw new UsageError(`--cases: unknown case id${unknownOverrides.length > 1 ? "s" : ""} ${unknownOverrides.join(", ")}`);
  if (only) {
    const unknown = unknownIds(only);
    if (unknown.length) throw new UsageError(`--only: unknown case id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (known: ${CASE_IDS.join(", ")})`);
  }
  return CASES.filter((c) => !only || only.includes(c.id)).map((c) => {
    const override = overrides[c.id];
    return {
      kind: "documented" as const,
      id: c.id,
      title: c.title,
      expected: { status: c.expected.status, code: c.expected.code },
      mockCode: c.mockCode,
      request: {
        body: { ...c.request.body, ...override?.body },
        headers: { ...override?.headers },
      },
    };
  });
}
