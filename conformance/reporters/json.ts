// report.json: the published, scriptable form of a run (shape in conformance/report.ts).
import { stringify } from "lossless-json";
import type { Report } from "../report.js";

/** Indented JSON; bigints (a userId past 2^53-1) written with every digit, like stringifyJson. */
export function renderJsonReport(report: Report): string {
  // lossless-json directly: src/json.ts stringifyJson writes the same numbers but takes no indent.
  const text = stringify(report, undefined, 2);
  if (text === undefined) throw new TypeError("report cannot be written as JSON");
  return `${text}\n`;
}
