// Flags and environment of `npm run conformance` (declared once with common/cli-flags.ts), turned into run options. Every mistake is a
// UsageError naming the flag, variable or value at fault (the CLI exits 2 on it).
import { resolve } from "node:path";
import { CASE_IDS } from "../generated/contract.js";
import { choiceFlag, defineCli, integerFlag, listFlag, UsageError, wrapList } from "../common/cli-flags.js";
import { pemFrom } from "../common/credentials.js";
import { checkBaseUrl } from "../src/base-url.js";
import { SUPPORTED_TIME_ZONES, zoneOffsetMinutes, type Credentials } from "../src/signing.js";
import { MAX_SEED } from "./acceptance/fuzz.js";
import { MAX_TIMEOUT_MS } from "../src/timeout.js";
import { caseKinds } from "./kinds/registry.js";

export { UsageError };

/** The names of the kinds of case a run can hold, in run order; `--kind` picks one. */
export const caseKindNames = (): string[] => caseKinds().map((k) => k.name);

/** A case id as `--help` lists it. */
export interface ListedCase {
  id: string;
  kind: string;
  /** Made only when the run encrypts (the refuse:crypto:* family). */
  encryptedOnly?: boolean;
}

/** Each fuzz case is a request and a row of every report. */
export const MAX_FUZZ = 10_000;

export { MAX_TIMEOUT_MS };
export const DEFAULT_TIMEOUT_MS = 10_000;

/** What an encrypted run needs, as `--help` and error messages say it. */
export const ENCRYPTED_MODE_VARIABLES = "KONAPLATE_CRYPTO_KEY_ID, KONAPLATE_SERVER_PUBLIC_KEY";

export const CLI = defineCli({
  usage: "npm run conformance -- [options]   (or npx konaplate-conformance [options])",
  about: `Runs every documented case of POST /api/v1/bankaccounts/user/valid against a server and judges
its answers against spec/openapi.yaml, then every acceptance case: the success request with one
field or header changed to one valid value derived from the spec, which must get a documented
outcome; then every refusal case: a request derived from the spec that breaks one rule (a header, a
body field, the token, a credential) and must be refused with a 4xx. Without --target, an embedded
Prism mock is started; it cannot judge tokens, credentials or request times, so those refusal cases
are skipped against it (reported with the reason).`,
  flags: {
    target: { value: "URL", help: "base URL of the server (the operation path is appended); default\n$KONAPLATE_BASE_URL, else an embedded Prism mock" },
    cases: {
      value: "FILE",
      help: `JSON overrides per case: {"<case id>": {"body": {...}, "headers": {...}}}
(body fields merged over the default body; a digit-string userId is sent
as a JSON number with every digit)`,
    },
    "report-dir": { value: "DIR", help: "where report.json, junit.xml and report.html go (default conformance-report)" },
    timeout: { value: "MS", help: `time allowed for each answer (default 10000, at most ${MAX_TIMEOUT_MS})` },
    concurrency: { value: "N", help: "cases in flight at once (default 4; 1 for a rate-limited server)" },
    only: { value: "ID,...", help: "run only these case ids; an id may end with * to take every id it starts\n(e.g. 002_* or 'refuse:auth:*')" },
    kind: { value: "KIND", help: `run only cases of this kind: ${caseKindNames().join(" or ")}` },
    fuzz: { value: "N", help: `also N acceptance cases with random valid bodies drawn from the spec
(default 0, at most ${MAX_FUZZ}); the seed is printed and kept in report.json` },
    seed: { value: "S", help: `the seed of --fuzz (0 to ${MAX_SEED}; default a random one): the same seed
draws the same bodies again` },
    strict: {
      help: `cases built on the kit's own reading of the contract (rules marked inferred
or choice in the spec, the request-time window, the Content-Type) fail
like the others instead of warning`,
    },
    "max-response-time": {
      value: "MS",
      help: "the longest an answer may take, from the request's start to its last\nbyte: a case answered later fails check response-time (default: no limit)",
    },
  },
  footer: `Paths (--cases, --report-dir) are relative to the folder the command was run from.

Environment (required with a target): KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY;
optional KONAPLATE_TIME_ZONE (default KST). Encrypted mode: KONAPLATE_CRYPTO_KEY_ID,
KONAPLATE_SERVER_PUBLIC_KEY and KONAPLATE_CLIENT_PRIVATE_KEY (PEM text or a path to a PEM file);
it adds the refuse:crypto:* cases (each breaks the encryption one way) and checks that answers
to encrypted requests come encrypted (encrypted-answer, a warning unless --strict).

Exit codes: 0 no case failed (skipped cases and warnings do not fail), 1 a case failed, 2 usage or
configuration error.`,
});

/** The documented cases' ids, in catalog order. */
export function documentedCaseList(): ListedCase[] {
  return CASE_IDS.map((id) => ({ id, kind: "documented" }));
}

