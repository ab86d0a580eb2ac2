// report.html — one self-contained page (inline CSS and SVG, nothing fetched) rendered from the same
// Report object as report.json, so the two can never disagree. Its one script copies a reproduce
// command; the policy allows that script by its hash and nothing else, and without it the command
// is still there to select.
// The runner masks personal data before the report exists; this renderer does not re-mask, but it
// never prints credential headers even if a caller forgot to drop them.
import { createHash } from "node:crypto";
import { stringifyJson } from "../../src/json.js";
import { isSecretHeader, REDACTED } from "../../common/secret-headers.js";
import { warnedOf, warningsOf, type CaseReport, type CheckResult, type Report } from "../report.js";
import { escapeHtml } from "./html-escape.js";
import { groupsOf, presentationOf, type KindGroup } from "./kinds.js";
import { renderLatencyChart } from "./latency-chart.js";
import { reproduceNote } from "./reproduce-note.js";

export { REDACTED };

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value]));
}

const STYLE = `
:root { --pass: #1b7f3b; --pass-bg: #e7f5eb; --fail: #b3261e; --fail-bg: #fde8e6; --warn: #8a5a00; --warn-bg: #fff4d6; --line: #d0d4da; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "Malgun Gothic", sans-serif; color: #1d2329; margin: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.summary dt { font-weight: 600; }
.summary dd { margin: 0; }
.count-passed { color: var(--pass); font-weight: 600; }
.count-failed { color: var(--fail); font-weight: 600; }
table.cases { border-collapse: collapse; width: 100%; }
table.cases th, table.cases td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
table.cases th { background: #f3f5f7; }
td.id, td.expected, td.observed, td.time { white-space: nowrap; }
tr.case.passed { background: var(--pass-bg); }
tr.case.failed { background: var(--fail-bg); }
tr.case.skipped { background: #f3f5f7; color: #5b6570; }
.count-skipped { color: #5b6570; font-weight: 600; }
.count-warned { color: var(--warn); font-weight: 600; }
p.kind-note { margin: .25rem 0 .75rem; color: #3b444d; }
.verdict { font-weight: 700; }
tr.passed .verdict { color: var(--pass); }
tr.failed .verdict { color: var(--fail); }
.mismatch { color: var(--fail); font-weight: 700; }
ul.checks { margin: 0; padding-left: 1.1rem; }
li.check-failed { color: var(--fail); }
li.check-warning { color: var(--warn); background: var(--warn-bg); }
.checks-passed { color: #5b6570; }
details pre { white-space: pre-wrap; word-break: break-all; background: #fff; border: 1px solid var(--line); padding: .4rem; margin: .25rem 0 .5rem; }
details h4 { margin: .5rem 0 .2rem; font-size: .9rem; }
.latency-chart { max-width: 100%; height: auto; }
.latency-chart text { font: 12px system-ui, sans-serif; fill: #1d2329; }
.latency-chart .chart-heading { font-weight: 600; }
.latency-chart .grid { stroke: #e4e7eb; }
.latency-chart .axis { stroke: #5b6570; }
.latency-chart .bar-passed { fill: var(--pass); }
.latency-chart .bar-failed { fill: var(--fail); }
.latency-chart .limit { stroke: var(--fail); stroke-width: 2; stroke-dasharray: 5 4; }
.limit { color: #5b6570; }
.limit.over { color: var(--fail); font-weight: 700; }
div.reproduce { display: flex; gap: .4rem; align-items: center; margin: .35rem 0; }
div.reproduce label { display: flex; gap: .4rem; align-items: center; flex: 1; font-weight: 600; }
input.reproduce-command { flex: 1; min-width: 12rem; font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; padding: .2rem .3rem; border: 1px solid var(--line); background: #fff; }
`;

/**
 * Copies a reproduce command: shows each Copy button (hidden for a reader without script, who
 * selects the command in its field instead) and writes the field's text to the clipboard.
 */
const COPY_SCRIPT = `for (const button of document.querySelectorAll("button.copy")) {
  const field = button.parentElement.querySelector("input");
  button.hidden = false;
  button.addEventListener("click", () => {
    field.focus();
    field.select();
    const said = (ok) => { button.textContent = ok ? "Copied" : "Press Ctrl+C"; };
    const fallback = () => said(document.execCommand("copy"));
    if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(() => said(true), fallback);
    else fallback();
  });
}`;

/** The page's policy: nothing loads, inline styles apply, and only the copy script runs (by its hash). */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash("sha256").update(COPY_SCRIPT).digest("base64")}'`;

