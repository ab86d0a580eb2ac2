// What the sandbox answers a valid request, derived from the spec's paired examples: each documented
// case's request example names a test member (name, birth date, bank, account) and its response
// example is the answer that member gets. userId is not part of the member, so an integrator can send
// their own ids. Nothing here is a second table: change the spec's examples and the sandbox follows.
import { CASES, type CaseId } from "../generated/contract.js";
import { resolvePointer } from "../src/json-pointer.js";
import { OPERATION_POINTER, specDocument } from "../src/spec-document.js";

export interface Envelope {
  response: { code: string; description: string };
  [extra: string]: unknown;
}

export interface Outcome {
  /** The case whose examples this outcome comes from. */
  caseId: CaseId;
  status: number;
  /** The spec's response example for the case, sent as it is. */
  body: Envelope;
}

export interface Member {
  userName: string;
  birthDate: string;
  bankCode: string;
  bankAccount: string;
}

export interface MemberOutcome extends Outcome {
  member: Member;
}

type Json = Record<string, unknown>;

const operation = resolvePointer(specDocument(), OPERATION_POINTER) as Json;

/** The response example named `id`, with its status; undefined when the spec pairs none. */
function responseExample(id: string): { status: number; body: Envelope } | undefined {
  for (const [status, response] of Object.entries(operation.responses as Json)) {
    const examples = (((response as Json).content as Json | undefined)?.["application/json"] as Json | undefined)?.examples as Json | undefined;
    const example = examples?.[id] as Json | undefined;
    if (example && "value" in example) return { status: Number(status), body: example.value as Envelope };
  }
  return undefined;
}

function outcomeOf(caseId: CaseId): Outcome {
  const example = responseExample(caseId);
  if (!example) throw new Error(`spec: the case ${caseId} has no response example`);
  return { caseId, ...example };
}

const memberKey = (m: Member) => [m.userName, m.birthDate, m.bankCode, m.bankAccount].join("\u0000");

/**
 * The bankAccount-rule case: its request example breaks the bankAccount schema on purpose, so any
 * request whose only broken rules are bankAccount's gets this case's answer.
 */
const accountRuleCase = CASES.find((c) => c.violates?.field === "bankAccount");

/** Every member the spec's examples name, with the answer it gets, in the spec's case order. */
export const MEMBER_OUTCOMES: readonly MemberOutcome[] = (() => {
  const seen = new Set<string>();
  const out: MemberOutcome[] = [];
  for (const c of CASES) {
    if (c === accountRuleCase) continue;
    const { userName, birthDate, bankCode, bankAccount } = c.request.body;
    const member = { userName, birthDate, bankCode, bankAccount };
    // A member named twice (none today) keeps its first answer: the mapping must stay a function.
    if (seen.has(memberKey(member))) continue;
    seen.add(memberKey(member));
    out.push({ ...outcomeOf(c.id), member });
  }
  return out;
})();

/** The answer to a bankAccount that breaks the schema. */
export const ACCOUNT_RULE_OUTCOME: Outcome | undefined = accountRuleCase ? outcomeOf(accountRuleCase.id) : undefined;

/**
 * Any other valid member: the documented "account not found" case (the one whose request example
 * is a member no bank knows, and whose answer says so), so a wrong test member reads as one.
 */
export const NOT_FOUND_OUTCOME: Outcome = outcomeOf("002_007");

const byMember = new Map(MEMBER_OUTCOMES.map((o) => [memberKey(o.member), o]));

/** The answer for a valid plain body. */
export function outcomeFor(body: Member): Outcome {
  return byMember.get(memberKey(body)) ?? NOT_FOUND_OUTCOME;
}

/** The mapping as text lines, for --help and the README (test members are public spec examples). */
export function outcomeTable(): string[] {
  const rows = MEMBER_OUTCOMES.map((o) => [
    `${o.status} ${o.body.response.code}`,
    o.caseId,
    `${o.member.userName} ${o.member.birthDate} bank ${o.member.bankCode} account ${o.member.bankAccount}`,
  ]);
  if (ACCOUNT_RULE_OUTCOME) rows.push([`${ACCOUNT_RULE_OUTCOME.status} ${ACCOUNT_RULE_OUTCOME.body.response.code}`, ACCOUNT_RULE_OUTCOME.caseId, "any member whose bankAccount breaks the spec's rule (length, digits only)"]);
  rows.push([`${NOT_FOUND_OUTCOME.status} ${NOT_FOUND_OUTCOME.body.response.code}`, "(any other)", "any other valid member"]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  return rows.map((r) => `${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]}`);
}
