// A long-running command (mock, proxy, sandbox, a conformance run) must not outlive whoever launched
// it. `npm run mock & kill $!` kills npm alone: npm's shell and tsx survive and would keep serving the
// port. So the command watches the chain that launched it, up to npm when npm did, and stops as soon
// as any link of that chain is gone, exactly as it stops on Ctrl-C or SIGTERM.
import { readFileSync } from "node:fs";

interface Link {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat): tells a reused pid apart. */
  start: string;
}

function procStat(pid: number): { ppid: number; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name may hold spaces and parentheses: fields are counted after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return null; // a zombie is dead, just not reaped
    return { ppid: Number(fields[1]), start: fields[19] ?? "" };
  } catch {
    return null;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

const NPM_LIKE = /(^|[\s/\\-])(npm|npx|npm-cli\.js|npx-cli\.js)(\s|$)/;

/**
 * The launching chain: our parent, and when npm (or npx) started us, every process up to and including
 * it. Empty where /proc cannot be read (not Linux): the caller then watches process.ppid only.
 */
export function launcherChain(env: NodeJS.ProcessEnv = process.env, maxDepth = 8): Link[] {
  const chain: Link[] = [];
  const viaNpm = Boolean(env.npm_lifecycle_event || env.npm_command);
  let pid = process.ppid;
  for (let depth = 0; depth < maxDepth && pid > 1; depth++) {
    const stat = procStat(pid);
    if (!stat) break;
    chain.push({ pid, start: stat.start });
    if (!viaNpm || NPM_LIKE.test(commandLine(pid))) break;
    pid = stat.ppid;
  }
  // Without an npm ancestor in reach only the direct parent counts (a shell's parent is not ours to watch).
  if (viaNpm && chain.length && !NPM_LIKE.test(commandLine(chain[chain.length - 1]!.pid))) return chain.slice(0, 1);
  return chain;
}

function alive(link: Link): boolean {
  const stat = procStat(link.pid);
  return stat !== null && stat.start === link.start;
}

/**
 * Calls `onGone` once when a process of the launching chain ends (checked every `intervalMs`).
 * The timer never keeps the process alive. Returns a function that stops watching.
 */
export function onLauncherGone(onGone: () => void, options: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {}): () => void {
  const chain = launcherChain(options.env);
  const parentAtStart = process.ppid;
  const timer = setInterval(() => {
    const gone = chain.length ? chain.some((link) => !alive(link)) : process.ppid !== parentAtStart;
    if (!gone) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}

/** Exit codes of the ways a command is asked to stop (128 + signal number; a lost launcher as SIGHUP). */
export const STOP_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, launcher: 129 } as const;
export type StopReason = keyof typeof STOP_EXIT_CODES;

/**
 * Runs `stop` once on Ctrl-C, SIGTERM, SIGHUP or a lost launcher, then exits with the matching code.
 * `stop` should resolve only when whatever it stops is really gone (bounded by its own deadline).
 * Returns an uninstaller for a command that ends normally.
 */
export function stopOnExitRequest(stop: (reason: StopReason) => Promise<void>, options: { exit?: (code: number) => void; intervalMs?: number } = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const request = (reason: StopReason) => {
    if (stopping) return;
    stopping = true;
    void stop(reason)
      .catch(() => {})
      .finally(() => exit(STOP_EXIT_CODES[reason]));
  };
  const signals = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((signal) => {
    const handler = () => request(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const unwatch = onLauncherGone(() => request("launcher"), options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs });
  return () => {
    unwatch();
    for (const [signal, handler] of signals) process.off(signal, handler);
  };
}
