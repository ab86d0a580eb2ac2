// `npm run bench`: every *.bench.ts beside this file measures side by side in one run and returns
// ratios; this prints them as one table. Timing goals live here, never in unit tests.
import { readdirSync } from "node:fs";
import { cpus } from "node:os";

export interface BenchRow {
  name: string;
  /** measured / baseline, both measured in this run. */
  ratio: number;
  /** The goal for the ratio, if any (lower is better). */
  goal: number | null;
  detail: string;
}

const here = new URL(".", import.meta.url);
const files = readdirSync(here).filter((f) => f.endsWith(".bench.ts")).sort();
const rows: BenchRow[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, here).href)) as { default: () => Promise<BenchRow[]> };
  process.stderr.write(`running ${file} ...\n`);
  rows.push(...(await mod.default()));
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(`\nMachine: ${cpu}, ${cpus().length} cores, Node ${process.version}\n`);
console.log("| benchmark | ratio | goal | verdict | detail |");
console.log("|---|---|---|---|---|");
for (const r of rows) {
  const verdict = r.goal === null ? "—" : r.ratio <= r.goal ? "met" : "missed";
  console.log(`| ${r.name} | ${r.ratio.toFixed(2)}× | ${r.goal === null ? "—" : `≤ ${r.goal}×`} | ${verdict} | ${r.detail} |`);
}
