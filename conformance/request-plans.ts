// Builds the request of a derived case (a refusal or an acceptance case): the base request (the
// `success` case after --cases overrides) signed exactly like the client signs, with one thing
// changed by the case's plan: broken for a refusal, another valid value for an acceptance case.
// Everything else stays valid and the token is computed over the exact bytes sent, unless the token
// is the thing broken.
import { encryptPayload } from "../src/encryption.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders, wallClock17, type Credentials } from "../src/signing.js";
import { jsonText, type JsonForm } from "./json-forms.js";
import { cryptoBody, KEY_ID_HEADER, type CryptoFault } from "./refusal/crypto.js";
import { applyEdit, type ValueEdit } from "./refusal/value-edits.js";

export type RequestPlan =
  /** One header left out or given a value that breaks one of its rules. */
  | { kind: "header"; header: string; edit: ValueEdit }
  /** Another plain body (a field left out or breaking a rule, or the same body in another JSON form), signed and sent as usual. */
  | { kind: "body"; body: unknown; form?: JsonForm }
  /** Raw bytes instead of a JSON body (not JSON, empty), signed as sent. */
  | { kind: "wire"; wire: string }
  | { kind: "content-type"; contentType: string }
  /** Every header's name in small letters, as HTTP/2 writes them (RFC 9110: field names are case-insensitive). */
  | { kind: "lower-case-names" }
  | { kind: "wrong-secret" }
  /** The token is computed over other bytes than those sent. */
  | { kind: "body-changed" }
  /** The token carries another time than X-KM-Tran-Time. */
  | { kind: "token-time"; shiftMs: number }
  /** A credential header with another value of the same shape. */
  | { kind: "credential"; header: string }
  /** Every time header (and the token's time) as if sent at another moment. */
  | { kind: "clock"; shiftMs: number }
  /** Every time header (and the token's time) written in another zone, X-KM-Time-Zone naming it. */
  | { kind: "zone"; zone: string }
  /** The body's encryption wrong in one way (crypto.ts); only in an encrypted run. */
  | { kind: "crypto"; fault: CryptoFault };

export interface PlannedRequestInput {
  plan: RequestPlan;
  /** The plain body of the base request. */
  baseBody: unknown;
  /** Headers added or replaced by the base request's --cases override. */
  overrideHeaders: Record<string, string>;
}

export interface SigningContext {
  credentials: Credentials;
  encryption?: { cryptoKeyId: string; serverPublicKey: string } | undefined;
}

export interface BuiltRequest {
  headers: Record<string, string>;
  wire: string;
  /** The plain body as meant (for masking and the report); the raw text for wire cases. */
  body: unknown;
  /** The encData string the body carries, when it carries one. */
  jwe?: string;
}

const TOKEN = /^(KMV1:)([0-9]{17})(:.*)$/s;

export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  return Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
}

export function setHeader(headers: Record<string, string>, name: string, value: string | undefined): void {
  const existing = findHeader(headers, name);
  if (existing !== undefined) delete headers[existing];
  if (value !== undefined) headers[existing ?? name] = value;
}

/** The same headers, every name in small letters (as HTTP/2 writes them). */
export function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Override headers replace signed ones whatever their letter case. */
export function mergeHeaders(base: Record<string, string>, overrides: Record<string, string>): Record<string, string> {
  const out = { ...base };
  for (const [name, value] of Object.entries(overrides)) setHeader(out, name, value);
  return out;
}

const get = (headers: Record<string, string>, name: string) => {
  const k = findHeader(headers, name);
  return k === undefined ? undefined : headers[k];
};

/**
 * After X-KM-Tran-Time was edited, the token's time follows it where it still can (14 digits), so
 * that only the header rule under test is broken, not also the token's agreement with the time.
 */
export function syncTokenTime(headers: Record<string, string>): void {
  const time = get(headers, "X-KM-Tran-Time");
  const token = get(headers, "X-KM-Tran-Token");
  if (time === undefined || token === undefined || !/^[0-9]{14}$/.test(time)) return;
  const m = TOKEN.exec(token);
  if (m && m[2]!.slice(0, 14) !== time) setHeader(headers, "X-KM-Tran-Token", `${m[1]}${time}${m[2]!.slice(14)}${m[3]}`);
}

/** The kit's own rule beyond the schema: the token's time is the request time. */
export function tokenTimeMismatch(headers: Record<string, string>): boolean {
  const time = get(headers, "X-KM-Tran-Time");
  const m = TOKEN.exec(get(headers, "X-KM-Tran-Token") ?? "");
  return time !== undefined && m !== null && m[2]!.slice(0, 14) !== time;
}

/** Another value of the same shape: every letter and digit moved one step within its class. */
export function otherOfSameShape(value: string): string {
  return Array.from(value)
    .map((ch) => {
      if (/[0-8]/.test(ch) || /[A-Ya-y]/.test(ch)) return String.fromCharCode(ch.charCodeAt(0) + 1);
      if (ch === "9") return "0";
      if (ch === "Z") return "A";
      if (ch === "z") return "a";
      return ch;
    })
    .join("");
}

/** Changes one digit of a text (the last one): a body that differs from the one sent. */
export function otherBody(wire: string): string {
  const i = wire.search(/[0-9](?=[^0-9]*$)/);
  if (i < 0) return `${wire} `;
  return wire.slice(0, i) + String((Number(wire[i]) + 1) % 10) + wire.slice(i + 1);
}

