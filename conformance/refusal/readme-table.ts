// The README's table of refusal cases per rule, rendered from the derived cases so the count it
// states always follows from the spec (a test compares it with README.md).
import type { NotDerived, RefusalCase } from "./catalog.js";

/** `refuse:<group>:<target>:<rule>` → target; auth, time and whole-body ids have none. */
function targetOf(c: RefusalCase): string | null {
  const parts = c.id.split(":");
  return parts.length === 4 ? parts[2]! : null;
}

/** Whether a row's cases fail a run or only warn (rules of the kit's own reading), naming the exceptions. */
function verdictOf(row: { cases: RefusalCase[] }): string {
  const warning = row.cases.filter((c) => c.warningOnly);
  if (!warning.length) return "error";
  if (warning.length === row.cases.length) return `warning (${warning[0]!.source})`;
  return `error; warning for ${warning.map((c) => `${targetOf(c) ?? c.id} (${c.source})`).join(", ")}`;
}

export function refusalTable(cases: readonly RefusalCase[], total = "all refusal cases"): string {
  const rows = new Map<string, { cases: RefusalCase[]; ids: string[] }>();
  for (const c of cases) {
    const parts = c.id.split(":");
    const target = targetOf(c);
    const label = target === null ? `\`${c.id}\`` : `\`refuse:${parts[1]}:<${parts[1] === "header" ? "Header-Name" : "field"}>:${parts.at(-1)}\``;
    const row = rows.get(label) ?? { cases: [], ids: [] };
    row.cases.push(c);
    if (target !== null) row.ids.push(target);
    rows.set(label, row);
  }
  const lines = [...rows].map(([label, row]) => `| ${label} | ${row.cases.length} | ${row.ids.length ? row.ids.join(", ") : "—"} | ${verdictOf(row)} |`);
  return ["| case id | cases | for | when accepted |", "|---|---|---|---|", ...lines, `| **${total}** | **${cases.length}** | | |`].join("\n");
}

/** The rules that make no case, and why: the README's second table. */
export function notDerivedTable(notDerived: readonly NotDerived[]): string {
  if (!notDerived.length) return "Every rule of the spec makes a case.";
  return ["| rule | why no case |", "|---|---|", ...notDerived.map((n) => `| \`${n.target}:${n.rule}\` | ${n.why} |`)].join("\n");
}
