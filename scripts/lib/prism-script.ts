// What `npm run mock` and `npm run proxy` share: flag parsing (exit 2 with usage on a mistake)
// and a Prism kept running, its log on stdout, until Ctrl-C or SIGTERM.
import { startPrism, type PrismMode } from "./prism.js";

export const DEFAULT_PORT = 4010;

function fail(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}

/** `--port N` plus the given value flags (`--flag value` or `--flag=value`). */
export function parsePortArgs(argv: readonly string[], usage: string, valueFlags: readonly string[]): { port: number; values: Record<string, string> } {
  const values: Record<string, string> = {};
  let port = DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(usage);
      process.exit(0);
    }
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag !== "--port" && !valueFlags.includes(flag)) fail(`unknown ${arg.startsWith("-") ? "flag" : "argument"} ${flag}`, usage);
    const value = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") fail(`${flag} needs a value`, usage);
    if (flag === "--port") {
      if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 65535) fail(`--port must be a whole number from 1 to 65535, got "${value}"`, usage);
      port = Number(value);
    } else values[flag] = value;
  }
  return { port, values };
}

/** Starts Prism, prints the banner, and stops Prism on Ctrl-C/SIGTERM (exit 130/143) or when it dies. */
export async function runUntilSignal(mode: PrismMode, port: number, banner: (url: string) => string): Promise<void> {
  let prism;
  try {
    prism = await startPrism({ ...mode, output: process.stdout }, port);
  } catch (err) {
    process.stderr.write(`could not start Prism: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`\n${banner(prism.url)}\n\n`);
  let stopping = false;
  const stop = (code: number) => () => {
    stopping = true;
    void prism.close().finally(() => process.exit(code));
  };
  process.once("SIGINT", stop(130));
  process.once("SIGTERM", stop(143));
  const code = await prism.exited;
  if (stopping) return;
  process.stderr.write(`Prism exited (code ${code})\n`);
  process.exit(1);
}
