// Where and how a case's `reproduce` command is run, said once in each report that shows commands.
import type { Report } from "../report.js";

/** The variables the commands read, by name; their values are never written in a report. */
export const reproduceVariables = (report: Report): string[] => report.reproduceEnvironment ?? [];

export function reproduceNote(report: Report): string {
  const variables = reproduceVariables(report);
  return `Run a reproduce command from the folder this run was started in${variables.length ? `, with ${variables.join(", ")} set as they were (never written in a report)` : ""}.`;
}
