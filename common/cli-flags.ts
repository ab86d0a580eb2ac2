// One way for every command of the kit to declare its flags, print its usage and report a mistake:
// Node's own util.parseArgs in strict mode, plus the kit's rules on top (a flag given twice is an
// error, an empty value is an error) and messages that name the flag and the rule. Each command
// decides how to print a UsageError; exitOnUsage() is the usual way (exit 2, usage on stderr).
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake in how a command was called: the message names the flag, variable or value at fault. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface FlagDef {
  /** Placeholder of the flag's value in the usage (`URL`, `N`); a flag without one is a switch. */
  value?: string;
  /** One line, or several joined by "\n" (continuation lines are indented under the first). */
  help: string;
  /** A one-letter alias, e.g. "h". */
  short?: string;
}

export interface CommandDef<F extends Record<string, FlagDef>> {
  /** How to call it, after "Usage: ", e.g. "npm run mock -- [--port N]". */
  usage: string;
  /** What it does: a paragraph printed under the usage line. */
  about: string;
  /** The flags by long name (without "--"). `--help`/`-h` is added to every command. */
  flags: F;
  /** Name of the free arguments (e.g. "NAME"); without it, any free argument is an error. */
  positionals?: string;
  /** Text printed after the flag list (environment, exit codes, lists of valid names). */
  footer?: string;
}

/** A switch is true or absent; a valued flag is its string or absent. */
export type FlagValues<F extends Record<string, FlagDef>> = {
  [K in keyof F]?: F[K] extends { value: string } ? string : true;
};

export interface Parsed<F extends Record<string, FlagDef>> {
  flags: FlagValues<F>;
  positionals: string[];
  help: boolean;
}

const HELP: FlagDef = { help: "this text", short: "h" };
const COLUMN = 21;

export interface Cli<F extends Record<string, FlagDef>> {
  readonly def: CommandDef<F>;
  /** The whole help text; `extra` is appended (e.g. a list of valid names computed at run time). */
  usage(extra?: string): string;
  /** Parses argv (`--flag value` and `--flag=value`); every mistake is a UsageError naming the flag. */
  parse(argv: readonly string[]): Parsed<F>;
}

export function defineCli<const F extends Record<string, FlagDef>>(def: CommandDef<F>): Cli<F> {
  const all: Record<string, FlagDef> = { ...def.flags, help: HELP };
  const config: ParseArgsConfig = {
    options: Object.fromEntries(
      Object.entries(all).map(([name, flag]) => [name, { type: flag.value ? "string" : "boolean", ...(flag.short ? { short: flag.short } : {}) }]),
    ),
    strict: true,
    allowPositionals: def.positionals !== undefined,
    tokens: true,
  };
  return {
    def,
    usage: (extra) => usageText(def, all) + (extra ? `\n${extra.replace(/\n*$/, "\n")}` : ""),
    parse(argv) {
      let result: ReturnType<typeof parseArgs>;
      try {
        result = parseArgs({ ...config, args: [...argv] });
      } catch (err) {
        throw diagnose(argv, config, all) ?? new UsageError((err as Error).message.split("\n")[0]!);
      }
      const seen = new Set<string>();
      for (const token of result.tokens ?? []) {
        if (token.kind !== "option") continue;
        const flag = `--${token.name}`;
        if (seen.has(token.name)) throw new UsageError(`${flag} given twice`);
        seen.add(token.name);
        if (all[token.name]?.value && !token.value) throw new UsageError(`${flag} needs a value`);
      }
      const { help, ...flags } = result.values as Record<string, string | boolean | undefined>;
      return { flags: flags as FlagValues<F>, positionals: result.positionals, help: help === true };
    },
  };
}

/**
 * Strict parseArgs says what is wrong but not always in the kit's words; a lenient pass over the
 * same arguments finds the first offending token so the message can name the flag and the rule.
 */
