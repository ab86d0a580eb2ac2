// Every report file of a run, all rendered from the same (already masked) Report object.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "../report.js";
import { writeFileReplacing } from "../report-files.js";
import { renderHtmlReport } from "./html.js";
import { renderJsonReport } from "./json.js";
import { renderJunitReport } from "./junit.js";

export { renderJsonReport } from "./json.js";
export { renderJunitReport } from "./junit.js";
export { renderTerminalReport, summaryLine } from "./terminal.js";

/**
 * Writes report.json, junit.xml and report.html into dir (created if needed), each renamed into
 * place; returns their paths. When one fails, the others are still waited for (the first error is
 * thrown after), so nothing is left half-written and no write goes on after the run has returned.
 */
export async function writeReports(report: Report, dir: string): Promise<{ json: string; junit: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { json: join(dir, "report.json"), junit: join(dir, "junit.xml"), html: join(dir, "report.html") };
  const writes: [string, (report: Report) => string][] = [
    [paths.json, renderJsonReport],
    [paths.junit, renderJunitReport],
    [paths.html, renderHtmlReport],
  ];
  const settled = await Promise.allSettled(writes.map(async ([path, render]) => writeFileReplacing(path, render(report))));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return paths;
}