async function wireOf(plain: unknown, context: SigningContext, form?: JsonForm): Promise<{ wire: string; jwe?: string }> {
  const text = form ? jsonText(plain, form) : stringifyJson(plain);
  if (!context.encryption) return { wire: text };
  const jwe = await encryptPayload(text, context.encryption.serverPublicKey);
  return { wire: stringifyJson({ encData: jwe }), jwe };
}

/** A crypto case: its body as crypto.ts makes it, signed as sent, the key id header left out or changed where the case says. */
async function buildCryptoRequest(fault: CryptoFault, input: PlannedRequestInput, context: SigningContext): Promise<BuiltRequest> {
  if (!context.encryption) throw new Error("a refuse:crypto case needs encryption configured (the server's public key and the key id)");
  const { wire, jwe } = await cryptoBody(fault, stringifyJson(input.baseBody), context.encryption.serverPublicKey);
  const headers = baseHeaders(context, wire, input.overrideHeaders);
  if (fault.kind === "no-key-id") setHeader(headers, KEY_ID_HEADER, undefined);
  if (fault.kind === "unknown-key-id") setHeader(headers, KEY_ID_HEADER, otherOfSameShape(get(headers, KEY_ID_HEADER) ?? context.encryption.cryptoKeyId));
  return { headers, wire, body: input.baseBody, ...(jwe !== undefined ? { jwe } : {}) };
}

/**
 * What every request of the kit says besides the signed headers. A `User-Agent`, as RFC 9110 asks of
 * a user agent: a web application firewall in front of a staging server commonly refuses requests
 * without one (AWS WAF's core rule set, for one), and every real client sends one.
 */
export const KIT_HEADERS: Readonly<Record<string, string>> = { "Content-Type": "application/json", Accept: "application/json", "User-Agent": "konaplate-conformance" };

/** The headers of the base request for a given wire text, before any edit. */
export function baseHeaders(context: SigningContext, wire: string, overrideHeaders: Record<string, string>, instant = new Date(), secretKey = context.credentials.secretKey, signedOver = wire): Record<string, string> {
  const credentials = { ...context.credentials, secretKey, ...(context.encryption ? { cryptoKeyId: context.encryption.cryptoKeyId } : {}) };
  const signed = signedHeaders(credentials, signedOver, instant);
  return mergeHeaders({ ...KIT_HEADERS, ...signed }, overrideHeaders);
}

/** Applies a header edit as it would be sent: the real value (or the spec's example when not sent by default). */
export function editHeaders(headers: Record<string, string>, header: string, edit: ValueEdit, example?: string): Record<string, string> {
  const out = { ...headers };
  const current = get(out, header) ?? example ?? "";
  const next = applyEdit(edit, current);
  setHeader(out, header, next === undefined ? undefined : String(next));
  if (header.toLowerCase() === "x-km-tran-time") syncTokenTime(out);
  return out;
}

export async function buildPlannedRequest(input: PlannedRequestInput, context: SigningContext, example?: string): Promise<BuiltRequest> {
  const { plan } = input;
  const plain = plan.kind === "body" ? plan.body : input.baseBody;
  if (plan.kind === "wire") {
    return { headers: baseHeaders(context, plan.wire, input.overrideHeaders), wire: plan.wire, body: plan.wire };
  }
  if (plan.kind === "crypto") return buildCryptoRequest(plan.fault, input, context);
  const { wire, jwe } = await wireOf(plain, context, plan.kind === "body" ? plan.form : undefined);
  const sent = (headers: Record<string, string>): BuiltRequest => ({ headers, wire, body: plain, ...(jwe !== undefined ? { jwe } : {}) });
  const now = new Date();
  switch (plan.kind) {
    case "body":
      return sent(baseHeaders(context, wire, input.overrideHeaders));
    case "header":
      return sent(editHeaders(baseHeaders(context, wire, input.overrideHeaders, now), plan.header, plan.edit, example));
    case "content-type": {
      const headers = baseHeaders(context, wire, input.overrideHeaders);
      setHeader(headers, "Content-Type", plan.contentType);
      return sent(headers);
    }
    case "lower-case-names":
      return sent(lowerCaseNames(baseHeaders(context, wire, input.overrideHeaders)));
    case "wrong-secret":
      return sent(baseHeaders(context, wire, input.overrideHeaders, now, `${context.credentials.secretKey}-not-the-secret`));
    case "body-changed":
      return sent(baseHeaders(context, wire, input.overrideHeaders, now, context.credentials.secretKey, otherBody(wire)));
    case "token-time": {
      const headers = baseHeaders(context, wire, input.overrideHeaders, now);
      const token = get(headers, "X-KM-Tran-Token") ?? "";
      const shifted = wallClock17(new Date(now.getTime() + plan.shiftMs), context.credentials.timeZone);
      setHeader(headers, "X-KM-Tran-Token", token.replace(TOKEN, (_, head: string, _time: string, tail: string) => `${head}${shifted}${tail}`));
      return sent(headers);
    }
    case "credential": {
      const headers = baseHeaders(context, wire, input.overrideHeaders, now);
      setHeader(headers, plan.header, otherOfSameShape(get(headers, plan.header) ?? ""));
      return sent(headers);
    }
    case "clock":
      return sent(baseHeaders(context, wire, input.overrideHeaders, new Date(now.getTime() + plan.shiftMs)));
    case "zone":
      return sent(baseHeaders({ ...context, credentials: { ...context.credentials, timeZone: plan.zone } }, wire, input.overrideHeaders, now));
  }
}
