// junit.xml: one testcase per case, so CI systems show conformance failures like test failures.
import { warningsOf, type CaseReport, type Report } from "../report.js";
import { groupsOf } from "./kinds.js";
import { reproduceNote } from "./reproduce-note.js";


// Characters XML 1.0 does not allow at all, even escaped (a server may answer with anything).
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(value: string): string {
  return value.replace(INVALID_XML_CHARS, "\uFFFD").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** In attributes, line breaks and tabs as character references: parsers would fold them to spaces. */
export function escapeXmlAttribute(value: string): string {
  return escapeXml(value).replace(/\r/g, "&#13;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The case's reproduce command and where to run it, as lines of a failure or an output. */
const reproduceLines = (c: CaseReport, report: Report): string[] => (c.reproduce ? [`reproduce: ${c.reproduce}`, reproduceNote(report)] : []);

function failureOf(c: CaseReport, report: Report): string {
  const failed = c.checks.filter((check) => !check.ok && check.severity !== "warning");
  const summary = failed.map((check) => `${check.name}: ${check.message}`).join("; ");
  const detail = [
    `expected: status ${c.expected.status}, code ${c.expected.code ?? "(any well-formed code)"}`,
    `observed: status ${c.observed.status ?? "(no answer)"}, code ${c.observed.code ?? "(none)"}`,
    ...failed.map((check) => `${check.name}: ${check.message}`),
    ...reproduceLines(c, report),
  ].join("\n");
  return `      <failure type="conformance" message="${escapeXmlAttribute(summary)}">${escapeXml(detail)}</failure>\n`;
}

function warningOutput(c: CaseReport, report: Report): string {
  const warnings = warningsOf(c.checks);
  if (!warnings.length) return "";
  // A failed case's command is in its failure already.
  const lines = [...warnings.map((w) => `warning ${w.name}: ${w.message}`), ...(c.status === "failed" ? [] : reproduceLines(c, report))];
  return `      <system-out>${escapeXml(lines.join("\n"))}</system-out>\n`;
}

function skippedOf(c: CaseReport): string {
  return `      <skipped message="${escapeXmlAttribute(c.reason ?? "not judged")}"/>\n`;
}

function testcase(c: CaseReport, classname: string, report: Report): string {
  const open = `    <testcase classname="${classname}" name="${escapeXmlAttribute(`${c.id} ${c.title}`)}" time="${seconds(c.observed.durationMs)}"`;
  const inner = (c.status === "failed" ? failureOf(c, report) : c.status === "skipped" ? skippedOf(c) : "") + warningOutput(c, report);
  return inner ? `${open}>\n${inner}    </testcase>\n` : `${open}/>\n`;
}

/** One testsuite per kind of case, named by the kind (documented first); an empty kind gets no suite. */
export function renderJunitReport(report: Report): string {
  const { total, failed } = report.summary;
  const time = seconds(report.durationMs);
  const suites = groupsOf(report)
    .map(({ kind, presentation, cases }) => {
      const classname = presentation.junitClassname;
      const count = (status: CaseReport["status"]) => cases.filter((c) => c.status === status).length;
      // Cases run concurrently: a suite sharing the run with another gets the sum of its case times.
      const suiteTime = seconds(cases.reduce((sum, c) => sum + c.observed.durationMs, 0));
      return (
        `  <testsuite name="${classname}" tests="${cases.length}" failures="${count("failed")}" errors="0" skipped="${count("skipped")}" time="${cases.length === report.cases.length ? time : suiteTime}" timestamp="${escapeXml(report.startedAt)}">\n` +
        `    <properties>\n      <property name="target" value="${escapeXmlAttribute(report.target)}"/>\n      <property name="kind" value="${escapeXmlAttribute(kind)}"/>\n` +
        // Warnings never fail a testcase; CI shows how many cases had one.
        `      <property name="cases-with-warnings" value="${cases.filter((c) => warningsOf(c.checks).length).length}"/>\n` +
        // The limit beside the cases' times (check response-time).
        (report.maxResponseTimeMs === undefined ? "" : `      <property name="max-response-time-ms" value="${report.maxResponseTimeMs}"/>\n`) +
        `    </properties>\n` +
        cases.map((c) => testcase(c, classname, report)).join("") +
        `  </testsuite>\n`
      );
    })
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="konaplate-conformance" tests="${total}" failures="${failed}" errors="0" skipped="${report.summary.skipped ?? 0}" time="${time}">\n` +
    suites +
    `</testsuites>\n`
  );
}
