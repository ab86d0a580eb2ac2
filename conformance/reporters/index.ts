// Every report file of a run, all rendered from the same (already masked) Report object.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "../report.js";
import { renderHtmlReport } from "./html.js";
import { renderJsonReport } from "./json.js";
import { renderJunitReport } from "./junit.js";

export { renderJsonReport } from "./json.js";
export { renderJunitReport } from "./junit.js";
export { renderTerminalReport, summaryLine } from "./terminal.js";

/** Writes report.json, junit.xml and report.html into dir (created if needed); returns their paths. */
export async function writeReports(report: Report, dir: string): Promise<{ json: string; junit: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { json: join(dir, "report.json"), junit: join(dir, "junit.xml"), html: join(dir, "report.html") };
  await Promise.all([
    writeFile(paths.json, renderJsonReport(report), "utf8"),
    writeFile(paths.junit, renderJunitReport(report), "utf8"),
    writeFile(paths.html, renderHtmlReport(report), "utf8"),
  ]);
  return paths;
}