const formatMs = (ms: number) => `${Math.round(ms)} ms`;
const formatDuration = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : formatMs(ms));
const outcome = (status: number | null, code: string | null) => `${status ?? "no answer"} ${code ?? "—"}`;

function json(value: unknown): string {
  if (value === undefined) return "(none)";
  if (typeof value === "string") return value;
  try {
    return stringifyJson(value);
  } catch {
    return String(value);
  }
}

function headerList(headers: Record<string, string> | undefined): string {
  if (!headers || Object.keys(headers).length === 0) return "(none)";
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

function renderChecks(checks: readonly CheckResult[]): string {
  const failed = checks.filter((c) => !c.ok && c.severity !== "warning");
  const warnings = checks.filter((c) => !c.ok && c.severity === "warning");
  const passed = checks.length - failed.length - warnings.length;
  const item = (c: CheckResult, kind: "failed" | "warning") =>
    `<li class="check-${kind}" data-check="${escapeHtml(c.name)}"><strong>${escapeHtml(c.name)}</strong>` +
    `${kind === "warning" ? " (warning)" : ""}: ${escapeHtml(c.message)}</li>`;
  const list = [...failed.map((c) => item(c, "failed")), ...warnings.map((c) => item(c, "warning"))];
  return (
    (list.length ? `<ul class="checks">${list.join("")}</ul>` : "") +
    `<span class="checks-passed">${passed} of ${checks.length} checks passed` +
    `${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""}</span>`
  );
}

function renderExchange(c: CaseReport): string {
  const parts: string[] = [];
  if (c.request) {
    parts.push(
      `<h4>Request headers</h4><pre>${escapeHtml(headerList(redactHeaders(c.request.headers)))}</pre>`,
      `<h4>Request body</h4><pre>${escapeHtml(json(c.request.body))}</pre>`,
    );
  }
  parts.push(
    `<h4>Response headers</h4><pre>${escapeHtml(headerList(c.observed.headers && redactHeaders(c.observed.headers)))}</pre>`,
    `<h4>Response body</h4><pre>${escapeHtml(json(c.observed.body))}</pre>`,
  );
  return `<details><summary>Request and response (masked)</summary>${parts.join("")}</details>`;
}

const VERDICTS = { passed: "PASS", failed: "FAIL", skipped: "SKIP" } as const;

/** The command that reruns the case alone, in a field to select or copy. */
function renderReproduce(c: CaseReport): string {
  if (!c.reproduce) return "";
  return (
    `<div class="reproduce"><label>reproduce <input class="reproduce-command" type="text" readonly spellcheck="false" value="${escapeHtml(c.reproduce)}" title="${escapeHtml(c.reproduce)}"></label>` +
    `<button type="button" class="copy" hidden>Copy</button></div>`
  );
}

/** Over the limit as the check response-time judged it: the runner's own busy time is not the server's. */
const overLimit = (c: CaseReport) => c.checks.some((k) => k.name === "response-time" && !k.ok);

/** The case's time, and the limit beside it when the run had one (marked when the answer went over). */
function renderTime(c: CaseReport, limit: number | undefined): string {
  if (c.status === "skipped") return "—";
  if (limit === undefined) return formatMs(c.observed.durationMs);
  return `${formatMs(c.observed.durationMs)} <span class="limit${overLimit(c) ? " over" : ""}">(max ${limit})</span>`;
}

function renderRow(c: CaseReport, limit: number | undefined): string {
  const presentation = presentationOf(c.kind);
  const statusDiffers = !presentation.statusAsExpected(c);
  const codeDiffers = c.expected.code !== null && c.observed.code !== c.expected.code;
  const observed =
    c.status === "skipped"
      ? "—"
      : `<span class="${statusDiffers || codeDiffers ? "mismatch" : ""}">${escapeHtml(outcome(c.observed.status, c.observed.code))}</span>`;
  const expected = escapeHtml(presentation.expected(c, "html"));
  const breaks = c.breaks?.length ? `<div class="breaks">breaks: <code>${escapeHtml(c.breaks.join(", "))}</code></div>` : "";
  const detail =
    c.status === "skipped"
      ? `<span class="skip-reason">skipped: ${escapeHtml(c.reason ?? "not judged")}</span>${breaks}`
      : `${breaks}${renderChecks(c.checks)}${renderReproduce(c)}${renderExchange(c)}`;
  return [
    `<tr class="case ${c.status}" data-case-id="${escapeHtml(c.id)}" data-status="${c.status}">`,
    `<td class="id"><code>${escapeHtml(c.id)}</code></td>`,
    `<td lang="ko">${escapeHtml(c.title)}</td>`,
    `<td class="expected">${expected}</td>`,
    `<td class="observed">${observed}</td>`,
    `<td class="time">${renderTime(c, limit)}</td>`,
    `<td class="verdict">${VERDICTS[c.status]}</td>`,
    `<td class="checks-cell">${detail}</td>`,
    `</tr>`,
  ].join("");
}


/** The cases with warnings, named in the summary (each row shows its warnings in amber). */
function warningSummary(report: Report): string {
  const cases = report.cases.filter((c) => warningsOf(c.checks).length);
  if (!cases.length) return "";
  const items = cases.map((c) => `<li><code>${escapeHtml(c.id)}</code>: ${escapeHtml(warningsOf(c.checks).map((k) => k.name).join(", "))}</li>`);
  return `<dt>Warnings</dt><dd><details class="warnings"><summary>${cases.length} case${cases.length === 1 ? "" : "s"} with warnings (they never fail a case; <code>--strict</code> fails those of the kit's own reading)</summary><ul>${items.join("")}</ul></details></dd>\n`;
}

export function pageTitle(report: Report): string {
  const skipped = report.summary.skipped ?? 0;
  return `Konaplate conformance — ${report.summary.passed} passed, ${report.summary.failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

/** The response-time limit and how many answers went over it, when the run had one. */
function limitSummary(report: Report): string {
  const limit = report.maxResponseTimeMs;
  if (limit === undefined) return "";
  const over = report.cases.filter((c) => c.status !== "skipped" && overLimit(c)).length;
  return `<dt>Response time limit</dt><dd><span class="response-time-limit">${limit} ms per answer</span> (<code>--max-response-time</code>): ${over} case${over === 1 ? "" : "s"} over</dd>\n`;
}

/** How a reproduce command is used, once, when a case has one. */
function reproduceSummary(report: Report): string {
  if (!report.cases.some((c) => c.reproduce)) return "";
  return `<dt>Reproduce</dt><dd class="reproduce-note">Each failed case and each case with warnings has a command that reruns it alone. ${escapeHtml(reproduceNote(report))}</dd>\n`;
}

function renderSection({ kind, presentation: { section }, cases }: KindGroup, limit: number | undefined): string {
  return `<h2 id="${escapeHtml(section.id)}">${escapeHtml(section.heading)}</h2>
${section.note ? `<p class="kind-note">${escapeHtml(section.note)}</p>\n` : ""}<table class="cases" data-kind="${escapeHtml(kind)}">
<thead><tr><th>Case</th><th>Title</th><th>Expected</th><th>Observed</th><th>Time</th><th>Verdict</th><th>Checks</th></tr></thead>
<tbody>
${cases.map((c) => renderRow(c, limit)).join("\n")}
</tbody>
</table>`;
}

export function renderHtmlReport(report: Report): string {
  const { total, passed, failed } = report.summary;
  const skipped = report.summary.skipped ?? 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${escapeHtml(pageTitle(report))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Konaplate conformance report</h1>
<dl class="summary">
<dt>Target</dt><dd><code class="target">${escapeHtml(report.target)}</code></dd>
<dt>Started at</dt><dd><time datetime="${escapeHtml(report.startedAt)}">${escapeHtml(report.startedAt)}</time></dd>
<dt>Duration</dt><dd>${formatDuration(report.durationMs)}</dd>
<dt>Cases</dt><dd><span class="count-total">${total} total</span>, <span class="count-passed">${passed} passed</span>${warnedOf(report) ? ` <span class="count-warned">(${warnedOf(report)} with warnings)</span>` : ""}, <span class="${failed ? "count-failed" : "count-none-failed"}">${failed} failed</span>${skipped ? `, <span class="count-skipped">${skipped} skipped</span>` : ""}</dd>
${warningSummary(report)}${limitSummary(report)}${report.fuzz ? `<dt>Fuzz</dt><dd>${report.fuzz.count} random valid bodies, seed <code class="fuzz-seed">${report.fuzz.seed}</code> (<code>--fuzz ${report.fuzz.count} --seed ${report.fuzz.seed}</code> draws the same bodies)</dd>\n` : ""}${reproduceSummary(report)}</dl>
<h2>Latency</h2>
${renderLatencyChart(report.cases.filter((c) => c.status !== "skipped"), report.maxResponseTimeMs)}
${groupsOf(report, true).map((group) => renderSection(group, report.maxResponseTimeMs)).join("\n")}
${report.cases.some((c) => c.reproduce) ? `<script>${COPY_SCRIPT}</script>\n` : ""}</body>
</html>
`;
}