/** The case ids `--only` and `--cases` take, grouped by kind, for the end of `--help`. */
export function caseListing(cases: readonly ListedCase[]): string {
  const lines = ["Case ids (for --only and --cases), by kind:"];
  for (const kind of caseKindNames()) {
    const ids = cases.filter((c) => c.kind === kind && !c.encryptedOnly).map((c) => c.id);
    if (ids.length) lines.push(`  ${`${kind}:`.padEnd(12)}${wrapList(ids, " ".repeat(14))}`);
    const encrypted = cases.filter((c) => c.kind === kind && c.encryptedOnly).map((c) => c.id);
    if (encrypted.length) lines.push(`  ${kind}, in encrypted mode only (${ENCRYPTED_MODE_VARIABLES}):`, `${" ".repeat(14)}${wrapList(encrypted, " ".repeat(14))}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The whole `--help` text, listing the given cases. */
export function usage(cases: readonly ListedCase[] = documentedCaseList()): string {
  return CLI.usage(caseListing(cases));
}

export const USAGE = usage();

export interface CliOptions {
  target?: string;
  casesFile?: string;
  reportDir: string;
  timeoutMs: number;
  concurrency: number;
  /** Case ids; an entry ending in `*` stands for every id starting with what precedes it. */
  only?: string[];
  kind?: string;
  strict: boolean;
  /** --fuzz: random valid bodies as acceptance cases (0: none). */
  fuzz: number;
  /** --seed of --fuzz; the CLI draws one when --fuzz is given without it, so a run always knows its seed. */
  seed?: number;
  /** --max-response-time: the longest an answer may take, in ms; no limit when absent. */
  maxResponseTimeMs?: number;
  help: boolean;
}

/** A flag a failure's `reproduce` command carries, with the value the run used (undefined: not set). */
export interface ReproducedFlag {
  flag: keyof typeof CLI.def.flags & string;
  /** From the options as typed (a path stays relative to the folder the user ran from), the target resolved. */
  value(options: CliOptions): string | true | undefined;
}

/**
 * The flags that make a run's cases what they are: which server, which requests, how they are
 * judged. A `reproduce` command (reproduce.ts) carries each one the run set, so a new flag of that
 * sort is one more entry here. Not here: --only (the command names its case), --report-dir (it
 * writes apart, see reproduce.ts), --concurrency (one case runs alone).
 */
export const REPRODUCED_FLAGS: readonly ReproducedFlag[] = [
  { flag: "target", value: (o) => o.target },
  { flag: "cases", value: (o) => o.casesFile },
  { flag: "kind", value: (o) => o.kind },
  { flag: "timeout", value: (o) => (o.timeoutMs === DEFAULT_TIMEOUT_MS ? undefined : String(o.timeoutMs)) },
  { flag: "strict", value: (o) => o.strict || undefined },
  { flag: "max-response-time", value: (o) => o.maxResponseTimeMs?.toString() },
  // A fuzz case is the Nth body the seed draws: the same --fuzz and --seed draw it again.
  { flag: "fuzz", value: (o) => (o.fuzz > 0 ? String(o.fuzz) : undefined) },
  { flag: "seed", value: (o) => o.seed?.toString() },
];

/** Ids, or prefixes ending in a single `*`: a `*` anywhere else is a mistake, not a pattern. */
function onlyPatterns(raw: string): string[] {
  const items = listFlag("--only", raw, "case id");
  for (const item of items) {
    if (item.slice(0, -1).includes("*")) throw new UsageError(`--only: "${item}" may hold * only at its end (a prefix such as 002_*)`);
  }
  return items;
}

/** Parses `--flag value` and `--flag=value`; unknown flags, repeats, missing values and bad numbers are UsageErrors. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const { flags, help } = CLI.parse(argv);
  const options: CliOptions = { reportDir: flags["report-dir"] ?? "conformance-report", timeoutMs: DEFAULT_TIMEOUT_MS, concurrency: 4, strict: flags.strict === true, fuzz: 0, help };
  if (flags.target !== undefined) options.target = flags.target;
  if (flags.cases !== undefined) options.casesFile = flags.cases;
  if (flags.timeout !== undefined) {
    options.timeoutMs = integerFlag("--timeout", flags.timeout, { min: 1, max: MAX_TIMEOUT_MS, what: "milliseconds", maxReason: "the longest delay Node's timers allow" });
  }
  if (flags.concurrency !== undefined) options.concurrency = integerFlag("--concurrency", flags.concurrency, { min: 1, max: Number.MAX_SAFE_INTEGER, what: "cases" });
  if (flags.only !== undefined) options.only = onlyPatterns(flags.only);
  if (flags.kind !== undefined) options.kind = choiceFlag("--kind", flags.kind, caseKindNames());
  if (flags.fuzz !== undefined) options.fuzz = integerFlag("--fuzz", flags.fuzz, { min: 0, max: MAX_FUZZ, what: "cases", maxReason: "each is a request and a row of every report" });
  if (options.fuzz > 0 && options.kind !== undefined && options.kind !== "acceptance") throw new UsageError(`--fuzz adds acceptance cases: it does not go with --kind ${options.kind}`);
  if (flags.seed !== undefined) {
    if (options.fuzz === 0) throw new UsageError("--seed: only with --fuzz N (N at least 1): it seeds the random bodies of --fuzz");
    if (!/^[0-9]{1,10}$/.test(flags.seed) || Number(flags.seed) > MAX_SEED) throw new UsageError(`--seed must be a whole number from 0 to ${MAX_SEED} (fast-check's seeds are 32-bit), got "${flags.seed}"`);
    options.seed = Number(flags.seed);
  }
  if (flags["max-response-time"] !== undefined) {
    options.maxResponseTimeMs = integerFlag("--max-response-time", flags["max-response-time"], { min: 1, max: Number.MAX_SAFE_INTEGER, what: "milliseconds" });
  }
  return options;
}

/**
 * A path the user typed, made absolute against the folder they ran the command from: `npm run`
 * starts scripts in the project root and says where the user was in INIT_CWD.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv): string {
  return resolve(env.INIT_CWD || process.cwd(), path);
}

/** A base URL: http(s), no query or fragment; credentials in it are refused (they would end in reports). */
export function parseTarget(raw: string, source: string): string {
  const { url, faults } = checkBaseUrl(raw);
  if (!url) throw new UsageError(`${source}: "${raw}" is not a URL (expected e.g. https://sandbox.konaplate.com/open-api)`);
  if (faults.includes("not-http")) throw new UsageError(`${source}: expected an http or https URL, got ${url.protocol}`);
  if (faults.includes("user-info")) throw new UsageError(`${source}: do not put credentials in the URL; use KONAPLATE_ACCESS_KEY and KONAPLATE_SECRET_KEY`);
  if (faults.includes("query-or-fragment")) throw new UsageError(`${source}: a base URL takes no query or fragment`);
  return url.toString();
}

export interface EncryptionConfig {
  cryptoKeyId: string;
  serverPublicKey: string;
  clientPrivateKey?: string;
}

const REQUIRED_CREDENTIALS = ["KONAPLATE_ASP_ID", "KONAPLATE_ACCESS_KEY", "KONAPLATE_SECRET_KEY"] as const;
const OPTIONAL_SETTINGS = ["KONAPLATE_TIME_ZONE", "KONAPLATE_CRYPTO_KEY_ID", "KONAPLATE_SERVER_PUBLIC_KEY", "KONAPLATE_CLIENT_PRIVATE_KEY"] as const;

/** The names of the variables credentialsFromEnv() read from this environment (never their values). */
export function credentialVariables(env: NodeJS.ProcessEnv): string[] {
  return [...REQUIRED_CREDENTIALS, ...OPTIONAL_SETTINGS.filter((name) => env[name])];
}

/** Credentials and optional encryption keys from KONAPLATE_* variables; missing ones named. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): { credentials: Credentials; encryption?: EncryptionConfig } {
  const missing = REQUIRED_CREDENTIALS.filter((name) => !env[name]);
  if (missing.length) {
    throw new UsageError(`missing credentials for a real target: set ${missing.join(", ")} in the environment`);
  }
  const timeZone = env.KONAPLATE_TIME_ZONE || "KST";
  try {
    zoneOffsetMinutes(timeZone);
  } catch {
    throw new UsageError(`KONAPLATE_TIME_ZONE: "${timeZone}" is not supported; use one of ${SUPPORTED_TIME_ZONES.join(", ")}`);
  }
  const credentials: Credentials = {
    aspId: env.KONAPLATE_ASP_ID!,
    accessKey: env.KONAPLATE_ACCESS_KEY!,
    secretKey: env.KONAPLATE_SECRET_KEY!,
    timeZone,
  };
  const keyId = env.KONAPLATE_CRYPTO_KEY_ID;
  const publicKey = env.KONAPLATE_SERVER_PUBLIC_KEY;
  const privateKey = env.KONAPLATE_CLIENT_PRIVATE_KEY;
  if (!keyId && !publicKey && !privateKey) return { credentials };
  const missingCrypto = [!keyId && "KONAPLATE_CRYPTO_KEY_ID", !publicKey && "KONAPLATE_SERVER_PUBLIC_KEY"].filter(Boolean);
  if (missingCrypto.length) throw new UsageError(`encrypted mode is incomplete: set ${missingCrypto.join(", ")} as well`);
  const encryption: EncryptionConfig = { cryptoKeyId: keyId!, serverPublicKey: pemFrom("KONAPLATE_SERVER_PUBLIC_KEY", publicKey!) };
  if (privateKey) encryption.clientPrivateKey = pemFrom("KONAPLATE_CLIENT_PRIVATE_KEY", privateKey);
  return { credentials, encryption };
}
