// What `npm run mock` and `npm run proxy` share: flag parsing (scripts/lib/cli-flags.ts; exit 2 with usage on a mistake)
// and a Prism kept running, its log on stdout, until Ctrl-C or SIGTERM.
import { exitWithUsage, parseOrExit, portFlag, UsageError, type Cli, type FlagDef, type FlagValues } from "./cli-flags.js";
import { startPrism, type PrismMode } from "./prism.js";

export const DEFAULT_PORT = 4010;

/** `--port N`, as every Prism script declares it. */
export function portFlagDef(defaultPort = DEFAULT_PORT): FlagDef & { value: string } {
  return { value: "N", help: `port on 127.0.0.1 (default ${defaultPort})` };
}

/**
 * A Prism script's flags: `--help` prints the usage and exits 0, a mistake prints it on stderr and
 * exits 2, and `--port` is checked (1 to 65535) and defaulted.
 */
export function parsePrismArgs<F extends { port: FlagDef } & Record<string, FlagDef>>(
  cli: Cli<F>,
  command: string,
  argv: readonly string[],
  defaultPort = DEFAULT_PORT,
): { port: number; flags: FlagValues<F> } {
  const { flags } = parseOrExit(cli, command, argv);
  const raw = flags.port as string | undefined;
  if (raw === undefined) return { port: defaultPort, flags };
  try {
    return { port: portFlag("--port", raw), flags };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    exitWithUsage(cli as unknown as Cli<Record<string, FlagDef>>, command, err.message);
  }
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
