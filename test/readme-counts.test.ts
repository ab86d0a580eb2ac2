// Every count the README states is the one the kit derives today: the documented cases, each kind's
// cases in a default run, and the totals the benchmark rows and their reading name. A rule added to
// the spec changes a count; this test then says which sentence to update.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BANK_CODES, CASE_IDS } from "../generated/contract.js";
import { MOCK_CREDENTIALS } from "../common/credentials.js";
import { selectRun } from "../conformance/selection.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const run = selectRun({ credentials: MOCK_CREDENTIALS });
const count = (kind: string) => run.filter((c) => c.kind === kind).length;
const DERIVED: Record<string, number> = { documented: CASE_IDS.length, acceptance: count("acceptance"), refusal: count("refusal") };

/** Every match of `pattern` in the README with its line, for messages that say where. */
function claims(pattern: RegExp): { line: number; match: RegExpMatchArray }[] {
  return [...README.matchAll(pattern)].map((match) => ({ line: README.slice(0, match.index).split("\n").length, match }));
}

describe("README counts", () => {
  it("every 'N documented|acceptance|refusal' is the number derived from the spec today", () => {
    const found = claims(/\b(\d+) (documented|acceptance|refusal)\b(?! codes)/g);
    expect(found.length).toBeGreaterThan(3);
    for (const { line, match } of found) expect(Number(match[1]), `README line ${line}: "${match[0]}"`).toBe(DERIVED[match[2]!]);
  });

  it("the documented cases, examples and bank codes are counted as the spec has them", () => {
    for (const pattern of [/test case \((\d+)\)/g, /all (\d+) examples/g, /passes all (\d+)\b/g]) {
      const found = claims(pattern);
      expect(found.length, String(pattern)).toBeGreaterThan(0);
      for (const { line, match } of found) expect(Number(match[1]), `README line ${line}: "${match[0]}"`).toBe(CASE_IDS.length);
    }
    for (const { line, match } of claims(/\b(\d+) (?:bank )?codes\b/g)) expect(Number(match[1]), `README line ${line}: "${match[0]}"`).toBe(BANK_CODES.length);
  });

  it("a default run's total, wherever a benchmark row or its reading names it, is the derived one", () => {
    const total = run.length;
    const found = [...claims(/\((\d+) cases: documented/g), ...claims(/default run \((\d+)\)/g), ...claims(/\((\d+) requests: \d+ documented/g), ...claims(/needs some \d+ ms of its own CPU for (\d+) requests/g)];
    expect(found.length).toBeGreaterThan(1);
    for (const { line, match } of found) expect(Number(match[1]), `README line ${line}: "${match[0]}"`).toBe(total);
    for (const { line, match } of claims(/--fuzz 1000[`]? \((\d+) (?:cases|requests)\)/g)) expect(Number(match[1]), `README line ${line}: "${match[0]}"`).toBe(total + 1000);
  });
});
