// Validators compiled once from the spec document (JSON Schema 2020-12, the dialect of OpenAPI 3.1),
// shared by the client, the conformance suite, the sandbox and the mock.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { followRefs, pointerSegment, resolvePointer } from "./json-pointer.js";
import { OPERATION_POINTER as operationPointer, specDocument } from "./spec-document.js";

/** One broken rule: `path` names the field (`bankAccount`, `response.code`), `rule` the schema keyword. */
export interface Violation {
  path: string;
  rule: string;
  message: string;
}

type Schema = Record<string, unknown>;

/** Days of a month in the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The spec's own `format` names (JSON Schema leaves unknown formats to the validator). Each is
 * described where the spec uses it; validators other than the kit's (Prism) ignore them.
 */
export const SPEC_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  /**
   * A `yyyyMMdd` date names a day that exists: not 20250230, not year 0000. Only the calendar is
   * judged; the shape (8 digits, month 01–12, day 01–31) is the pattern's rule, so a value breaking
   * it is not reported twice.
   */
  "date-yyyymmdd": (value) => {
    const m = /^([0-9]{4})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/.exec(value);
    if (!m) return true;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return year >= 1 && day <= daysInMonth(year, month);
  },
};

const SPEC_ID = "https://konaplate.contract-kit/openapi.json";
/** Every number as written: AJV gets bounds past 2^53 rounded (see forAjvSchema), exactIntegerViolations the exact ones. */
const spec = specDocument() as Schema;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, unicodeRegExp: true });
addFormats(ajv);
for (const [name, validate] of Object.entries(SPEC_FORMATS)) ajv.addFormat(name, { type: "string", validate });
// OpenAPI's annotation keywords and this spec's x- extensions: known words, not typos.
ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs", ...collectExtensions(spec)]);
// Only components and paths hold schemas; refs into them are rebased under $defs (see forAjvSchema).
ajv.addSchema({ $id: SPEC_ID, $defs: forAjvSchema({ components: spec.components, paths: spec.paths }) });

function collectExtensions(node: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectExtensions(n, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) out.add(key);
      collectExtensions(value, out);
    }
  }
  return [...out];
}

// The spec never changes at run time, so each pointer is resolved once.
const resolved = new Map<string, Schema>();

/** The schema (or other object) at a pointer of the spec, its `$ref` followed. */
function resolve(pointer: string): Schema {
  let node = resolved.get(pointer);
  if (!node) {
    const found = followRefs(spec, resolvePointer(spec, pointer));
    if (!found || typeof found !== "object") throw new Error(`spec has nothing at ${pointer}`);
    resolved.set(pointer, (node = found as Schema));
  }
  return node;
}

interface Compiled {
  validate: ValidateFunction;
  pointer: string;
}
const cache = new Map<string, Compiled>();

/** A validator for the schema at a JSON pointer of the spec, compiled on first use only. */
function compiled(pointer: string): Compiled {
  let entry = cache.get(pointer);
  if (!entry) {
    const rebased = forAjvSchema(resolve(pointer));
    entry = { validate: ajv.compile(rebased), pointer };
    cache.set(pointer, entry);
  }
  return entry;
}

/**
 * A copy of a part of the spec as AJV reads it: its refs (`#/components/...`) pointed at its copy
 * under `$defs` of the added schema, and bigints as (rounded) numbers.
 */
