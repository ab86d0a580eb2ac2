// What a request must obey, read from an OpenAPI document: every request header with its rules,
// every body field with its rules, and the codes the spec names for a broken rule. Refusal cases are
// derived from this, never from a hand list: a rule added to the spec adds its case.
import { OPERATION } from "../../generated/contract.js";
import { followRefs } from "../../src/json-pointer.js";
import { specDocument, type SpecDocument } from "../../src/spec-document.js";

export type Schema = Record<string, unknown>;
export type { SpecDocument };

/** Keywords that describe or structure a schema but are no rule a value can break. */
const NOT_RULES = new Set([
  "$ref", "$id", "$schema", "$comment", "$defs", "title", "description", "example", "examples", "default",
  "deprecated", "readOnly", "writeOnly", "discriminator", "xml", "externalDocs", "properties", "required",
  "allOf", "oneOf", "anyOf", "not", "if", "then", "else", "contentMediaType", "contentEncoding",
]);

/** Where a rule comes from (`x-konaplate-source`); "kit" is the kit's own knowledge, in no source and no schema. */
export type RuleSource = "seed" | "guideline" | "sandbox" | "inferred" | "choice" | "kit";

/**
 * Sources that are the kit's reading rather than the platform's word: a case made from such a rule
 * is a warning (unless the run is --strict); rules from the seed page, the guideline or the public
 * sandbox are errors.
 */
export const KIT_READING: ReadonlySet<RuleSource> = new Set<RuleSource>(["inferred", "choice", "kit"]);

/** A rule's source where the spec marks none: the spec's info says facts are the seed page's unless marked. */
const DEFAULT_SOURCE: RuleSource = "seed";
const SOURCES = new Set<string>(["seed", "guideline", "sandbox", "inferred", "choice"]);

export interface ValueRules {
  /** The schema with refs and allOf merged (for candidate values and the document judge). */
  schema: Schema;
  /** Breakable keywords present, in the order the schema states them (e.g. type, minLength, pattern). */
  rules: string[];
  /**
   * Each rule's source: `x-konaplate-rule-sources` of the schema names single keywords, else the
   * schema's `x-konaplate-source`, else its parameter's, else the seed page. `required` is the
   * header's or field's own rule.
   */
  sources: Record<string, RuleSource>;
}

export interface HeaderRules extends ValueRules {
  name: string;
  required: boolean;
  /** The spec's example: the base of a broken value when the header is not sent by default. */
  example?: string;
  /** The values the schema lists as `examples` (e.g. the zones the page names). */
  examples: string[];
}

export interface FieldRules extends ValueRules {
  field: string;
  required: boolean;
}

/** The body's encrypted form (`{"encData": "<JWE>"}`): what the refuse:crypto:* cases break. */
export interface EncryptionRules {
  /** The encrypted form's source (its schema's `x-konaplate-source`): the algorithms, the recipient key, the integrity. */
  source: RuleSource;
  /** `x-konaplate-encryption`: the key wrap and content encryption the platform uses. */
  keyManagement: string;
  contentEncryption: string;
  /** encData's own rules (`pattern`: a JWE compact serialization), each with its source. */
  encData: ValueRules;
}

export interface SpecRules {
  headers: HeaderRules[];
  /** Rules of the body as a whole (e.g. `type: object`). */
  body: ValueRules;
  fields: FieldRules[];
  /** `<field>:<rule>` → the result code the spec names for it (from `x-konaplate-violates` examples). */
  codes: Map<string, string>;
  /** The encrypted form of the body; undefined when the spec has none. */
  encryption?: EncryptionRules;
}

const isObject = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);

function deref(doc: SpecDocument, node: unknown): Schema {
  const target = followRefs(doc, node);
  return isObject(target) ? target : {};
}

