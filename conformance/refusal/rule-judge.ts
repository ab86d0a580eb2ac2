// Which rules a request breaks, as `<field or header>:<rule>` (e.g. `bankAccount:pattern`,
// `X-KM-Tran-Time:minLength`): the measure by which a refusal value is chosen to break only its rule.
// The kit's spec is judged by the kit's own validators (src/validation.ts, formats and exact integer
// bounds included); another document (a test's copy of the spec) by validators compiled from it
// with the same formats (SPEC_FORMATS).
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { SPEC_FORMATS, validateRequestBody, validateRequestHeaders, type Violation } from "../../src/validation.js";
import { readSpecRules, type Schema, type SpecDocument } from "./spec-rules.js";

export interface RuleJudge {
  body(body: unknown): string[];
  headers(headers: Record<string, string>): string[];
}

const key = (v: Violation) => `${v.path === "(body)" ? "body" : v.path}:${v.rule}`;

export const kitJudge: RuleJudge = {
  body: (body) => validateRequestBody(body).map(key),
  headers: (headers) => validateRequestHeaders(headers).map(key),
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Bigint bounds as numbers for AJV; exactBounds judges them exactly. */
function forAjv(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(forAjv);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forAjv(v)]));
  return value;
}

function exactBounds(schema: Schema, value: unknown): string[] | null {
  if (typeof value !== "bigint" && !(typeof value === "number" && Number.isInteger(value))) return null;
  const exact = BigInt(value);
  const big = (b: unknown) => (typeof b === "bigint" || (typeof b === "number" && Number.isInteger(b)) ? BigInt(b) : null);
  const out: string[] = [];
  const min = big(schema.minimum);
  const max = big(schema.maximum);
  if (min !== null && exact < min) out.push("minimum");
  if (max !== null && exact > max) out.push("maximum");
  return out;
}

/** Validators compiled from a spec document, with the kit's own formats; formats neither knows are not judged. */
export function documentJudge(doc: SpecDocument): RuleJudge {
  const rules = readSpecRules(doc);
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false, unicodeRegExp: true });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(SPEC_FORMATS)) ajv.addFormat(name, { type: "string", validate });
  const compile = (schema: Schema): ValidateFunction => ajv.compile(forAjv(schema) as Schema);
  const bodyValidator = compile({
    ...rules.body.schema,
    required: rules.fields.filter((f) => f.required).map((f) => f.field),
    properties: Object.fromEntries(rules.fields.map((f) => [f.field, f.schema])),
  });
  const headerValidators = rules.headers.map((h) => ({ ...h, validate: compile(h.schema) }));

  const errorsOf = (validate: ValidateFunction, value: unknown, name: (path: string) => string): string[] => {
    if (validate(forAjv(value))) return [];
    return (validate.errors ?? []).map((e) => {
      const path = e.instancePath.split("/").slice(1).join(".");
      const at = e.keyword === "required" ? String(e.params.missingProperty) : path;
      return `${name(at)}:${e.keyword}`;
    });
  };

  return {
    body(body) {
      const found = new Set(errorsOf(bodyValidator, body, (p) => p || "body"));
      // Integer bounds past 2^53 are compared exactly, whatever AJV saw in rounded numbers.
      if (body && typeof body === "object" && !Array.isArray(body)) {
        for (const f of rules.fields) {
          const exact = exactBounds(f.schema, (body as Record<string, unknown>)[f.field]);
          if (!exact) continue;
          found.delete(`${f.field}:minimum`);
          found.delete(`${f.field}:maximum`);
          for (const r of exact) found.add(`${f.field}:${r}`);
        }
      }
      return [...found];
    },
    headers(headers) {
      const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const out: string[] = [];
      for (const h of headerValidators) {
        const value = lower.get(h.name.toLowerCase());
        if (value === undefined) {
          if (h.required) out.push(`${h.name}:required`);
          continue;
        }
        out.push(...errorsOf(h.validate, value, () => h.name));
      }
      return out;
    },
  };
}