function forAjvSchema(node: unknown): Schema {
  const walk = (n: unknown): unknown => {
    if (typeof n === "bigint") return Number(n);
    if (Array.isArray(n)) return n.map(walk);
    if (!n || typeof n !== "object") return n;
    return Object.fromEntries(
      Object.entries(n).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${SPEC_ID}#/$defs/${v.slice(2)}` : walk(v)]),
    );
  };
  return walk(node) as Schema;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;

function holdsBigint(value: unknown): boolean {
  if (typeof value === "bigint") return true;
  if (Array.isArray(value)) return value.some(holdsBigint);
  if (isPlainObject(value)) {
    for (const key in value) if (holdsBigint(value[key])) return true;
  }
  return false;
}

/** AJV sees bigints as numbers (rounded); exactIntegerViolations judges them exactly. */
function forAjv(value: unknown): unknown {
  // Most values (every envelope read, every header) hold none: they go to AJV as they are, uncopied.
  return holdsBigint(value) ? withNumbers(value) : value;
}

function withNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(withNumbers);
  if (isPlainObject(value)) {
    // A spread defines own properties (a "__proto__" key included), so the assignments below
    // replace own values and never reach a prototype setter.
    const copy = { ...value };
    for (const key in copy) if (holdsBigint(copy[key])) copy[key] = withNumbers(copy[key]);
    return copy;
  }
  return value;
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function toViolation(error: ErrorObject): Violation {
  const segments = error.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let path = segments.join(".");
  if (error.keyword === "required") path = joinPath(path, String(error.params.missingProperty));
  if (error.keyword === "additionalProperties") path = joinPath(path, String(error.params.additionalProperty));
  let detail = error.message ?? "is not valid";
  if (error.keyword === "enum") detail = `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`;
  if (error.keyword === "required") detail = "is required";
  if (error.keyword === "additionalProperties") detail = "is not allowed";
  return { path: path || "(body)", rule: error.keyword, message: `${path || "body"} ${detail}` };
}

/** The `then` or `else` that `value` takes under an `if: {required: [...]}` (the conditions that can hold integers). */
function conditionalBranch(schema: Schema, value: unknown): Schema | undefined {
  const condition = schema.if as Schema | undefined;
  if (!condition || !Array.isArray(condition.required)) return undefined;
  const required = condition.required as string[];
  const taken = value !== null && typeof value === "object" && !Array.isArray(value) && required.every((key) => key in value);
  return (taken ? schema.then : schema.else) as Schema | undefined;
}

const boundOf = (b: unknown) => (typeof b === "bigint" ? b : typeof b === "number" ? BigInt(b) : null);

// The spec never changes at run time: whether a schema can bound an integer anywhere below it, and
// the bounds themselves as bigints, are worked out once per schema node.
const integerBounds = new WeakMap<Schema, { min: bigint | null; max: bigint | null }>();
const boundsIntegers = new WeakMap<Schema, boolean>();

function exactBounds(schema: Schema): { min: bigint | null; max: bigint | null } {
  let bounds = integerBounds.get(schema);
  if (!bounds) integerBounds.set(schema, (bounds = { min: boundOf(schema.minimum), max: boundOf(schema.maximum) }));
  return bounds;
}

/** True when an integer bound can be met at or below `schema` (through refs, allOf, if/then/else, properties). */
function mayBoundIntegers(schema: Schema): boolean {
  const known = boundsIntegers.get(schema);
  if (known !== undefined) return known;
  // A ref cycle leads back here while this node is being judged: assume yes until it is known.
  boundsIntegers.set(schema, true);
  const children: unknown[] = [...((schema.allOf as unknown[] | undefined) ?? []), schema.then, schema.else];
  if (schema.properties && typeof schema.properties === "object") children.push(...Object.values(schema.properties));
  const answer =
    (schema.type === "integer" && (schema.minimum !== undefined || schema.maximum !== undefined)) ||
    (typeof schema.$ref === "string" && mayBoundIntegers(resolve(schema.$ref))) ||
    children.some((child) => child !== null && typeof child === "object" && mayBoundIntegers(child as Schema));
  boundsIntegers.set(schema, answer);
  return answer;
}

/** Integer bounds compared exactly, for values AJV could only see rounded. */
function exactIntegerViolations(schema: Schema, value: unknown, path: string): Violation[] {
  if (!mayBoundIntegers(schema)) return [];
  if (typeof schema.$ref === "string") return exactIntegerViolations(resolve(schema.$ref), value, path);
  const out: Violation[] = [];
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) out.push(...exactIntegerViolations(part, value, path));
  const branch = conditionalBranch(schema, value);
  if (branch) out.push(...exactIntegerViolations(branch, value, path));
  if (schema.type === "integer" && (typeof value === "bigint" || typeof value === "number") && Number.isInteger(Number(value))) {
    const exact = BigInt(value);
    const { min, max } = exactBounds(schema);
    const name = path || "value";
    if (min !== null && exact < min) out.push({ path: name, rule: "minimum", message: `${name} must be >= ${min}` });
    if (max !== null && exact > max) out.push({ path: name, rule: "maximum", message: `${name} must be <= ${max}` });
  }
  if (value && typeof value === "object" && schema.properties && typeof schema.properties === "object") {
    for (const [key, sub] of Object.entries(schema.properties as Record<string, Schema>)) {
      if (key in value) out.push(...exactIntegerViolations(sub, (value as Record<string, unknown>)[key], joinPath(path, key)));
    }
  }
  return out;
}

// AJV adds `must match "then"/"else" schema` to the broken rule of the branch it took: a summary
// of errors already listed, not a rule of its own, so one broken rule stays one violation.
const isBranchSummary = (error: ErrorObject) => error.keyword === "if";

function run(pointer: string, value: unknown): Violation[] {
  const { validate } = compiled(pointer);
  const found = validate(forAjv(value)) ? [] : (validate.errors ?? []).filter((e) => !isBranchSummary(e)).map(toViolation);
  // Two schemas that both state a rule (a type in an allOf part and in its base) broke once.
  const violations = found.filter((v, i) => found.findIndex((w) => w.path === v.path && w.rule === v.rule && w.message === v.message) === i);
  // Only where AJV found no fault of its own at that path: a rounded bound check there may be wrong.
  const exact = exactIntegerViolations(resolve(pointer), value, "");
  const seen = new Set(violations.map((v) => `${v.path}|${v.rule}`));
  return [...violations, ...exact.filter((v) => !seen.has(`${v.path}|${v.rule}`))];
}