/** Every local $ref replaced by its target (the spec has no recursive schema), allOf merged in. */
export function flatten(doc: SpecDocument, node: unknown): Schema {
  const inline = (n: unknown, depth: number): unknown => {
    if (depth > 32) throw new Error("schema nests too deep (recursive $ref?)");
    if (Array.isArray(n)) return n.map((x) => inline(x, depth + 1));
    if (!isObject(n)) return n;
    const base = typeof n.$ref === "string" ? { ...deref(doc, n), ...Object.fromEntries(Object.entries(n).filter(([k]) => k !== "$ref")) } : n;
    return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, inline(v, depth + 1)]));
  };
  const schema = inline(node, 0) as Schema;
  if (!Array.isArray(schema.allOf)) return schema;
  const merged: Schema = { ...schema };
  delete merged.allOf;
  for (const part of schema.allOf as Schema[]) {
    const flat = flatten(doc, part);
    for (const [k, v] of Object.entries(flat)) {
      if (k === "properties" && isObject(merged.properties) && isObject(v)) merged.properties = { ...merged.properties, ...v };
      else if (k === "required" && Array.isArray(merged.required) && Array.isArray(v)) merged.required = [...new Set([...merged.required, ...v])];
      else if (!(k in merged)) merged[k] = v;
    }
  }
  return merged;
}

function rulesOf(schema: Schema): string[] {
  return Object.keys(schema).filter((k) => !NOT_RULES.has(k) && !k.startsWith("x-"));
}

function sourceMark(node: Schema, where: string): RuleSource | undefined {
  const mark = node["x-konaplate-source"];
  if (mark === undefined) return undefined;
  if (typeof mark !== "string" || !SOURCES.has(mark)) throw new Error(`${where}: x-konaplate-source must be one of ${[...SOURCES].join(", ")}, got ${String(mark)}`);
  return mark as RuleSource;
}

/** The source of each rule (and of `required`) of a schema, read from the spec's marks. */
function sourcesOf(schema: Schema, rules: readonly string[], where: string, outer?: RuleSource): Record<string, RuleSource> {
  const fallback = sourceMark(schema, where) ?? outer ?? DEFAULT_SOURCE;
  const perRule = isObject(schema["x-konaplate-rule-sources"]) ? schema["x-konaplate-rule-sources"] : {};
  const out: Record<string, RuleSource> = { required: outer ?? DEFAULT_SOURCE };
  for (const [rule, mark] of Object.entries(perRule)) {
    if (typeof mark !== "string" || !SOURCES.has(mark)) throw new Error(`${where}: x-konaplate-rule-sources.${rule} must be one of ${[...SOURCES].join(", ")}, got ${String(mark)}`);
    if (!rules.includes(rule)) throw new Error(`${where}: x-konaplate-rule-sources names ${rule}, which is no rule of the schema`);
  }
  for (const rule of rules) out[rule] = (perRule[rule] as RuleSource | undefined) ?? fallback;
  return out;
}

function operationOf(doc: SpecDocument): Schema {
  const paths = isObject(doc.paths) ? doc.paths : {};
  const item = deref(doc, paths[OPERATION.path]);
  const operation = item[OPERATION.method.toLowerCase()];
  if (!isObject(operation)) throw new Error(`the spec has no ${OPERATION.method} ${OPERATION.path}`);
  return operation;
}

