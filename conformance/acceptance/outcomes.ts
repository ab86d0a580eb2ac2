// Which answers a valid request may get, read from the spec: the documented pairs of status and code
// (each response example's code, except those the spec marks as having no documented code), and the
// codes the spec ties to breaking a rule (`x-konaplate-violates`), which a request keeping that rule
// must never get. Nothing here is a hand table: a code added to the spec's examples is accepted.
import { OPERATION } from "../../generated/contract.js";
import { followRefs } from "../../src/json-pointer.js";
import type { SpecDocument } from "../refusal/spec-rules.js";

type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => v !== null && typeof v === "object" && !Array.isArray(v);
const deref = (doc: SpecDocument, node: unknown): Node => {
  const target = followRefs(doc, node);
  return isObject(target) ? target : {};
};

/** Each documented status with the codes its examples document (`200` → 000_000; `400` → 002_001 …). */
export function documentedOutcomes(doc: SpecDocument): Map<number, Set<string>> {
  const item = deref(doc, (isObject(doc.paths) ? doc.paths : {})[OPERATION.path]);
  const operation = deref(doc, item[OPERATION.method.toLowerCase()]);
  const out = new Map<number, Set<string>>();
  for (const [status, response] of Object.entries(isObject(operation.responses) ? operation.responses : {})) {
    if (!/^[0-9]{3}$/.test(status)) continue;
    const content = deref(doc, response).content;
    const examples = isObject(content) ? deref(doc, content["application/json"]).examples : undefined;
    const codes = new Set<string>();
    for (const example of Object.values(isObject(examples) ? examples : {})) {
      const e = deref(doc, example);
      // A placeholder answer (the two codeless test cases) documents no code.
      if (e["x-konaplate-code-documented"] === false) continue;
      const code = isObject(e.value) && isObject(e.value.response) ? e.value.response.code : undefined;
      if (typeof code === "string") codes.add(code);
    }
    out.set(Number(status), codes);
  }
  return out;
}

/**
 * The spec's rule codes (`<field>:<rule>` → code) whose rule the request keeps, as code → rule: such
 * a code answered to this request refuses a valid value (002_001 to a bankAccount of digits only).
 */
export function codesForKeptRules(ruleCodes: ReadonlyMap<string, string>, broken: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rule, code] of ruleCodes) if (!broken.includes(rule)) out.set(code, rule);
  return out;
}

/** `200 000_000; 400 002_002, 002_003, …` for a message, leaving out `without`. */
export function describeOutcomes(outcomes: ReadonlyMap<number, ReadonlySet<string>>, without: ReadonlySet<string> = new Set()): string {
  const parts: string[] = [];
  for (const [status, codes] of outcomes) {
    const kept = [...codes].filter((c) => !without.has(c)).sort();
    if (kept.length) parts.push(`${status} ${kept.join(", ")}`);
  }
  return parts.join("; ");
}
