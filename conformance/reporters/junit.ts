// junit.xml: one testcase per case, so CI systems show conformance failures like test failures.
import type { CaseReport, Report } from "../report.js";

export const JUNIT_CLASSNAME = "konaplate.conformance";

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

function failureOf(c: CaseReport): string {
  const failed = c.checks.filter((check) => !check.ok && check.severity !== "warning");
  const summary = failed.map((check) => `${check.name}: ${check.message}`).join("; ");
  const detail = [
    `expected: status ${c.expected.status}, code ${c.expected.code ?? "(any well-formed code)"}`,
    `observed: status ${c.observed.status ?? "(no answer)"}, code ${c.observed.code ?? "(none)"}`,
    ...failed.map((check) => `${check.name}: ${check.message}`),
  ].join("\n");
  return `      <failure type="conformance" message="${escapeXmlAttribute(summary)}">${escapeXml(detail)}</failure>\n`;
}

function warningsOf(c: CaseReport): string {
  const warnings = c.checks.filter((check) => !check.ok && check.severity === "warning");
  if (!warnings.length) return "";
  return `      <system-out>${escapeXml(warnings.map((w) => `warning ${w.name}: ${w.message}`).join("\n"))}</system-out>\n`;
}

export function renderJunitReport(report: Report): string {
  const { total, failed } = report.summary;
  const time = seconds(report.durationMs);
  const cases = report.cases
    .map((c) => {
      const open = `    <testcase classname="${JUNIT_CLASSNAME}" name="${escapeXmlAttribute(`${c.id} ${c.title}`)}" time="${seconds(c.observed.durationMs)}"`;
      const inner = (c.status === "failed" ? failureOf(c) : "") + warningsOf(c);
      return inner ? `${open}>\n${inner}    </testcase>\n` : `${open}/>\n`;
    })
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="konaplate-conformance" tests="${total}" failures="${failed}" errors="0" time="${time}">\n` +
    `  <testsuite name="${JUNIT_CLASSNAME}" tests="${total}" failures="${failed}" errors="0" skipped="0" time="${time}" timestamp="${escapeXml(report.startedAt)}">\n` +
    `    <properties>\n      <property name="target" value="${escapeXmlAttribute(report.target)}"/>\n    </properties>\n` +
    cases +
    `  </testsuite>\n</testsuites>\n`
  );
}
