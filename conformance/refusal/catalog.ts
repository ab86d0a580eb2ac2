// The refusal cases: requests a server must refuse, derived from the spec's rules (never a hand
// list) plus the kit's own knowledge of authentication. Each breaks one rule and keeps every other
// byte valid; where no value can break a rule alone, the one breaking the fewest is chosen and the
// case lists every rule it breaks (`breaks`).
import { stringifyJson } from "../../src/json.js";
import type { ConformanceCase } from "../kinds/kind.js";
import type { Credentials } from "../../src/signing.js";
import { cryptoRefusals } from "./crypto.js";
import { documentJudge, kitJudge, type RuleJudge } from "./rule-judge.js";
import { baseHeaders, editHeaders, tokenTimeMismatch, type RequestPlan } from "../request-plans.js";
import { KIT_READING, kitSpecDocument, readSpecRules, type RuleSource, type SpecDocument, type ValueRules } from "./spec-rules.js";
import { applyEdit, candidateEdits, describeEdit, editsFor, type ValueEdit } from "./value-edits.js";

export type RefusalGroup = "header" | "body" | "auth" | "time" | "crypto";

export interface RefusalCase extends ConformanceCase {
  kind: "refusal";
  group: RefusalGroup;
  /** Every rule the request breaks, as `<field or header>:<rule>` (beyond what the base request breaks). */
  breaks: string[];
  /** A refusal is any 4xx; `code` is set where the spec names the code for this rule. */
  expected: { status: number; code: string | null };
  /** Where the broken rule comes from (the spec's marks; "kit" for the kit's own knowledge). */
  source: RuleSource;
  /** A rule of the kit's reading (inferred, choice, kit): acceptance is a warning, never a failure. */
  warningOnly: boolean;
  /** Why the embedded Prism mock cannot judge this case (it is then skipped); absent when it can. */
  mockCannotJudge?: string;
  plan: RequestPlan;
  /** For header edits of a header not sent by default: the spec's example to edit. */
  headerExample?: string;
  baseBody: Record<string, unknown>;
  overrideHeaders: Record<string, string>;
}

/** A rule for which no case is made, and why. */
export interface NotDerived {
  target: string;
  rule: string;
  why: string;
}

export interface RefusalCatalog {
  cases: RefusalCase[];
  notDerived: NotDerived[];
}

export interface DeriveOptions {
  /** A spec document (parsed, integers lossless); default: the kit's own spec. */
  doc?: SpecDocument;
  /** Default: the kit's validators for the kit's spec, validators compiled from `doc` otherwise. */
  judge?: RuleJudge;
  /** The base request's plain body: the `success` case after --cases overrides. */
  baseBody: Record<string, unknown>;
  overrideHeaders?: Record<string, string>;
  credentials: Credentials;
  /** The run encrypts: headers are judged with a key id, and the refuse:crypto:* cases are made. */
  encrypted?: boolean;
}

/** Request-time windows are not documented: an hour either way is far outside any sane window. */
export const CLOCK_SHIFT_MS = 60 * 60 * 1000;
const TOKEN_TIME_SHIFT_MS = 61 * 1000;

const MOCK_NO_HMAC = "the embedded Prism mock checks shapes, not the HMAC token: it cannot tell a wrong token from a right one";
const MOCK_NO_CREDENTIALS = "the embedded Prism mock holds no credentials: any value of a valid shape is as good as another";
const MOCK_NO_CLOCK = "the embedded Prism mock keeps no request-time window";
const MOCK_NO_DECRYPTION = "the embedded Prism mock cannot decrypt: it cannot tell a broken JWE or key id from a good one";

const ruleDetail = (schema: Record<string, unknown>, rule: string): string => {
  const v = schema[rule];
  if (v === undefined || rule === "type") return rule;
  const text = Array.isArray(v) ? `${v.length} values` : typeof v === "bigint" ? v.toString() : typeof v === "string" || typeof v === "number" ? String(v) : "";
  return text ? `${rule} ${text}` : rule;
};

const also = (breaks: string[], own: string) => {
  const rest = breaks.filter((b) => b !== own);
  return rest.length ? ` (also breaks ${rest.join(", ")}: no value breaks ${own} alone)` : "";
};

