// The README's table of refusal cases per rule, rendered from the derived cases so the count it
// states always follows from the spec (a test compares it with README.md).
import type { NotDerived, RefusalCase } from "./catalog.js";

/** `refuse:<group>:<target>:<rule>` → target; auth, time and whole-body ids have none. */
function targetOf(c: RefusalCase): string | null {
  const parts = c.id.split(":");
  return parts.length === 4 ? parts[2]! : null;
}

export function refusalTable(cases: readonly RefusalCase[]): string {
  const rows = new Map<string, { count: number; ids: string[] }>();
  for (const c of cases) {
    const parts = c.id.split(":");
    const target = targetOf(c);
    const label = target === null ? `\`${c.id}\`` : `\`refuse:${parts[1]}:<${parts[1] === "header" ? "Header-Name" : "field"}>:${parts.at(-1)}\``;
    const row = rows.get(label) ?? { count: 0, ids: [] };
    row.count++;
    if (target !== null) row.ids.push(target);
    rows.set(label, row);
  }
  const lines = [...rows].map(([label, { count, ids }]) => `| ${label} | ${count} | ${ids.length ? ids.join(", ") : "—"} |`);
  return ["| case id | cases | for |", "|---|---|---|", ...lines, `| **all refusal cases** | **${cases.length}** | |`].join("\n");
}

/** The rules that make no case, and why: the README's second table. */
export function notDerivedTable(notDerived: readonly NotDerived[]): string {
  if (!notDerived.length) return "Every rule of the spec makes a case.";
  return ["| rule | why no case |", "|---|---|", ...notDerived.map((n) => `| \`${n.target}:${n.rule}\` | ${n.why} |`)].join("\n");
}
