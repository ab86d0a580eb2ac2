// A full conformance run (13 cases) against a server that takes 100 ms per answer, compared with one
// signed request to that same server: with enough concurrency the run should cost about one answer.
// The same for a full default run of every kind (documented, acceptance and refusal cases) in one wave,
// and for --fuzz 1000 in one wave, whose cost per request (beyond the one answer every wave waits for)
// must not exceed the fixed run's. The server runs in its own process, as a real one does.
import type { Report } from "../conformance/report.js";
import { runConformance } from "../conformance/runner.js";
import { CASES, OPERATION } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders } from "../src/signing.js";
import { MOCK_CREDENTIALS } from "../common/credentials.js";
import { selectRun } from "../conformance/selection.js";
import type { BenchRow } from "./run.js";
import { FUZZ_COMPARISON, startSlowServer } from "./slow-server-process.js";
import { fmt, interleaved, timeOnce } from "./timing.js";

const ROUNDS = 9;
/**
 * Unmeasured rounds first: a wave of 119 cases runs some 200 ms in a fresh process and settles near
 * 140 ms only after five or more (V8 compiles the hot code and sizes its heap meanwhile), so after a
 * single warm-up the medians sat on that slope and moved 10% from run to run. The first wave of the
 * process is reported on its own.
 */
const WARMUP_ROUNDS = 6;
/** --fuzz in the cost-per-request comparison and its rounds (a run of 1110 requests takes seconds). */
const { fuzz: FUZZ, answerDelayMs: ANSWER_DELAY_MS, concurrency: CPU_CONCURRENCY } = FUZZ_COMPARISON;
const FUZZ_ROUNDS = 5;
/** Default runs a round: about as many requests as the --fuzz run. */
const FIXED_PER_FUZZ = FUZZ_COMPARISON.fixedPerFuzz;

// Placeholders of valid shape: the benchmarks talk only to their own loopback servers.
const credentials = MOCK_CREDENTIALS;

