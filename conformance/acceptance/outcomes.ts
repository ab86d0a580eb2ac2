// Which answers a valid request may get, read from the spec: the documented pairs of status and code
// (each response example's code, except those the spec marks as having no documented code), and the
// codes the spec ties to breaking a rule (`x-konaplate-violates`), which a request keeping that rule
// must never get. Nothing here is a hand table: a code added to the spec's examples is accepted.
import { OPERATION } from "../../generated/contract.js";
import { followRefs } from "../../src/json-pointer.js";
import type { CodelessMatch } from "../kinds/kind.js";
import type { SpecDocument } from "../refusal/spec-rules.js";

type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => v !== null && typeof v === "object" && !Array.isArray(v);
const deref = (doc: SpecDocument, node: unknown): Node => {
  const target = followRefs(doc, node);
  return isObject(target) ? target : {};
};

/** The spec's operation object (its `$ref`s followed): what the acceptance cases read their facts from. */
export function specOperation(doc: SpecDocument): Node {
  const item = deref(doc, (isObject(doc.paths) ? doc.paths : {})[OPERATION.path]);
  return deref(doc, item[OPERATION.method.toLowerCase()]);
}

/** The media types the spec's request body is described in (`application/json`), lower case. */
export function requestMediaTypes(doc: SpecDocument): string[] {
  const content = deref(doc, specOperation(doc).requestBody).content;
  return isObject(content) ? Object.keys(content).map((t) => t.toLowerCase()) : [];
}

/** Each documented status (`200`, `400`) with its JSON answer examples by name, `$ref`s followed. */
function answerExamples(doc: SpecDocument): { status: number; examples: [string, Node][] }[] {
  const operation = specOperation(doc);
  const out: { status: number; examples: [string, Node][] }[] = [];
  for (const [status, response] of Object.entries(isObject(operation.responses) ? operation.responses : {})) {
    if (!/^[0-9]{3}$/.test(status)) continue;
    const content = deref(doc, response).content;
    const examples = isObject(content) ? deref(doc, content["application/json"]).examples : undefined;
    out.push({ status: Number(status), examples: Object.entries(isObject(examples) ? examples : {}).map(([name, e]) => [name, deref(doc, e)]) });
  }
  return out;
}

/** Each documented status with the codes its examples document (`200` → 000_000; `400` → 002_001 …). */
export function documentedOutcomes(doc: SpecDocument): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const { status, examples } of answerExamples(doc)) {
    const codes = new Set<string>();
    for (const [, e] of examples) {
      // A placeholder answer (the two codeless test cases) documents no code.
      if (e["x-konaplate-code-documented"] === false) continue;
      const code = isObject(e.value) && isObject(e.value.response) ? e.value.response.code : undefined;
      if (typeof code === "string") codes.add(code);
    }
    out.set(status, codes);
  }
  return out;
}

/** A documented outcome without a documented code (`non-participant`), and the request its example sends. */
export interface CodelessOutcome {
  /** The example's name, the same for its request and its answer. */
  example: string;
  status: number;
  /** The example's summary: the page's title of the case. */
  summary: string;
  body: Readonly<Record<string, unknown>>;
}

/**
 * The outcomes the spec documents without a code (its answer examples marked
 * `x-konaplate-code-documented: false`), each with the body of the request example of the same name.
 */
export function codelessOutcomes(doc: SpecDocument): CodelessOutcome[] {
  const requestContent = deref(doc, specOperation(doc).requestBody).content;
  const requests = isObject(requestContent) ? deref(doc, requestContent["application/json"]).examples : undefined;
  const out: CodelessOutcome[] = [];
  for (const { status, examples } of answerExamples(doc)) {
    for (const [name, e] of examples) {
      const request = isObject(requests) ? deref(doc, requests[name]).value : undefined;
      if (e["x-konaplate-code-documented"] !== false || !isObject(request)) continue;
      out.push({ example: name, status, summary: typeof e.summary === "string" ? e.summary : name, body: request });
    }
  }
  return out;
}

/**
 * The codeless outcome a body may meet: the first whose example sends, in some field, a value that
 * the base body does not and this body does (bank 261, the kit's choice of a non-participating
 * institution). Its answer carries a code no source gives, so an undocumented code to such a body
 * may be that outcome.
 */
export function codelessOutcomeFor(codeless: readonly CodelessOutcome[], base: Readonly<Record<string, unknown>>, body: Readonly<Record<string, unknown>>): CodelessMatch | undefined {
  for (const { example, status, summary, body: sent } of codeless) {
    for (const [field, value] of Object.entries(sent)) {
      if (same(value, body[field]) && !same(value, base[field])) return { example, status, summary, field };
    }
  }
  return undefined;
}

const isInteger = (v: unknown): v is number | bigint => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
/** Equal values; an integer held as a number equals the same integer held as a bigint. */
const same = (a: unknown, b: unknown) => a === b || (isInteger(a) && isInteger(b) && BigInt(a) === BigInt(b));

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