export const schemaPointers = {
  requestBody: "#/components/schemas/VerifyAccountHolderRequest",
  /** The request body as it travels: plain, or `{"encData"}` when encrypted. */
  requestWireBody: `${operationPointer}/requestBody/content/application~1json/schema`,
  encryptedPayload: "#/components/schemas/EncryptedPayload",
  /** The wire schema of a documented status (plain envelope or encrypted payload). */
  responseBody: (status: number | string) => `${operationPointer}/responses/${status}/content/application~1json/schema`,
  /** The plain envelope of a documented status, once decrypted. */
  envelope: (status: number | string) => (String(status) === "200" ? "#/components/schemas/SuccessEnvelope" : "#/components/schemas/ErrorEnvelope"),
  requestHeader: (component: string) => `#/components/parameters/${component}/schema`,
};

/** The plain request body against `VerifyAccountHolderRequest`, every broken rule listed. */
export function validateRequestBody(body: unknown): Violation[] {
  return run(schemaPointers.requestBody, body);
}

/** A request body as it travels: `{"encData"}` judged as encrypted, anything else as plain. */
export function validateRequestWireBody(body: unknown): Violation[] {
  return run(schemaPointers.requestWireBody, body);
}

/** An X-KM-Correlation-Id of the spec's shape (the request's and the answer's share one schema). */
export function isWellFormedCorrelationId(value: string): boolean {
  return value.length <= 64 && run("#/components/schemas/CorrelationId", value).length === 0;
}

/** Statuses the operation documents. */
export function documentedStatuses(): string[] {
  return Object.keys(resolve(`${operationPointer}/responses`));
}

let documentedStatusSet: Set<string> | undefined;
/** Whether the operation documents this status (the list read once). */
export const isDocumentedStatus = (status: number): boolean => (documentedStatusSet ??= new Set(documentedStatuses())).has(String(status));

/** A response body against the schema of its status; null when the status is not documented. */
export function validateResponseBody(status: number, body: unknown): Violation[] | null {
  if (!isDocumentedStatus(status)) return null;
  return run(schemaPointers.responseBody(status), body);
}

/** A decrypted (plain) response body against the envelope of its status. */
export function validateEnvelope(status: number, body: unknown): Violation[] {
  return run(schemaPointers.envelope(status), body);
}

interface HeaderSchema {
  name: string;
  required: boolean;
  pointer: string;
}

// Per call of the client the answer's correlation id is judged: the header list is read once.
const headerSchemaCache = new Map<string, HeaderSchema[]>();

function headerSchemas(where: "request" | "response", status?: number): HeaderSchema[] {
  const key = `${where} ${status ?? ""}`;
  let found = headerSchemaCache.get(key);
  if (!found) headerSchemaCache.set(key, (found = readHeaderSchemas(where, status)));
  return found;
}

function readHeaderSchemas(where: "request" | "response", status?: number): HeaderSchema[] {
  if (where === "request") {
    const params = (resolve(operationPointer).parameters as Schema[]) ?? [];
    return params.map((p) => {
      const ref = String(p.$ref);
      const param = resolve(ref);
      return { name: String(param.name), required: param.required === true, pointer: `${ref}/schema` };
    });
  }
  const headers = resolve(`${operationPointer}/responses/${status}`).headers as Record<string, Schema> | undefined;
  return Object.entries(headers ?? {}).map(([name, h]) => {
    const ref = typeof h.$ref === "string" ? h.$ref : `${operationPointer}/responses/${status}/headers/${pointerSegment(name)}`;
    return { name, required: resolve(ref).required === true, pointer: `${ref}/schema` };
  });
}

function validateHeaderSet(specs: readonly HeaderSchema[], get: (name: string) => string | null | undefined): Violation[] {
  const out: Violation[] = [];
  for (const h of specs) {
    const value = get(h.name);
    if (value === null || value === undefined) {
      if (h.required) out.push({ path: h.name, rule: "required", message: `${h.name} is required` });
      continue;
    }
    for (const v of run(h.pointer, value)) out.push({ path: h.name, rule: v.rule, message: `${h.name} ${v.message.replace(/^value |^body /, "")}` });
  }
  return out;
}

function headerGetter(headers: Headers | Record<string, string | undefined>): (name: string) => string | null | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name);
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => lower.get(name.toLowerCase());
}

/** Request headers: presence of required ones, and each value's length and pattern. */
export function validateRequestHeaders(headers: Headers | Record<string, string | undefined>): Violation[] {
  return validateHeaderSet(headerSchemas("request"), headerGetter(headers));
}

/** Response headers of a documented status; an undocumented status has no header rules. */
export function validateResponseHeaders(status: number, headers: Headers | Record<string, string | undefined>): Violation[] {
  if (!isDocumentedStatus(status)) return [];
  return validateHeaderSet(headerSchemas("response", status), headerGetter(headers));
}
