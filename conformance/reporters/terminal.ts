// The run as a person reads it on stdout: a table, the failed checks under it, and a last line
// `N passed, M failed` that scripts may grep.
import { escapeControls } from "../../common/control-chars.js";
import { warnedOf, warningsOf, type CaseReport, type CheckResult, type Report } from "../report.js";
import { groupsOf, presentationOf } from "./kinds.js";
import { reproduceNote } from "./reproduce-note.js";

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

const expectedOf = (c: CaseReport) => presentationOf(c.kind).expected(c, "terminal");
const verdictOf = (c: CaseReport) => (c.status === "passed" ? "PASS" : c.status === "skipped" ? "SKIP" : "FAIL");

const observedOf = (c: CaseReport) => (c.observed.status === null ? "no answer" : `${c.observed.status} ${c.observed.code ?? "(no code)"}`);

/** `58 passed (3 with warnings), 0 failed, 7 skipped`: what scripts grep, warnings counted. */
export function summaryLine(report: Report): string {
  const skipped = report.summary.skipped ?? 0;
  const warned = warnedOf(report);
  return `${report.summary.passed} passed${warned ? ` (${warned} with warnings)` : ""}, ${report.summary.failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

/** Past this many cases with the same warning, the cases are named in one line with one example. */
const WARNINGS_LISTED_ONE_BY_ONE = 8;

/** Every warning, by check: each case on a line of its own, or (many) counted with an example; report.html and report.json list each. */
export function warningLines(report: Report): string[] {
  const byCheck = new Map<string, { c: CaseReport; k: CheckResult }[]>();
  for (const c of report.cases) for (const k of warningsOf(c.checks)) byCheck.set(k.name, [...(byCheck.get(k.name) ?? []), { c, k }]);
  const lines: string[] = [];
  for (const [name, seen] of byCheck) {
    if (seen.length <= WARNINGS_LISTED_ONE_BY_ONE) lines.push(...seen.map(({ c, k }) => `  ${c.id}  ${name}: ${k.message}`));
    else lines.push(`  ${name} in ${seen.length} cases (each listed in report.html), e.g. ${seen[0]!.c.id}: ${seen[0]!.k.message}`);
  }
  return lines.map((line) => oneLine(line));
}

/** A case's failed errors; "not checked" follows from an earlier failure and is left to report.json, unless it is all there is. Then its reproduce command. */
function failureLines(c: CaseReport): string[] {
  const failed = c.checks.filter((k) => !k.ok && k.severity !== "warning");
  const said = failed.filter((k) => !k.message.startsWith("not checked:"));
  const lines = (said.length ? said : failed).map((k) => `  ${c.id}  ${k.name}: ${k.message}`);
  if (c.reproduce) lines.push(`  ${" ".repeat(width(c.id))}  reproduce: ${c.reproduce}`);
  return lines.map(oneLine);
}

/** A case's time, and the limit beside it when the run had one. */
const timeOf = (c: CaseReport, report: Report): string => `${c.observed.durationMs} ms${report.maxResponseTimeMs === undefined ? "" : ` (max ${report.maxResponseTimeMs})`}`;

/** Skipped cases grouped by reason: `N skipped: reason (ids...)`. */
export function skippedLines(report: Report): string[] {
  const byReason = new Map<string, string[]>();
  for (const c of report.cases) if (c.status === "skipped") byReason.set(c.reason ?? "no reason given", [...(byReason.get(c.reason ?? "no reason given") ?? []), c.id]);
  return [...byReason].map(([reason, ids]) => oneLine(`  ${ids.length} skipped: ${reason} (${ids.join(", ")})`));
}

/** `extraLines` go just before the summary line; `targetLabel` describes the target (e.g. the embedded mock). */
export function renderTerminalReport(report: Report, extraLines: readonly string[] = [], targetLabel?: string): string {
  const header = ["case", "expected", "observed", "time", "verdict"];
  const row = (c: CaseReport) => [c.id, expectedOf(c), c.status === "skipped" ? "—" : observedOf(c), c.status === "skipped" ? "—" : timeOf(c, report), verdictOf(c)].map(oneLine);
  const rows = report.cases.map(row);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i]!)).join("  ").trimEnd();
  const out = [oneLine(`Konaplate conformance: ${report.target}${targetLabel ? ` (${targetLabel})` : ""}`)];
  const groups = groupsOf(report);
  for (const { presentation, cases } of groups) {
    if (groups.length > 1) out.push("", presentation.heading);
    out.push("", line(header), line(widths.map((w) => "-".repeat(w))), ...cases.map((c) => line(row(c))));
  }

  const failed = report.cases.filter((c) => c.status === "failed");
  if (failed.length) out.push("", "Failed checks:", ...failed.flatMap(failureLines));
  if (failed.some((c) => c.reproduce)) out.push(oneLine(reproduceNote(report)));
  const warnings = warningLines(report);
  if (warnings.length) {
    const cases = report.cases.filter((c) => warningsOf(c.checks).length).length;
    out.push("", `Warnings (never fail a case; --strict fails the cases of the kit's own reading): ${cases} case${cases === 1 ? "" : "s"}`, ...warnings);
  }
  const skipped = skippedLines(report);
  if (skipped.length) out.push("", "Skipped (not judged, never failed):", ...skipped);
  out.push("", ...extraLines, summaryLine(report));
  return `${out.join("\n")}\n`;
}
