// report.html — a self-contained page rendered from the same Report object as report.json.
import type { Report } from "../report.js";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderHtmlReport(report: Report): string {
  const rows = report.cases
    .map((c) => `<tr class="${c.status}"><td>${escape(c.id)}</td><td>${escape(c.title)}</td><td>${c.status}</td></tr>`)
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Konaplate conformance report</title></head>
<body><h1>Konaplate conformance report</h1><p>${report.summary.passed} passed, ${report.summary.failed} failed</p>
<table>${rows}</table></body></html>
`;
}
