// The acceptance cases: requests a server must accept, derived from the spec's rules (never a hand
// list). Each is the base request (the `success` case after --cases overrides) with one field or
// header changed to one valid value, signed over the exact bytes; `--fuzz N` adds N random valid
// bodies. A valid request must get a documented outcome; which answers are documented is the spec's.
import { personalMask } from "../../common/personal-masks.js";
import { stringifyJson } from "../../src/json.js";
import { signedHeaders, SUPPORTED_TIME_ZONES } from "../../src/signing.js";
import type { JsonForm } from "../json-forms.js";
import type { AcceptanceFacts, ConformanceCase, Varies } from "../kinds/kind.js";
import type { DeriveOptions, NotDerived } from "../refusal/catalog.js";
import { baseHeaders, editHeaders, findHeader, lowerCaseNames, type RequestPlan } from "../request-plans.js";
import { documentJudge, kitJudge } from "../refusal/rule-judge.js";
import { KIT_READING, kitSpecDocument, readSpecRules, type RuleSource } from "../refusal/spec-rules.js";
import { fuzzBodies } from "./fuzz.js";
import { fuzzBodyShape } from "./fuzz-shapes.js";
import { codelessOutcomeFor, codelessOutcomes, codesForKeptRules, documentedOutcomes, requestMediaTypes } from "./outcomes.js";
import { letterCaseValues, validValues } from "./valid-values.js";

export interface AcceptanceCase extends ConformanceCase {
  kind: "acceptance";
  acceptance: AcceptanceFacts;
  /** Where the rule the value stands on comes from (the spec's marks). */
  source: RuleSource;
  /** A value at the edge of a rule of the kit's reading (inferred, choice): a refusal is a warning, never a failure. */
  warningOnly: boolean;
  /** The base request with one body field (`body`) or one header (`header`, edited when signed) changed, written in another zone (`zone`), labelled with another spelling of its media type (`content-type`), or sent with every header's name in small letters (`lower-case-names`). */
  plan: Extract<RequestPlan, { kind: "body" } | { kind: "header" } | { kind: "zone" } | { kind: "content-type" } | { kind: "lower-case-names" }>;
  baseBody: Record<string, unknown>;
  overrideHeaders: Record<string, string>;
}

export interface AcceptanceCatalog {
  cases: AcceptanceCase[];
  /** Rules (and values) that make no case, and why: the README's second table. */
  notDerived: NotDerived[];
}

/** What the refusal cases are derived from, and --fuzz's count and seed. */
export interface AcceptanceOptions extends DeriveOptions {
  fuzz?: { count: number; seed: number };
}

/**
 * The headers the kit's signing writes, and why none takes another value: a credential or a value
 * computed for the request. The correlation id is the kit's own per-request choice, so any value of
 * its pattern is valid: it gets cases. The zone is the signing's setting: each zone the spec lists
 * (and the kit can write the time in) gets a case, the request time written in that zone.
 */
const SIGNED_BY_THE_KIT: Readonly<Record<string, string>> = {
  "x-km-user-aspid": "the provider's AspId (KONAPLATE_ASP_ID): no other value is valid",
  "x-km-access-key": "the project's access key (KONAPLATE_ACCESS_KEY): no other value is valid",
  "x-km-tran-token": "computed over the body sent: no other value is valid",
  "x-km-tran-time": "the request time: another value breaks the time the token carries, or the server's clock",
  "x-km-time-zone": "names the zone X-KM-Tran-Time is written in: only the zones the spec lists (examples) are known valid, and each has a case",
  "x-km-crypto-key-id": "names the key of an encrypted body: sent in encrypted mode only, with KONAPLATE_CRYPTO_KEY_ID (its one valid length, 32)",
};
const FREE_HEADERS = new Set(["x-km-correlation-id"]);
/** The other JSON spellings of the base body, in words. */
const JSON_FORMS: readonly (readonly [JsonForm, string])[] = [
  ["spaced", "pretty-printed, a line for each member (as JSON.stringify(v, null, 2) writes it), its members in reverse order"],
  ["escaped", "with every character outside ASCII as a \\uXXXX escape, Hangul included (as Python's json.dumps writes it)"],
];
/**
 * The `field` of a case that changes the whole request's form rather than one field or header:
 * the body's JSON text, every header's name.
 */