/** The edit that breaks `rule` with the fewest other rules; earlier edits win ties. */
function bestEdit(
  target: string,
  rule: string,
  edits: readonly ValueEdit[],
  brokenBy: (edit: ValueEdit) => string[],
): { edit: ValueEdit; breaks: string[] } | undefined {
  const own = `${target}:${rule}`;
  let best: { edit: ValueEdit; breaks: string[] } | undefined;
  for (const edit of editsFor(rule, edits)) {
    const breaks = brokenBy(edit);
    if (!breaks.includes(own)) continue;
    if (!best || breaks.length < best.breaks.length) best = { edit, breaks: [own, ...breaks.filter((b) => b !== own)] };
    if (best.breaks.length === 1) break;
  }
  return best;
}

/** JSON Schema's `type` is asked for on every field whatever else it breaks (the issue's wrong-type case). */
const ALWAYS_MADE = new Set(["type"]);

/**
 * The best edit for each rule of one value. A rule no value breaks without also breaking another
 * rule that has a case of its own makes no case: a server could refuse it for that other rule alone,
 * so it would prove nothing (e.g. a 19-character correlation id also breaks its pattern).
 */
function breakEach(
  target: string,
  rules: readonly string[],
  edits: readonly ValueEdit[],
  brokenBy: (edit: ValueEdit) => string[],
  notDerived: NotDerived[],
): { rule: string; found: { edit: ValueEdit; breaks: string[] } }[] {
  const found = rules.map((rule) => ({ rule, found: bestEdit(target, rule, edits, brokenBy) }));
  const alone = new Set(found.filter((f) => f.found?.breaks.length === 1).map((f) => `${target}:${f.rule}`));
  const out: { rule: string; found: { edit: ValueEdit; breaks: string[] } }[] = [];
  for (const f of found) {
    if (!f.found) {
      notDerived.push({ target, rule: f.rule, why: "no value breaks it (the validator may not know this rule)" });
      continue;
    }
    const implied = f.found.breaks.slice(1).find((b) => alone.has(b));
    if (implied && !ALWAYS_MADE.has(f.rule)) {
      notDerived.push({ target, rule: f.rule, why: `every value that breaks it also breaks ${implied}, which has its own case: a refusal could be for that rule alone` });
      continue;
    }
    out.push({ rule: f.rule, found: f.found });
  }
  return out;
}

/** Each edit judged once, however many rules of a value ask about it. */
function memoised(judge: (edit: ValueEdit) => string[]): (edit: ValueEdit) => string[] {
  const memo = new Map<ValueEdit, string[]>();
  return (edit) => {
    let hit = memo.get(edit);
    if (!hit) memo.set(edit, (hit = judge(edit)));
    return hit;
  };
}

function newlyBroken(judged: string[], base: ReadonlySet<string>): string[] {
  return [...new Set(judged)].filter((b) => !base.has(b));
}

