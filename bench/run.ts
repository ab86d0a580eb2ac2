// `npm run bench [-- NAME...] [--readme]`: every *.bench.ts beside this file (or those whose names
// contain one of NAME) measures side by side in one run and returns ratios; this prints them as one
// table. With --readme the table also replaces the README's benchmark section, with the machine it
// came from. Timing goals live here, never in unit tests.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { defineCli, exitWithUsage, parseOrExit } from "../common/cli-flags.js";

export interface BenchRow {
  name: string;
  /** measured / baseline, both measured in this run. */
  ratio: number;
  /** The goal for the ratio, if any (lower is better). */
  goal: number | null;
  /** An absolute budget instead of a ratio goal (lower is better); the verdict then follows it. */
  budget?: { measured: number; limit: number; unit: string };
  detail: string;
}

const README = new URL("../README.md", import.meta.url);
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

const here = new URL(".", import.meta.url);
const SUFFIX = ".bench.ts";
/** The benchmarks that exist: file names without `.bench.ts`, e.g. `client`. */
const available = readdirSync(here)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();

const CLI = defineCli({
  usage: "npm run bench -- [NAME...] [--readme]",
  about: "Runs the benchmarks (all, or those whose names contain a NAME) and prints their ratios as one table.",
  flags: { readme: { help: "also write the table, with this machine, into README.md" } },
  positionals: "NAME",
  footer: `Benchmarks: ${available.join(", ")}`,
});
const { flags, positionals: filters } = parseOrExit(CLI, "bench", process.argv.slice(2));
const writeReadme = flags.readme === true;

const unmatched = filters.filter((name) => !available.some((b) => b.includes(name)));
if (unmatched.length) {
  exitWithUsage(CLI, "bench", `no benchmark matches ${unmatched.map((n) => `"${n}"`).join(", ")} (benchmarks: ${available.join(", ")})`);
}
const files = available.filter((b) => !filters.length || filters.some((name) => b.includes(name))).map((b) => b + SUFFIX);
const rows: BenchRow[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, here).href)) as { default: () => Promise<BenchRow[]> };
  process.stderr.write(`running ${file} ...\n`);
  rows.push(...(await mod.default()));
}

const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
const machine = `${cpu}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}`;
const table = [
  "| benchmark | ratio | goal | verdict | detail |",
  "|---|---|---|---|---|",
  ...rows.map((r) => {
    const [measured, limit] = r.budget ? [r.budget.measured, r.budget.limit] : [r.ratio, r.goal];
    const verdict = limit === null ? "—" : measured <= limit ? "met" : "**missed**";
    const goal = r.budget ? `≤ ${r.budget.limit} ${r.budget.unit}` : r.goal === null ? "—" : `≤ ${r.goal}×`;
    return `| ${r.name} | ${r.ratio.toFixed(2)}× | ${goal} | ${verdict} | ${r.detail} |`;
  }),
].join("\n");
console.log(`\nMachine: ${machine}\n\n${table}`);

if (writeReadme) {
  const readme = readFileSync(README, "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) {
    process.stderr.write(`bench: README.md has no ${START} … ${END} section\n`);
    process.exit(2);
  }
  const date = new Date().toISOString().slice(0, 10);
  const section = `${START}\nMeasured ${date} on ${machine}${filters.length ? ` (only: ${filters.join(", ")})` : ""}.\n\n${table}\n${END}`;
  writeFileSync(README, readme.slice(0, start) + section + readme.slice(end + END.length));
  process.stderr.write("bench: README.md benchmark section updated\n");
}