export const WHOLE_REQUEST_FIELDS = {
  body: { field: "json", words: "the body's JSON text" },
  header: { field: "names", words: "every header's name" },
} as const;
/** The header that names the zone the signing writes the request time in (credentials.timeZone). */
const ZONE_HEADER = "x-km-time-zone";

/** How a report may show a value: personal values masked, long runs of the mask shortened. */
function shownValue(field: string, value: unknown): string {
  const text = typeof value === "string" ? value : stringifyJson(value);
  const mask = personalMask(field);
  return (mask ? mask(text) : text).replace(/\*{8,}/g, "*…*");
}

/** The embedded mock's Prism reads JSON numbers as doubles: a bigint past 2^53-1 reads as its nearest double there. */
function doubleNote(values: readonly [string, unknown][]): string | undefined {
  const big = values.filter(([, v]) => typeof v === "bigint" && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)));
  if (!big.length) return undefined;
  const said = big.map(([field, v]) => (BigInt(Number(v)) === v ? `${field} ${String(v)}` : `${field} ${String(v)} reads as ${BigInt(Number(v))}`)).join(", ");
  return `the embedded Prism mock reads JSON numbers as doubles, exact only up to 2^53 (${said}): the kit's exact validator in front of it judged the digits sent`;
}

const newlyBroken = (judged: readonly string[], base: ReadonlySet<string>) => [...new Set(judged)].filter((b) => !base.has(b));

