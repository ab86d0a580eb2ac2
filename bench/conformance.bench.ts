// A full conformance run (13 cases) against a server that takes 100 ms per answer, compared with one
// signed request to that same server: with enough concurrency the run should cost about one answer.
// The same for a full run of both kinds (documented + refusal cases) at --concurrency 64. The server
// runs in its own process, as a real one does: its work is not the runner's cost.
import { fork } from "node:child_process";
import { runConformance } from "../conformance/runner.js";
import { CASES, OPERATION } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders } from "../src/signing.js";
import { MOCK_CREDENTIALS } from "../common/credentials.js";
import { selectRun } from "../conformance/selection.js";
import type { BenchRow } from "./run.js";
import { fmt, interleaved } from "./timing.js";

const ANSWER_DELAY_MS = 100;
const ROUNDS = 9;

// Placeholders of valid shape: the benchmarks talk only to their own loopback servers.
const credentials = MOCK_CREDENTIALS;

/** bench/slow-server.ts in a child process; `close` disconnects it, which stops it. */
async function startSlowServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = fork(new URL("./slow-server.ts", import.meta.url), [String(ANSWER_DELAY_MS)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: { url: string }) => resolve(m.url));
    child.once("exit", (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
      }),
  };
}

export default async function (): Promise<BenchRow[]> {
  const server = await startSlowServer();
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
    const run = (concurrency: number) => async () => {
      const report = await runConformance({ target: server.url, credentials, concurrency });
      if (report.summary.failed) throw new Error(`bench run: ${report.summary.failed} case(s) failed against the faithful server`);
    };
    // Derived once, as the CLI does before its first request; its cost is reported, not timed per round.
    const deriveStarted = performance.now();
    const all = selectRun({ credentials });
    const deriveMs = performance.now() - deriveStarted;
    const full = async () => {
      const report = await runConformance({ target: server.url, credentials, concurrency: 64, cases: all });
      if (report.summary.failed) throw new Error(`bench run: ${report.summary.failed} case(s) failed against the faithful server: ${report.cases.filter((c) => c.status === "failed").map((c) => c.id).join(", ")}`);
    };
    const t = await interleaved(ROUNDS, { single, c13: run(13), c4: run(4), full });
    const setting = `server answers after ${ANSWER_DELAY_MS} ms; medians of ${ROUNDS} interleaved rounds`;
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
        name: `conformance: full run (${all.length} cases, documented + refusal) at concurrency 64 vs 1 signed request`,
        ratio: t.full / t.single,
        goal: 1.5,
        detail: `run ${fmt(t.full)} vs single ${fmt(t.single)}; ${all.length} requests in ${Math.ceil(all.length / 64)} waves; deriving the refusal cases from the spec took ${fmt(deriveMs)} once before the run; ${setting}`,
      },
    ];
  } finally {
    await server.close();
  }
}
