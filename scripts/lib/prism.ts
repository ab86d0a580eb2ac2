// Prism as a child process we fully own: a free loopback port, the binary resolved from the
// installed package (never PATH), its own process group so one kill reaches every process it
// starts, and a guaranteed stop even when the caller forgets or throws.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { SPEC_PATH } from "./spec-source.js";

export const LOOPBACK = "127.0.0.1";

const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const OUTPUT_TAIL_CHARS = 4_000;

export type PrismMode = { mode: "mock" } | { mode: "proxy"; target: string };

export type PrismOptions = PrismMode & {
  /** Prism's own log (one line per exchange, violations included) is copied here when given. */
  output?: NodeJS.WritableStream;
  startupTimeoutMs?: number;
};

export interface PrismHandle {
  url: string;
  port: number;
  pid: number;
  /** Settles when Prism exits, for whatever reason (exit code, or null when killed by a signal). */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

/** A port the OS says is free right now: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("could not read a free port from the OS");
  return address.port;
}

/** The Prism CLI script of the installed @stoplight/prism-cli, run with this very node. */
export function prismBinary(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("@stoplight/prism-cli/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.prism;
  if (!bin) throw new Error(`@stoplight/prism-cli at ${dirname(manifestPath)} declares no "prism" binary`);
  return join(dirname(manifestPath), bin);
}

function prismArgs(options: PrismMode, port: number): string[] {
  const where = ["--host", LOOPBACK, "--port", String(port)];
  return options.mode === "mock" ? ["mock", SPEC_PATH, ...where] : ["proxy", SPEC_PATH, options.target, ...where];
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

// Last resort for paths that skip close() (process.exit, an uncaught throw): 'exit' handlers run
// synchronously, and a synchronous SIGKILL to the group is all that is possible there.
const running = new Map<ChildProcess, () => Promise<void>>();
let exitHookInstalled = false;
function ensureExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running.keys()) killGroup(child, "SIGKILL");
  });
}

class PortInUse extends Error {}

async function startOnce(options: PrismOptions, port: number): Promise<PrismHandle> {
  const child = spawn(process.execPath, [prismBinary(), ...prismArgs(options, port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  ensureExitHook();

  let tail = "";
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once("error", () => {
      running.delete(child);
      resolve(null);
    });
  });

  // Prism logs every exchange: the pipes must be drained for its whole life or it stalls.
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      options.output?.write(text);
      tail = (tail + text).slice(-OUTPUT_TAIL_CHARS);
      if (tail.includes("Prism is listening")) resolve();
      if (/EADDRINUSE/.test(tail)) reject(new PortInUse(`port ${port} is in use`));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (err) => reject(new Error(`Prism could not be started: ${err.message}`)));
    void exited.then((code) => reject(new Error(`Prism exited (code ${code}) before listening:\n${tail.trim()}`)));
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    // The leader may be gone while another member of its group lingers.
    killGroup(child, "SIGKILL");
  };

  running.set(child, stop);

  const timeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Prism did not start listening within ${timeoutMs} ms:\n${tail.trim()}`)), timeoutMs);
  });
  try {
    await Promise.race([ready, timedOut]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { url: `http://${LOOPBACK}:${port}`, port, pid: child.pid ?? -1, exited, close: stop };
}

/** Stops every Prism this process started, including one still starting (for signal handlers). */
export async function stopAllPrism(): Promise<void> {
  await Promise.all([...running.values()].map((stop) => stop()));
}

/**
 * Starts `prism mock` (or `prism proxy` in front of a target) on the loopback interface and resolves
 * once it listens. Without a port, a free one is chosen (and another tried if it was taken meanwhile).
 * close() stops the whole process group: SIGTERM, then SIGKILL after a grace period.
 */
export async function startPrism(options: PrismOptions, port?: number): Promise<PrismHandle> {
  if (port !== undefined) return startOnce(options, port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (err) {
      if (!(err instanceof PortInUse) || attempt >= 3) throw err;
    }
  }
}