export function deriveAcceptanceCases(options: AcceptanceOptions): AcceptanceCatalog {
  const doc = options.doc ?? kitSpecDocument();
  const judge = options.judge ?? (options.doc ? documentJudge(doc) : kitJudge);
  const rules = readSpecRules(doc);
  const outcomes = documentedOutcomes(doc);
  const codeless = codelessOutcomes(doc);
  const baseBody = options.baseBody;
  const overrideHeaders = options.overrideHeaders ?? {};
  const cases: AcceptanceCase[] = [];
  const notDerived: NotDerived[] = [];

  // Cases whose bodies break the same rules (nearly all: none) share one map (--fuzz makes thousands).
  const ruleCodesByBreaks = new Map<string, ReadonlyMap<string, string>>();
  const ruleCodesFor = (body: Record<string, unknown>) => {
    const broken = judge.body(body);
    const key = broken.join("\u0000");
    let codes = ruleCodesByBreaks.get(key);
    if (!codes) ruleCodesByBreaks.set(key, (codes = codesForKeptRules(rules.codes, broken)));
    return codes;
  };
  const make = (id: string, varies: Varies, description: string, source: RuleSource, plan: AcceptanceCase["plan"], body: Record<string, unknown>, mockNote?: string, title = description): AcceptanceCase => {
    const warningOnly = KIT_READING.has(source);
    const meets = codelessOutcomeFor(codeless, baseBody, body);
    const acceptance: AcceptanceFacts = { varies, description, outcomes, ruleCodes: ruleCodesFor(body), ...(mockNote ? { mockNote } : {}), ...(meets ? { codeless: meets } : {}) };
    return {
      kind: "acceptance",
      id,
      title: warningOnly ? `${title} (the edge of a rule of the kit's reading, ${source}: warning only)` : title,
      // Accepted: a documented outcome of either status passes (the checks read `acceptance.outcomes`).
      expected: { status: 200, code: null },
      acceptance,
      source,
      warningOnly,
      plan,
      baseBody,
      overrideHeaders,
    };
  };

  // Headers: judged on a sample signed like the real request (same credentials and body).
  const context = { credentials: options.credentials, ...(options.encrypted ? { encryption: { cryptoKeyId: "0".repeat(32), serverPublicKey: "" } } : {}) };
  const sample = baseHeaders(context, stringifyJson(baseBody), overrideHeaders, new Date());
  const baseHeaderBreaks = new Set(judge.headers(sample));
  const written = new Set(Object.keys(signedHeaders({ ...options.credentials, cryptoKeyId: "0".repeat(32) }, "{}")).map((k) => k.toLowerCase()));
  for (const h of rules.headers) {
    const key = h.name.toLowerCase();
    if (key === ZONE_HEADER) {
      for (const zone of h.examples.filter((z) => z !== options.credentials.timeZone)) {
        if (!SUPPORTED_TIME_ZONES.includes(zone)) {
          notDerived.push({ target: h.name, rule: zone, why: `a zone the spec lists, but the kit knows no offset for it to write the request time in (it knows ${SUPPORTED_TIME_ZONES.join(", ")})` });
          continue;
        }
        const varies: Varies = { in: "header", field: h.name, what: zone, rule: "examples" };
        const description = `${h.name} ${zone}: every time header written in ${zone}, a zone the spec lists`;
        cases.push(make(`accept:header:${h.name}:${zone}`, varies, description, h.sources.required ?? "seed", { kind: "zone", zone }, baseBody));
      }
    }
    if (written.has(key) && !FREE_HEADERS.has(key)) {
      notDerived.push({ target: h.name, rule: "value", why: SIGNED_BY_THE_KIT[key] ?? "written by the kit's signing: no other value is valid" });
      continue;
    }
    // A header not sent by default (an optional one) is sent at its valid values, built on the spec's example where one is needed.
    const sent = findHeader(sample, h.name);
    const current = sent === undefined ? h.example : sample[sent];
    const breaksWith = (value: string) => newlyBroken(judge.headers(editHeaders(sample, h.name, { op: "set", value })), baseHeaderBreaks);
    const extra = FREE_HEADERS.has(key) && current !== undefined ? letterCaseValues(current, (v) => breaksWith(v).length === 0) : [];
    const { values, omitted } = validValues(h.schema, h.rules, current, extra);
    if (!values.length && current === undefined) {
      notDerived.push({ target: h.name, rule: "value", why: "not sent by default, and neither its rules nor an example in the spec give a value to send" });
      continue;
    }
    for (const o of omitted) notDerived.push({ target: h.name, rule: o.rule, why: o.why });
    for (const v of values) {
      const edit = v.edit ?? { op: "set" as const, value: v.value };
      const broken = newlyBroken(judge.headers(editHeaders(sample, h.name, edit)), baseHeaderBreaks);
      if (broken.length) {
        notDerived.push({ target: h.name, rule: v.what, why: `the kit's ${v.what} value breaks ${broken.join(", ")}` });
        continue;
      }
      const varies: Varies = { in: "header", field: h.name, what: v.what, rule: v.rule };
      cases.push(make(`accept:header:${h.name}:${v.what}`, varies, `${h.name} ${v.phrase(shownValue(h.name, v.value))}`, h.sources[v.rule] ?? "seed", { kind: "header", header: h.name, edit }, baseBody));
    }
  }

  // Every header's name in small letters, as HTTP/2 writes them and a proxy in front of the server
  // passes them on: field names are case-insensitive (RFC 9110, 5.1), so the headers the spec names
  // are the same headers.
  if (rules.headers.length) {
    const broken = newlyBroken(judge.headers(lowerCaseNames(sample)), baseHeaderBreaks);
    if (broken.length) notDerived.push({ target: "header names", rule: "field-names", why: `the headers with small-letter names break ${broken.join(", ")}` });
    else {
      const varies: Varies = { in: "header", field: WHOLE_REQUEST_FIELDS.header.field, what: "lower-case", rule: "field-names" };
      const description = `every header's name in small letters (${rules.headers.slice(0, 3).map((h) => h.name.toLowerCase()).join(", ")}, ...), as HTTP/2 writes them and proxies pass them on: HTTP field names are case-insensitive`;
      cases.push(make(`accept:header:${WHOLE_REQUEST_FIELDS.header.field}:lower-case`, varies, description, "seed", { kind: "lower-case-names" }, baseBody));
    }
  }

  if (requestMediaTypes(doc).includes("application/json")) {
    // Content-Type: the spec's JSON media type with the charset parameter JSON always has (RFC 8259:
    // it "really has no effect on compliant recipients"), as many HTTP clients label every JSON body.
    // The kit's reading of the media-type rule: a refusal warns.
    const contentType = "application/json; charset=UTF-8";
    const varies: Varies = { in: "header", field: "Content-Type", what: "charset-utf-8", rule: "media-type" };
    cases.push(make("accept:header:Content-Type:charset-utf-8", varies, `Content-Type ${contentType}: the spec's media type with the charset JSON is always written in, as many HTTP clients send it`, "kit", { kind: "content-type", contentType }, baseBody));
    // The body's JSON text as other clients write the same value (Python's json.dumps, by default,
    // both ways): a server must read the JSON, and check the token over the bytes sent, not over its
    // own re-serialisation.
    for (const [form, words] of JSON_FORMS) {
      const varies: Varies = { in: "body", field: WHOLE_REQUEST_FIELDS.body.field, what: form, rule: "media-type" };
      cases.push(make(`accept:body:json:${form}`, varies, `the body's JSON text ${words}`, "seed", { kind: "body", body: baseBody, form }, baseBody));
    }
  }

  // Body: each field, one valid value at a time.
  const baseBodyBreaks = new Set(judge.body(baseBody));
  for (const f of rules.fields) {
    const { values, omitted } = validValues(f.schema, f.rules, baseBody[f.field]);
    for (const o of omitted) notDerived.push({ target: f.field, rule: o.rule, why: o.why });
    for (const v of values) {
      const body = { ...baseBody, [f.field]: v.value };
      const broken = newlyBroken(judge.body(body), baseBodyBreaks);
      if (broken.length) {
        notDerived.push({ target: f.field, rule: v.what, why: `the kit's ${v.what} value breaks ${broken.join(", ")}` });
        continue;
      }
      const varies: Varies = { in: "body", field: f.field, what: v.what, rule: v.rule };
      cases.push(make(`accept:body:${f.field}:${v.what}`, varies, `${f.field} ${v.phrase(shownValue(f.field, v.value))}`, f.sources[v.rule] ?? "seed", { kind: "body", body }, body, doubleNote([[f.field, v.value]])));
    }
  }

  // --fuzz: random valid bodies, every field drawn from its schema.
  const fuzz = options.fuzz;
  if (fuzz && fuzz.count > 0) {
    const bodies = fuzzBodies(rules.fields, baseBody, fuzz.count, fuzz.seed, (body) => judge.body(body).length === 0);
    bodies.forEach((body, i) => {
      const n = String(i + 1);
      const varies: Varies = { in: "body", field: "body", what: "fuzz", rule: "schema" };
      // The title says which draw it is; a finding also says what the body holds, value by value in
      // kind (every value is in the report's request body, masked).
      const title = `a random valid body (${n} of ${fuzz.count}, seed ${fuzz.seed})`;
      const description = `${title}: ${fuzzBodyShape(rules.fields, body)}`;
      cases.push(make(`accept:fuzz:${n}`, varies, description, "seed", { kind: "body", body }, body, doubleNote(Object.entries(body)), title));
    });
  }
  return { cases, notDerived };
}

/** The body a case sends (the base body for a header case). */
export const acceptanceBody = (kase: AcceptanceCase): Record<string, unknown> => (kase.plan.kind === "body" ? (kase.plan.body as Record<string, unknown>) : kase.baseBody);

