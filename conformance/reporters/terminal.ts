// The run as a person reads it on stdout: a table, the failed checks under it, and a last line
// `N passed, M failed` that scripts may grep.
import { escapeControls } from "../../common/control-chars.js";
import type { CaseReport, Report } from "../report.js";

// The report reaching here is already sanitised; escaping again (idempotent) keeps every printed
// line one line even for a report built elsewhere: no server text may move the cursor or start a line.
const oneLine = (text: string) => escapeControls(text);

// Width in terminal columns: Hangul and other wide characters take two.
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(ch) ? 2 : 1;
  return w;
}

const pad = (text: string, to: number) => text + " ".repeat(Math.max(0, to - width(text)));

const expectedOf = (c: CaseReport) =>
  c.kind === "refusal" ? `4xx${c.expected.code ? ` ${c.expected.code}` : ""}` : `${c.expected.status} ${c.expected.code ?? "(any code)"}`;
const verdictOf = (c: CaseReport) => (c.status === "passed" ? "PASS" : c.status === "skipped" ? "SKIP" : "FAIL");

const KIND_HEADINGS = { documented: "Documented cases", refusal: "Refusal cases (each breaks one rule; any 4xx is a refusal)" } as const;
const observedOf = (c: CaseReport) => (c.observed.status === null ? "no answer" : `${c.observed.status} ${c.observed.code ?? "(no code)"}`);

export function summaryLine(report: Report): string {
  const skipped = report.summary.skipped ?? 0;
  return `${report.summary.passed} passed, ${report.summary.failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

/** Skipped cases grouped by reason: `N skipped: reason (ids...)`. */
export function skippedLines(report: Report): string[] {
  const byReason = new Map<string, string[]>();
  for (const c of report.cases) if (c.status === "skipped") byReason.set(c.reason ?? "no reason given", [...(byReason.get(c.reason ?? "no reason given") ?? []), c.id]);
  return [...byReason].map(([reason, ids]) => oneLine(`  ${ids.length} skipped: ${reason} (${ids.join(", ")})`));
}

/** `extraLines` go just before the summary line; `targetLabel` describes the target (e.g. the embedded mock). */
export function renderTerminalReport(report: Report, extraLines: readonly string[] = [], targetLabel?: string): string {
  const header = ["case", "expected", "observed", "time", "verdict"];
  const row = (c: CaseReport) => [c.id, expectedOf(c), c.status === "skipped" ? "—" : observedOf(c), c.status === "skipped" ? "—" : `${c.observed.durationMs} ms`, verdictOf(c)].map(oneLine);
  const rows = report.cases.map(row);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i]!)).join("  ").trimEnd();
  const out = [oneLine(`Konaplate conformance: ${report.target}${targetLabel ? ` (${targetLabel})` : ""}`)];
  const kinds = [...new Set(report.cases.map((c) => c.kind ?? "documented"))];
  for (const kind of kinds.length ? kinds : (["documented"] as const)) {
    const cases = report.cases.filter((c) => (c.kind ?? "documented") === kind);
    if (kinds.length > 1) out.push("", KIND_HEADINGS[kind]);
    out.push("", line(header), line(widths.map((w) => "-".repeat(w))), ...cases.map((c) => line(row(c))));
  }

  const failed = report.cases.filter((c) => c.status === "failed");
  if (failed.length) {
    out.push("", "Failed checks:");
    for (const c of failed) {
      for (const check of c.checks) {
        // "not checked" follows from an earlier failure: report.json lists it, the terminal need not.
        if (!check.ok && check.severity !== "warning" && !check.message.startsWith("not checked:")) out.push(oneLine(`  ${c.id}  ${check.name}: ${check.message}`));
      }
    }
  }
  const warnings = report.cases.flatMap((c) => c.checks.filter((k) => !k.ok && k.severity === "warning").map((k) => ({ c, k })));
  if (warnings.length) out.push("", oneLine(`Warnings (do not fail a case): ${warnings.length}, e.g. ${warnings[0]!.c.id} ${warnings[0]!.k.name}: ${warnings[0]!.k.message}`));
  const skipped = skippedLines(report);
  if (skipped.length) out.push("", "Skipped (not judged, never failed):", ...skipped);
  out.push("", ...extraLines, summaryLine(report));
  return `${out.join("\n")}\n`;
}