function diagnose(argv: readonly string[], config: ParseArgsConfig, all: Record<string, FlagDef>): UsageError | undefined {
  const { tokens } = parseArgs({ ...config, args: [...argv], strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional" && !config.allowPositionals) {
      return new UsageError(`unexpected argument "${token.value}" (flags take the form --name value)`);
    }
    if (token.kind !== "option") continue;
    const flag = all[token.name];
    if (!flag) return new UsageError(`unknown flag ${token.rawName}`);
    const name = `--${token.name}`;
    if (!flag.value && token.inlineValue) return new UsageError(`${name} takes no value`);
    if (flag.value && (token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))) {
      const given = token.value !== undefined && /^-[0-9]/.test(token.value) ? ` (a value starting with "-" is written ${name}=${token.value})` : "";
      return new UsageError(`${name} needs a value${given}`);
    }
  }
  return undefined;
}

function usageText(def: CommandDef<Record<string, FlagDef>>, all: Record<string, FlagDef>): string {
  const lines = [`Usage: ${def.usage}`, "", def.about.trimEnd(), "", "Options:"];
  for (const [name, flag] of Object.entries(all)) {
    const head = `  --${name}${flag.value ? ` ${flag.value}` : ""}`;
    const [first = "", ...rest] = flag.help.split("\n");
    lines.push(head.length < COLUMN ? head.padEnd(COLUMN) + first : `${head}\n${" ".repeat(COLUMN)}${first}`);
    for (const more of rest) lines.push(" ".repeat(COLUMN) + more);
  }
  if (def.footer) lines.push("", def.footer.trimEnd());
  return `${lines.join("\n")}\n`;
}

/**
 * For scripts whose only answer to a mistake is to stop: `--help` prints the usage and exits 0; a
 * UsageError prints `<command>: <message>` and the usage on stderr and exits 2.
 */
export function parseOrExit<F extends Record<string, FlagDef>>(cli: Cli<F>, command: string, argv: readonly string[], extra?: string): Parsed<F> {
  let parsed: Parsed<F>;
  try {
    parsed = cli.parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    exitWithUsage(cli, command, err.message, extra);
  }
  if (parsed.help) {
    process.stdout.write(cli.usage(extra));
    process.exit(0);
  }
  return parsed;
}

/** Prints `<command>: <message>`, a blank line and the usage on stderr, then exits 2. */
export function exitWithUsage(cli: Cli<Record<string, FlagDef>>, command: string, message: string, extra?: string): never {
  process.stderr.write(`${command}: ${message}\n\n${cli.usage(extra)}`);
  process.exit(2);
}

/** A whole number within [min, max]; the message names the flag, the unit and the range broken. */
export function integerFlag(flag: string, raw: string, rule: { min: number; max: number; what: string; maxReason?: string }): number {
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < rule.min) {
    const kind = rule.min === 1 ? "a positive whole number" : `a whole number from ${rule.min}`;
    throw new UsageError(`${flag} must be ${kind} of ${rule.what}, got "${raw}"`);
  }
  if (n > rule.max) throw new UsageError(`${flag} must be at most ${rule.max} ${rule.what}${rule.maxReason ? ` (${rule.maxReason})` : ""}, got "${raw}"`);
  return n;
}

/** A TCP port, 1 to 65535. */
export function portFlag(flag: string, raw: string): number {
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new UsageError(`${flag} must be a whole number from 1 to 65535, got "${raw}"`);
  return n;
}

/** One of a fixed set of words; the message lists them. */
export function choiceFlag<const T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got "${raw}"`);
  return raw as T;
}

/** Comma-separated items, trimmed, empty ones dropped; at least one. */
export function listFlag(flag: string, raw: string, what: string): string[] {
  const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`${flag} needs at least one ${what}`);
  return items;
}

/** Words wrapped to lines of at most `width` characters, each line after the first indented. */
export function wrapList(items: readonly string[], indent: string, width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    if (line && indent.length + line.length + item.length + 2 > width) {
      lines.push(line + ",");
      line = item;
    } else line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}