export default async function (): Promise<BenchRow[]> {
  const server = await startSlowServer(ANSWER_DELAY_MS);
  try {
    const body = stringifyJson(CASES[0]!.request.body);
    const single = async () => {
      const answer = await fetch(`${server.url}${OPERATION.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...signedHeaders(credentials, body) },
        body,
      });
      await answer.arrayBuffer();
    };
    const passed = (report: Report) => {
      if (report.summary.failed) throw new Error(`bench run: ${report.summary.failed} case(s) failed against the faithful server: ${report.cases.filter((c) => c.status === "failed").map((c) => c.id).join(", ")}`);
    };
    const run = (concurrency: number) => async () => passed(await runConformance({ target: server.url, credentials, concurrency }));
    // Derived once, as the CLI does before its first request; its cost is reported, not timed per round.
    const derived = (fuzz?: { count: number; seed: number }) => {
      const started = performance.now();
      const cases = selectRun({ credentials, ...(fuzz ? { fuzz } : {}) });
      return { cases, ms: performance.now() - started };
    };
    const { cases: all, ms: deriveMs } = derived();
    // Every case of the default run in one wave: --concurrency at least the request count.
    const oneWave = async () => passed(await runConformance({ target: server.url, credentials, concurrency: all.length, cases: all }));
    // Before the runner has run: its code as cold as in a CLI run (its modules loaded). The server
    // has answered a few plain requests first, so its own first compilations are not counted.
    for (let i = 0; i < 5; i++) await single();
    const firstWave = await timeOnce(oneWave);
    const t = await interleaved(ROUNDS, { single, c13: run(13), c4: run(4), full: oneWave }, WARMUP_ROUNDS);
    // Drawn only now: a default run's process never holds a thousand random cases (holding them
    // during the timed runs above made no measurable difference here, but it is not what is timed).
    const { cases: fuzzed, ms: fuzzDeriveMs } = derived({ count: FUZZ, seed: 1 });
    // What a request costs the runner (building, sending, reading, judging, masking), in CPU time of
    // this process (the server runs in another), both runs in many waves at one concurrency: one wave
    // of 1109 requests would overflow a server's backlog, and a run in one wave spends its work while
    // it waits, which a long run cannot.
    type Variant = "fixed" | "fuzz";
    interface Cost { cpuMs: number; requests: number; wallMs: number }
    const none = (): Cost => ({ cpuMs: 0, requests: 0, wallMs: 0 });
    /** One phase: the runs in turn, in one CPU time. */
    const phase = async (cases: typeof all, runs: number): Promise<Cost> => {
      const cost = none();
      const before = process.cpuUsage();
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        passed(await runConformance({ target: server.url, credentials, concurrency: CPU_CONCURRENCY, cases }));
        cost.wallMs += performance.now() - started;
        cost.requests += cases.length;
      }
      const used = process.cpuUsage(before);
      cost.cpuMs = (used.user + used.system) / 1000;
      return cost;
    };
    const perRequest = (c: Cost) => c.cpuMs / c.requests;
    // A round: the --fuzz run once and the default run FIXED_PER_FUZZ times (about as many
    // requests), their order swapped every round so drift within a round meets both alike.
    const round = async (swapped: boolean): Promise<Record<Variant, Cost>> => {
      const fixed = () => phase(all, FIXED_PER_FUZZ);
      const fuzz = () => phase(fuzzed, 1);
      if (swapped) {
        const fuzzCost = await fuzz();
        return { fuzz: fuzzCost, fixed: await fixed() };
      }
      const fixedCost = await fixed();
      return { fixed: fixedCost, fuzz: await fuzz() };
    };
    await round(false);
    const rounds: Record<Variant, Cost>[] = [];
    for (let r = 0; r < FUZZ_ROUNDS; r++) rounds.push(await round(r % 2 === 1));
    // The cost per request is all CPU time over all requests: a median of single default runs would
    // leave out the runs a full GC lands in, which the one long run always holds, and favour the short run.
    const total = (variant: Variant): Cost =>
      rounds.reduce((sum, r) => ({ cpuMs: sum.cpuMs + r[variant].cpuMs, requests: sum.requests + r[variant].requests, wallMs: sum.wallMs + r[variant].wallMs }), none());
    const fixedCost = perRequest(total("fixed"));
    const fuzzCost = perRequest(total("fuzz"));
    const roundRatios = rounds.map((r) => perRequest(r.fuzz) / perRequest(r.fixed)).sort((a, b) => a - b);
    const kinds = [...new Set(all.map((c) => c.kind))].join(", ");
    const setting = `server answers ${ANSWER_DELAY_MS} ms after each request came in; medians of ${ROUNDS} interleaved rounds after ${WARMUP_ROUNDS} unmeasured ones`;
    return [
      {
        name: "conformance: 13 cases at concurrency 13 vs 1 signed request",
        ratio: t.c13 / t.single,
        goal: 1.5,
        detail: `run ${fmt(t.c13)} vs single ${fmt(t.single)}; ${setting}`,
      },
      {
        name: "conformance: 13 cases at default concurrency 4 vs 1 signed request (reported)",
        ratio: t.c4 / t.single,
        goal: null,
        detail: `run ${fmt(t.c4)} vs single ${fmt(t.single)}; 4 waves of answers expected`,
      },
      {
        name: `conformance: full default run (${all.length} cases: ${kinds}) in one wave (concurrency ${all.length}) vs 1 signed request`,
        ratio: t.full / t.single,
        goal: 1.5,
        detail: `run ${fmt(t.full)} vs single ${fmt(t.single)}; deriving the acceptance and refusal cases from the spec took ${fmt(deriveMs)} once before the run; ${setting}`,
      },
      {
        name: `conformance: the same wave as the process's first run (cold: V8 has compiled nothing yet, as in a CLI run) vs 1 signed request (reported)`,
        ratio: firstWave / t.single,
        goal: null,
        detail: `first wave ${fmt(firstWave)} vs single ${fmt(t.single)}; the process had loaded the runner's modules and derived the cases, nothing more; the server had answered 5 plain requests`,
      },
      {
        name: `conformance: runner's CPU time per request with --fuzz ${FUZZ} (${fuzzed.length} cases) vs the full default run (${all.length}), both at concurrency ${CPU_CONCURRENCY}`,
        ratio: fuzzCost / fixedCost,
        goal: 1,
        detail: `${(fuzzCost * 1000).toFixed(0)} µs vs ${(fixedCost * 1000).toFixed(0)} µs of CPU per request (building, sending, reading, judging, masking; this process, its GC threads included), all CPU time over all requests of ${FUZZ_ROUNDS} rounds after a warm-up, each the default run ${FIXED_PER_FUZZ} times and the --fuzz run once, in turns (single rounds: ${roundRatios[0]!.toFixed(2)}–${roundRatios.at(-1)!.toFixed(2)}×); runs ${fmt(total("fuzz").wallMs / FUZZ_ROUNDS)} vs ${fmt(total("fixed").wallMs / FUZZ_ROUNDS / FIXED_PER_FUZZ)}; drawing and judging the ${FUZZ} random bodies took ${fmt(fuzzDeriveMs - deriveMs)} once before the run; server answers after ${ANSWER_DELAY_MS} ms`,
      },
    ];
  } finally {
    await server.close();
  }
}
