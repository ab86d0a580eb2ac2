// bench/slow-server.ts in a child process, as a real server runs apart from the runner, and the
// setting the two --fuzz benchmarks (CPU time and instructions) share.
import { fork } from "node:child_process";

/** The --fuzz comparison: the --fuzz run once against the default run this many times, at one concurrency, every answer held this long. */
export const FUZZ_COMPARISON = { fuzz: 1000, fixedPerFuzz: 10, concurrency: 16, answerDelayMs: 100 } as const;

/** The server answering after `answerDelayMs`; `close` disconnects it, which stops it. */
export async function startSlowServer(answerDelayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const child = fork(new URL("./slow-server.ts", import.meta.url), [String(answerDelayMs)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: { url: string }) => resolve(m.url));
    child.once("exit", (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        // One that exited early has no channel left.
        if (child.exitCode !== null || !child.connected) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
      }),
  };
}