/** The first object schema among a body's alternatives (oneOf/anyOf/if-then-else) that `is` picks. */
function bodyForm(doc: SpecDocument, node: unknown, is: (schema: Schema, properties: Schema) => boolean, depth = 0): Schema | undefined {
  if (depth > 8) return undefined;
  const schema = deref(doc, node);
  if (isObject(schema.properties) && is(schema, schema.properties)) return schema;
  for (const key of ["oneOf", "anyOf", "then", "else"]) {
    const alternatives = schema[key];
    for (const alternative of Array.isArray(alternatives) ? alternatives : alternatives === undefined ? [] : [alternatives]) {
      const found = bodyForm(doc, alternative, is, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The plain (unencrypted) form of the request body: the object schema that is not the `{"encData"}` wrapper. */
const plainBodySchema = (doc: SpecDocument, node: unknown) => bodyForm(doc, node, (_, properties) => !("encData" in properties));

/** The encrypted form: the `{"encData"}` schema that says how it is encrypted (`x-konaplate-encryption`). */
const encryptedBodySchema = (doc: SpecDocument, node: unknown) => bodyForm(doc, node, (schema, properties) => "encData" in properties && isObject(schema["x-konaplate-encryption"]));

function readEncryptionRules(doc: SpecDocument, node: unknown): EncryptionRules | undefined {
  const schema = encryptedBodySchema(doc, node);
  if (!schema) return undefined;
  const where = "the encrypted request body";
  const algorithms = schema["x-konaplate-encryption"] as Schema;
  const name = (key: string) => {
    const v = algorithms[key];
    if (typeof v !== "string") throw new Error(`${where}: x-konaplate-encryption.${key} must be an algorithm name`);
    return v;
  };
  const source = sourceMark(schema, where) ?? DEFAULT_SOURCE;
  const encDataSchema = flatten(doc, (schema.properties as Schema).encData);
  const rules = rulesOf(encDataSchema);
  return {
    source,
    keyManagement: name("keyManagement"),
    contentEncryption: name("contentEncryption"),
    encData: { schema: encDataSchema, rules, sources: sourcesOf(encDataSchema, rules, "field encData", source) },
  };
}

/** Reads every rule of the operation's request from a spec document (a parsed copy of openapi.yaml). */
export function readSpecRules(doc: SpecDocument): SpecRules {
  const operation = operationOf(doc);
  const headers: HeaderRules[] = [];
  for (const p of Array.isArray(operation.parameters) ? operation.parameters : []) {
    const param = deref(doc, p);
    if (param.in !== "header" || typeof param.name !== "string") continue;
    const schema = flatten(doc, param.schema ?? {});
    const example = typeof param.example === "string" ? param.example : typeof schema.example === "string" ? schema.example : undefined;
    // A header is always a string on the wire: its type is not a rule a request can break.
    const rules = rulesOf(schema).filter((r) => r !== "type");
    const sources = sourcesOf(schema, rules, `header ${param.name}`, sourceMark(param, `header ${param.name}`));
    const examples = Array.isArray(schema.examples) ? schema.examples.filter((e): e is string => typeof e === "string") : [];
    headers.push({ name: param.name, required: param.required === true, schema, rules, sources, examples, ...(example === undefined ? {} : { example }) });
  }

  const requestBody = deref(doc, operation.requestBody);
  const media = isObject(requestBody.content) ? deref(doc, requestBody.content["application/json"]) : {};
  const plain = plainBodySchema(doc, media.schema);
  if (!plain) throw new Error("the spec's request body has no plain object schema");
  const bodySchema = flatten(doc, plain);
  const required = new Set(Array.isArray(bodySchema.required) ? (bodySchema.required as string[]) : []);
  const fields = Object.entries(isObject(bodySchema.properties) ? bodySchema.properties : {}).map(([field, s]): FieldRules => {
    const schema = flatten(doc, s);
    const rules = rulesOf(schema);
    return { field, required: required.has(field), schema, rules, sources: sourcesOf(schema, rules, `field ${field}`) };
  });

  const codes = new Map<string, string>();
  const requestExamples = isObject(media.examples) ? media.examples : {};
  const responses = isObject(operation.responses) ? operation.responses : {};
  for (const [name, example] of Object.entries(requestExamples)) {
    const violates = isObject(example) ? example["x-konaplate-violates"] : undefined;
    if (!isObject(violates) || typeof violates.field !== "string" || typeof violates.rule !== "string") continue;
    for (const response of Object.values(responses)) {
      const content = deref(doc, response).content;
      const answer = isObject(content) ? deref(doc, content["application/json"]).examples : undefined;
      const value = isObject(answer) && isObject(answer[name]) ? (answer[name] as Schema).value : undefined;
      const code = isObject(value) && isObject(value.response) ? value.response.code : undefined;
      if (typeof code === "string") codes.set(`${violates.field}:${violates.rule}`, code);
    }
  }
  const bodyRules = bodySchema.type === undefined ? [] : ["type"];
  const encryption = readEncryptionRules(doc, media.schema);
  return { headers, body: { schema: { type: bodySchema.type }, rules: bodyRules, sources: sourcesOf({}, bodyRules, "request body") }, fields, codes, ...(encryption ? { encryption } : {}) };
}

/** The kit's own spec (generated/openapi.json, the exact copy of spec/openapi.yaml), numbers lossless. */
export const kitSpecDocument = specDocument;
