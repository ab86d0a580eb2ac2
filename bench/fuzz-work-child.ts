// Run under callgrind by bench/fuzz-work.bench.ts: the default run and the --fuzz 1000 run in turns
// against the bench's slow server (a child of this process, run natively: callgrind does not follow
// it), each phase ended by a callgrind dump named after it, so the parent reads the instructions
// each phase cost this process. Prints the phases' request counts as JSON on its last line.
import { execFileSync } from "node:child_process";
import { MOCK_CREDENTIALS as credentials } from "../common/credentials.js";
import { runConformance } from "../conformance/runner.js";
import { selectRun } from "../conformance/selection.js";
import { startSlowServer } from "./slow-server-process.js";

const [pairs, concurrency, fixedPerFuzz, fuzz, answerDelayMs] = process.argv.slice(2).map(Number) as [number, number, number, number, number];
const server = await startSlowServer(answerDelayMs);
try {
  const { url } = server;
  const all = selectRun({ credentials });
  const fuzzed = selectRun({ credentials, fuzz: { count: fuzz, seed: 1 } });
  const run = async (cases: typeof all) => {
    const report = await runConformance({ target: url, credentials, concurrency, cases });
    if (report.summary.failed) throw new Error(`${report.summary.failed} case(s) failed against the faithful server`);
  };
  const fixedRuns = async () => {
    for (let i = 0; i < fixedPerFuzz; i++) await run(all);
  };
  const dump = (phase: string) => execFileSync("callgrind_control", ["--dump=" + phase, String(process.pid)], { stdio: "ignore" });
  // Warm-up: both runs compiled and their caches' first costs paid before anything is counted.
  await fixedRuns();
  await run(fuzzed);
  dump("warm-up");
  for (let p = 0; p < pairs; p++) {
    const phases: [string, () => Promise<void>][] = [[`fixed-${p}`, fixedRuns], [`fuzz-${p}`, () => run(fuzzed)]];
    if (p % 2) phases.reverse();
    for (const [name, phase] of phases) {
      await phase();
      dump(name);
    }
  }
  console.log(JSON.stringify({ fixed: all.length * fixedPerFuzz, fuzz: fuzzed.length }));
} finally {
  await server.close();
}
