// One line per exchange, written from what the sandbox itself decided: time, status, the code it
// answered or the rule that broke, the correlation id (only when well formed) and, for a judged
// member, its masked form. Nothing the caller sent is printed as it came.
import { maskAccount, maskBirthDate, maskName } from "../common/personal-masks.js";
import type { Member } from "./outcomes.js";

export interface Exchange {
  at: Date;
  status: number;
  /** The code answered (outcomes) or undefined for a refusal. */
  code?: string | undefined;
  caseId?: string | undefined;
  /** The rule that broke, for a refusal. */
  rule?: string | undefined;
  correlationId?: string | undefined;
  encrypted?: boolean | undefined;
  member?: Partial<Member> | undefined;
  durationMs: number;
}

const text = (v: unknown) => (typeof v === "string" ? v : "?");

function maskedMember(m: Partial<Member>): string {
  return `${maskName(text(m.userName))} ${maskBirthDate(text(m.birthDate))} bank ${/^[0-9]{3}$/.test(text(m.bankCode)) ? m.bankCode : "?"} account ${maskAccount(text(m.bankAccount))}`;
}

export function logLine(e: Exchange): string {
  const verdict = e.rule ? `refused ${e.rule}` : `${e.code ?? "-"}${e.caseId ? ` (${e.caseId})` : ""}`;
  const parts = [e.at.toISOString(), String(e.status), verdict, `corr ${e.correlationId ?? "-"}`];
  if (e.encrypted) parts.push("encrypted");
  if (e.member) parts.push(maskedMember(e.member));
  parts.push(`${e.durationMs.toFixed(1)} ms`);
  return `${parts.join("  ")}\n`;
}