export function deriveRefusalCases(options: DeriveOptions): RefusalCatalog {
  const doc = options.doc ?? kitSpecDocument();
  const judge = options.judge ?? (options.doc ? documentJudge(doc) : kitJudge);
  const rules = readSpecRules(doc);
  const overrideHeaders = options.overrideHeaders ?? {};
  const baseBody = options.baseBody;
  const cases: RefusalCase[] = [];
  const notDerived: NotDerived[] = [];
  // The documentation gives no refusal codes: a well-formed one is only hoped for, unless the spec names one.
  const common = { kind: "refusal" as const, codeHoped: true, baseBody, overrideHeaders };
  // A rule of the kit's reading makes a warning-only case, and its title says so.
  const sourced = (source: RuleSource, title: string) =>
    KIT_READING.has(source) ? { source, warningOnly: true, title: `${title} (${source === "kit" ? "the kit's own rule" : `an ${source} rule`}: warning only)` } : { source, warningOnly: false, title };
  const expectation = (code: string | null = null) => ({ status: 400, code });

  // Headers: judged on a sample signed like the real request (same credentials and body).
  const context = { credentials: options.credentials, ...(options.encrypted ? { encryption: { cryptoKeyId: "0".repeat(32), serverPublicKey: "" } } : {}) };
  const sample = baseHeaders(context, stringifyJson(baseBody), overrideHeaders, new Date());
  const baseHeaderBreaks = new Set(judge.headers(sample));
  const headerBreaks = (headers: Record<string, string>) => {
    const out = newlyBroken(judge.headers(headers), baseHeaderBreaks);
    if (tokenTimeMismatch(headers)) out.push("X-KM-Tran-Token:token-time");
    return out;
  };
  for (const h of rules.headers) {
    if (h.required) {
      cases.push({
        ...common,
        id: `refuse:header:${h.name}:missing`,
        ...sourced(h.sources.required!, `${h.name} left out (required)`),
        group: "header",
        breaks: headerBreaks(editHeaders(sample, h.name, { op: "remove" })),
        expected: expectation(),
        plan: { kind: "header", header: h.name, edit: { op: "remove" } },
      });
    }
    const current = Object.entries(sample).find(([k]) => k.toLowerCase() === h.name.toLowerCase())?.[1] ?? h.example;
    if (current === undefined) {
      for (const rule of h.rules) notDerived.push({ target: h.name, rule, why: "not sent by default and the spec gives no example value to break" });
      continue;
    }
    const edits = candidateEdits(current, h.schema);
    const brokenBy = memoised((edit) => headerBreaks(editHeaders(sample, h.name, edit, h.example)));
    for (const { rule, found } of breakEach(h.name, h.rules, edits, brokenBy, notDerived)) {
      cases.push({
        ...common,
        id: `refuse:header:${h.name}:${rule}`,
        ...sourced(h.sources[rule]!, `${h.name} breaks ${ruleDetail(h.schema, rule)}: ${describeEdit(found.edit)}${also(found.breaks, `${h.name}:${rule}`)}`),
        group: "header",
        breaks: found.breaks,
        expected: expectation(),
        plan: { kind: "header", header: h.name, edit: found.edit },
        ...(h.example !== undefined && !sample[h.name] ? { headerExample: h.example } : {}),
      });
    }
  }

  // Body: each field left out, then each of its rules broken alone where possible.
  const baseBodyBreaks = new Set(judge.body(baseBody));
  const bodyBreaks = (body: unknown) => newlyBroken(judge.body(body), baseBodyBreaks);
  const bodyCase = (id: string, title: string, source: RuleSource, body: unknown, breaks: string[], code: string | null): RefusalCase => ({
    ...common,
    id,
    ...sourced(source, title),
    group: "body",
    breaks,
    expected: expectation(code),
    ...(code !== null ? { codeSource: `the spec's code for ${breaks[0]}` } : {}),
    plan: { kind: "body", body },
  });
  const deriveValueRules = (target: string, valueRules: ValueRules, value: unknown, place: (v: unknown) => unknown, idFor: (rule: string) => string) => {
    const edits = candidateEdits(value, valueRules.schema);
    const brokenBy = memoised((edit) => bodyBreaks(place(applyEdit(edit, value))));
    for (const { rule, found } of breakEach(target, valueRules.rules, edits, brokenBy, notDerived)) {
      const broken = applyEdit(found.edit, value);
      const code = rules.codes.get(`${target}:${rule}`) ?? null;
      cases.push(bodyCase(idFor(rule), `${target} breaks ${ruleDetail(valueRules.schema, rule)}${also(found.breaks, `${target}:${rule}`)}`, valueRules.sources[rule]!, place(broken), found.breaks, code));
    }
  };
  deriveValueRules("body", rules.body, baseBody, (v) => v, (rule) => `refuse:body:${rule}`);
  for (const f of rules.fields) {
    const without = { ...baseBody };
    delete without[f.field];
    if (f.required) {
      cases.push(bodyCase(`refuse:body:${f.field}:missing`, `${f.field} left out (required)`, f.sources.required!, without, bodyBreaks(without), rules.codes.get(`${f.field}:required`) ?? null));
    }
    if (!(f.field in baseBody)) {
      for (const rule of f.rules) notDerived.push({ target: f.field, rule, why: "the base request does not send this field" });
      continue;
    }
    deriveValueRules(f.field, f, baseBody[f.field], (v) => ({ ...baseBody, [f.field]: v }), (rule) => `refuse:body:${f.field}:${rule}`);
  }
  // The body is required and JSON (the page's request parameters); its media type is the kit's own rule.
  const raw = (id: string, title: string, source: RuleSource, plan: RequestPlan, breaks: string[]): RefusalCase => ({ ...common, id, ...sourced(source, title), group: "body", breaks, expected: expectation(), plan });
  cases.push(raw("refuse:body:not-json", "body is not JSON", rules.body.sources.required!, { kind: "wire", wire: stringifyJson(baseBody).slice(0, -1) }, ["body:json"]));
  cases.push(raw("refuse:body:empty", "empty body (the body is required)", rules.body.sources.required!, { kind: "wire", wire: "" }, ["body:required"]));
  cases.push({ ...raw("refuse:content-type", "Content-Type text/plain instead of application/json", "kit", { kind: "content-type", contentType: "text/plain" }, ["Content-Type:application/json"]), group: "header" });

  // Authentication, in no schema: the token's rules are its header's (the guideline's), a
  // credential's its header's; a request-time window is stated nowhere (the kit's own rule).
  const headerSource = (name: string): RuleSource => rules.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.sources.required ?? "kit";
  const auth = (id: string, title: string, source: RuleSource, plan: RequestPlan, breaks: string, mock: string, group: RefusalGroup = "auth"): RefusalCase => ({
    ...common,
    id,
    ...sourced(source, title),
    group,
    breaks: [breaks],
    expected: expectation(),
    plan,
    mockCannotJudge: mock,
  });
  const token = headerSource("X-KM-Tran-Token");
  cases.push(auth("refuse:auth:wrong-secret", "X-KM-Tran-Token made with a wrong secret key", token, { kind: "wrong-secret" }, "X-KM-Tran-Token:hmac", MOCK_NO_HMAC));
  cases.push(auth("refuse:auth:body-changed", "X-KM-Tran-Token valid for another body (one digit changed after signing)", token, { kind: "body-changed" }, "X-KM-Tran-Token:hmac", MOCK_NO_HMAC));
  cases.push(auth("refuse:auth:token-time", "X-KM-Tran-Token carries another time than X-KM-Tran-Time (61 s later)", token, { kind: "token-time", shiftMs: TOKEN_TIME_SHIFT_MS }, "X-KM-Tran-Token:token-time", MOCK_NO_HMAC));
  cases.push(auth("refuse:auth:access-key", "X-KM-Access-Key of a valid shape, but not the project's", headerSource("X-KM-Access-Key"), { kind: "credential", header: "X-KM-Access-Key" }, "X-KM-Access-Key:credential", MOCK_NO_CREDENTIALS));
  cases.push(auth("refuse:auth:asp-id", "X-KM-User-AspId of a valid shape, but not the provider's", headerSource("X-KM-User-AspId"), { kind: "credential", header: "X-KM-User-AspId" }, "X-KM-User-AspId:credential", MOCK_NO_CREDENTIALS));
  cases.push(auth("refuse:time:hour-old", "X-KM-Tran-Time an hour old (undocumented window)", "kit", { kind: "clock", shiftMs: -CLOCK_SHIFT_MS }, "X-KM-Tran-Time:window", MOCK_NO_CLOCK, "time"));
  cases.push(auth("refuse:time:hour-ahead", "X-KM-Tran-Time an hour in the future (undocumented window)", "kit", { kind: "clock", shiftMs: CLOCK_SHIFT_MS }, "X-KM-Tran-Time:window", MOCK_NO_CLOCK, "time"));

  // Encryption, only when the run encrypts: it needs the server's public key and the key id.
  if (options.encrypted) {
    for (const c of cryptoRefusals(rules)) cases.push(auth(c.id, c.title, c.source, { kind: "crypto", fault: c.fault }, c.breaks, MOCK_NO_DECRYPTION, "crypto"));
  }
  // A documented code refuses a request only where the spec ties it to a rule of a field the request
  // breaks (002_001 to a bad account); any other documented outcome means it was processed.
  for (const c of cases) {
    const fields = new Set(c.breaks.map((b) => b.split(":")[0]));
    c.refusalCodes = [...new Set([...rules.codes].filter(([rule]) => fields.has(rule.split(":")[0])).map(([, code]) => code))];
  }
  return { cases, notDerived };
}

/** Cases per rule (`missing`, `pattern`, `wrong-secret`, ...), in first-seen order: the README's table. */
export function countByRule(cases: readonly RefusalCase[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const c of cases) {
    const rule = c.id.split(":").at(-1)!;
    const label = `${c.group}:${rule}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts];
}
