// The README's table of acceptance cases per rule, rendered from the derived cases so the count it
// states always follows from the spec (a test compares it with README.md). The rules without a case
// are listed by refusal/readme-table.ts's notDerivedTable, as for refusal cases.
import { WHOLE_REQUEST_FIELDS, type AcceptanceCase } from "./catalog.js";

interface Row {
  label: string;
  cases: AcceptanceCase[];
  targets: string[];
  rules: Set<string>;
}

/** Whether a row's cases fail a run or only warn, naming the exceptions. */
function verdictOf(row: Row): string {
  const warning = row.cases.filter((c) => c.warningOnly);
  if (!warning.length) return "error";
  if (warning.length === row.cases.length) return `warning (${warning[0]!.source})`;
  return `error; warning for ${warning.map((c) => `${c.acceptance.varies.field} (${c.source})`).join(", ")}`;
}

export function acceptanceTable(cases: readonly AcceptanceCase[]): string {
  const rows = new Map<string, Row>();
  for (const c of cases) {
    const v = c.acceptance.varies;
    if (v.what === "fuzz") continue;
    // A case on the whole request's form is named as it is; one on a field, by the field's place.
    const whole = WHOLE_REQUEST_FIELDS[v.in].field === v.field ? WHOLE_REQUEST_FIELDS[v.in] : undefined;
    const place = whole ? whole.field : v.in === "header" ? "<Header-Name>" : "<field>";
    // Enum values are one row per field, the values listed; any other kind of value is one row across fields.
    const label = v.rule === "enum" || v.rule === "examples" ? `\`accept:${v.in}:${v.field}:<value>\`` : `\`accept:${v.in}:${place}:${v.what}\``;
    const row = rows.get(label) ?? { label, cases: [], targets: [], rules: new Set<string>() };
    row.cases.push(c);
    row.targets.push(v.rule === "enum" || v.rule === "examples" ? v.what : (whole?.words ?? v.field));
    row.rules.add(v.rule);
    rows.set(label, row);
  }
  const lines = [...rows.values()].map((row) => `| ${row.label} | ${row.cases.length} | ${row.targets.join(", ")} | ${[...row.rules].join(", ")} | ${verdictOf(row)} |`);
  return [
    "| case id | cases | for | stands on | when refused |",
    "|---|---|---|---|---|",
    ...lines,
    "| `accept:fuzz:<n>` | N with `--fuzz N` | every field at once, drawn from its schema | every rule | error |",
    `| **all acceptance cases of a default run** | **${cases.filter((c) => c.acceptance.varies.what !== "fuzz").length}** | | | |`,
  ].join("\n");
}
