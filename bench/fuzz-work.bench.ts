// The runner's own work per request with --fuzz 1000 against the default run, counted in
// instructions by callgrind (valgrind) rather than timed: on a shared 2-core machine the CPU time of
// one long run and of ten short ones moves by more than the difference asked about (the server
// works on the other core, and how its work meets the runner's differs between the two). Both runs
// go in turns in one process after a warm-up; each phase is counted apart (a callgrind dump at its
// end), so no second process's start-up blurs the count; a pair still moves by about a tenth, by
// where the collector's larger pauses land. The server and the kernel are not counted: what is
// counted is this process's own code (building, signing, sending, reading, judging, masking, its
// GC). About five minutes; skipped, saying so, where valgrind is not installed.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./run.js";
import { FUZZ_COMPARISON } from "./slow-server-process.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PAIRS = 2;
const { concurrency: CONCURRENCY, fixedPerFuzz: FIXED_PER_FUZZ, fuzz: FUZZ, answerDelayMs: ANSWER_DELAY_MS } = FUZZ_COMPARISON;

const installed = (command: string) => spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0 || spawnSync(command, ["-h"], { stdio: "ignore" }).status === 0;

/** Instructions of each dumped phase, by its name, from callgrind's output files. */
function phases(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), "utf8");
    const phase = /^desc: Trigger: dump (\S+)$/m.exec(text)?.[1];
    const total = /^(?:totals|summary): (\d+)/m.exec(text)?.[1];
    if (phase && total) out.set(phase, Number(total));
  }
  return out;
}

function counted(dir: string): Promise<{ fixed: number; fuzz: number }> {
  const args = ["--tool=callgrind", `--callgrind-out-file=${join(dir, "callgrind.out")}`, process.execPath, "--import", "tsx", "bench/fuzz-work-child.ts", ...[PAIRS, CONCURRENCY, FIXED_PER_FUZZ, FUZZ, ANSWER_DELAY_MS].map(String)];
  return new Promise((resolve, reject) => {
    const child = spawn("valgrind", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2_000)));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`the counted run exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as { fixed: number; fuzz: number });
    });
  });
}

export default async function (): Promise<BenchRow[]> {
  if (!installed("valgrind") || !installed("callgrind_control")) {
    process.stderr.write("fuzz-work: skipped, valgrind (with callgrind_control) is not installed\n");
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), "konaplate-fuzz-work-"));
  try {
    const requests = await counted(dir);
    const counts = phases(dir);
    const sum = (variant: "fixed" | "fuzz") => Array.from({ length: PAIRS }, (_, p) => counts.get(`${variant}-${p}`)).reduce<number>((a, b) => {
      if (b === undefined) throw new Error(`fuzz-work: a ${variant} phase was not dumped (phases: ${[...counts.keys()].join(", ")})`);
      return a + b;
    }, 0);
    const fixed = sum("fixed") / (PAIRS * requests.fixed);
    const fuzz = sum("fuzz") / (PAIRS * requests.fuzz);
    const singles = Array.from({ length: PAIRS }, (_, p) => counts.get(`fuzz-${p}`)! / requests.fuzz / (counts.get(`fixed-${p}`)! / requests.fixed));
    return [
      {
        name: `conformance: runner's instructions per request with --fuzz ${FUZZ} (${requests.fuzz} cases) vs the full default run, both at concurrency ${CONCURRENCY} (callgrind)`,
        ratio: fuzz / fixed,
        goal: 1,
        detail: `${(fuzz / 1e6).toFixed(2)} M vs ${(fixed / 1e6).toFixed(2)} M instructions per request in this process (its GC threads included; the server, in its own process, and the kernel not counted); ${PAIRS} pairs of phases after a warm-up, each the default run ${FIXED_PER_FUZZ} times or the --fuzz run once, in turns (single pairs: ${singles.map((r) => r.toFixed(2)).join(", ")}×); server answers after ${ANSWER_DELAY_MS} ms`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
