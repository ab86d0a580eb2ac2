// What `npm run mock` and `npm run proxy` share: flag parsing (common/cli-flags.ts; exit 2 with usage on a mistake)
// and a Prism kept running, its log on stdout, until Ctrl-C, SIGTERM, SIGHUP or the loss of the
// process that launched it.
import { exitWithUsage, parseOrExit, portFlag, UsageError, type Cli, type FlagDef, type FlagValues } from "../../common/cli-flags.js";
import { stopOnExitRequest } from "../../common/lifetime.js";
import { isPortInUse, startPrism, type PrismMode } from "../../mock/prism.js";

/** `npm run mock` (the spec's `servers` lists http://127.0.0.1:4010). */
export const DEFAULT_PORT = 4010;
/** `npm run proxy`: its own default, so a mock and a proxy run side by side. */
export const DEFAULT_PROXY_PORT = 4011;

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

/**
 * Starts Prism, prints the banner, and serves until asked to stop: Ctrl-C (exit 130), SIGTERM (143),
 * SIGHUP or a lost launcher (129). Prism runs in this process, so once it is closed nothing of it is
 * left. A taken port is one line on stderr and exit 1.
 */
export async function runUntilSignal(mode: PrismMode, port: number, banner: (url: string) => string, name: string = mode.mode): Promise<void> {
  const starting = startPrism({ ...mode, output: process.stdout }, port);
  // Installed before the start completes: a Ctrl-C while Prism loads still stops it cleanly.
  stopOnExitRequest(async (reason) => {
    if (reason !== "SIGINT") process.stderr.write(`${name}: stopping (${reason === "launcher" ? "the process that launched it is gone" : reason})\n`);
    await starting.then((prism) => prism.close(), () => {});
  });
  let prism;
  try {
    prism = await starting;
  } catch (err) {
    process.stderr.write(
      isPortInUse(err)
        ? `${name}: port ${port} is already in use (another mock or proxy?); choose another with --port N\n`
        : `${name}: could not start Prism: ${(err as Error).message}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`\n${banner(prism.url)}\n\n`);
}
