#!/usr/bin/env node
// `npm run conformance` (or `npx konaplate-conformance`): flags and environment in, reports and an exit code out
// (0 all passed, 1 a case failed, 2 usage or configuration). Without a target it runs its own Prism
// mock and stops it on every way out: success, failure, a thrown error, Ctrl-C or SIGTERM.
import { randomInt } from "node:crypto";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OPERATION } from "../generated/contract.js";
import { operationUrl } from "../src/base-url.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../src/bounded-body.js";
import { privateKey, publicKey } from "../src/encryption.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders, type Credentials } from "../src/signing.js";
import { validateRequestHeaders } from "../src/validation.js";
import { MOCK_CREDENTIALS } from "../common/credentials.js";
import { stopOnExitRequest } from "../common/lifetime.js";
import { startPrism, stopAllPrism, type PrismHandle } from "../mock/prism.js";
import { MAX_SEED } from "./acceptance/fuzz.js";
import { readCaseOverrides } from "./catalog.js";
import {
  credentialVariables,
  credentialsFromEnv,
  parseArgs,
  parseTarget,
  usage,
  UsageError,
  userPath,
  type CliOptions,
  type EncryptionConfig,
  type ListedCase,
} from "./config.js";
import { checkCredentialHeaders, checkHeaderOverrides } from "./header-overrides.js";
import { checkWritableDir } from "./report-files.js";
import { createProgress } from "./progress.js";
import { reproduction, type Reproduction } from "./reproduce.js";
import { renderTerminalReport, writeReports } from "./reporters/index.js";
import { runConformance, type RunOptions } from "./runner.js";
import type { ConformanceCase } from "./kinds/kind.js";
import { caseKinds, kindOf } from "./kinds/registry.js";
import { deriveContext, selectRun } from "./selection.js";
import { exchange } from "./transport.js";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface Plan {
  options: CliOptions;
  target?: string;
  cases: ConformanceCase[];
  credentials: Credentials;
  encryption?: EncryptionConfig;
  reproduce?: Reproduction;
}

async function checkKeys(encryption: EncryptionConfig): Promise<void> {
  await publicKey(encryption.serverPublicKey).catch(() => {
    throw new UsageError("KONAPLATE_SERVER_PUBLIC_KEY: not an RSA public key in SPKI PEM form");
  });
  if (encryption.clientPrivateKey) {
    await privateKey(encryption.clientPrivateKey).catch(() => {
      throw new UsageError("KONAPLATE_CLIENT_PRIVATE_KEY: not an RSA private key in PKCS#8 PEM form");
    });
  }
}

/**
 * Every kind's cases as derived for the default request (placeholder credentials of valid shape),
 * and those an encrypted run adds (deriving needs no key: only building encrypts).
 */
function defaultCases(): { kind: string; cases: ConformanceCase[]; encryptedOnly: ConformanceCase[]; mockSkips: number }[] {
  const context = deriveContext({ credentials: MOCK_CREDENTIALS });
  const encrypted = deriveContext({ credentials: MOCK_CREDENTIALS, encrypted: true });
  const build = { credentials: MOCK_CREDENTIALS, mock: true };
  return caseKinds().map((kind) => {
    const cases = kind.derive(context);
    const plain = new Set(cases.map((c) => c.id));
    const encryptedOnly = kind.derive(encrypted).filter((c) => !plain.has(c.id));
    return { kind: kind.name, cases, encryptedOnly, mockSkips: cases.filter((c) => kind.skipReason?.(c, build) !== undefined).length };
  });
}

/** Every case id `--help` lists with its kind. */
export function listedCases(): ListedCase[] {
  return defaultCases().flatMap(({ kind, cases, encryptedOnly }) => [...cases.map((c) => ({ id: c.id, kind })), ...encryptedOnly.map((c) => ({ id: c.id, kind, encryptedOnly: true }))]);
}

/** How many requests a full run sends, counted from the spec as it is now. */
function fullRunLine(): string {
  const kinds = defaultCases();
  const total = kinds.reduce((sum, k) => sum + k.cases.length, 0);
  const parts = kinds.map((k) => `${k.cases.length} ${k.kind}`);
  const skips = kinds.filter((k) => k.mockSkips).map((k) => `${k.mockSkips} ${k.kind} cases`);
  const counted = `${parts.slice(0, -1).join(", ")}${parts.length > 1 ? " and " : ""}${parts.at(-1)}`;
  const more = kinds.filter((k) => k.encryptedOnly.length).map((k) => `${k.encryptedOnly.length} more ${k.kind} cases`);
  const encrypted = more.length ? `\nIn encrypted mode ${more.join(" and ")} test the encryption itself.` : "";
  return `\nA full run sends ${total} requests, one per case: ${counted} cases${skips.length ? ` (against the embedded mock ${skips.join(" and ")} are skipped)` : ""}.${encrypted}\n`;
}

/** Everything that can be wrong before a single request is sent: each a UsageError. */
async function plan(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<Plan> {
  const options = parseArgs(argv);
  if (options.help) return { options, cases: [], credentials: MOCK_CREDENTIALS };
  // A run with --fuzz always knows its seed (drawn here when not given): printed, reported and
  // carried by each reproduce command.
  if (options.fuzz > 0) options.seed ??= randomInt(0, MAX_SEED + 1);
  // As typed, for the reproduce commands: run from the same folder, a relative path means the same file.
  const typed = { ...options };
  // Paths the user typed are theirs: relative to where they ran the command, shown absolute.
  options.reportDir = userPath(options.reportDir, env);
  if (options.casesFile !== undefined) options.casesFile = userPath(options.casesFile, env);
  const rawTarget = options.target ?? (env.KONAPLATE_BASE_URL || undefined);
  const target = rawTarget === undefined ? undefined : parseTarget(rawTarget, options.target !== undefined ? "--target" : "KONAPLATE_BASE_URL");
  const overrides = options.casesFile ? readCaseOverrides(options.casesFile) : {};
  checkHeaderOverrides(overrides, `--cases ${options.casesFile}`);
  const fuzz = options.fuzz > 0 ? { fuzz: { count: options.fuzz, seed: options.seed! } } : {};
  const selection = { overrides, ...(options.only ? { only: options.only } : {}), ...(options.kind ? { kind: options.kind } : {}), ...fuzz };
  if (target === undefined) {
    if (env.KONAPLATE_CRYPTO_KEY_ID || env.KONAPLATE_SERVER_PUBLIC_KEY) {
      io.stderr.write("note: the embedded Prism mock cannot decrypt; encryption settings are ignored without --target\n");
    }
    await checkWritableDir(options.reportDir);
    // Real credentials are never sent to the mock: placeholders of the right shape suffice.
    return { options, cases: selectRun({ ...selection, credentials: MOCK_CREDENTIALS }), credentials: MOCK_CREDENTIALS, reproduce: reproduction(typed, env, []) };
  }
  const { credentials, encryption } = credentialsFromEnv(env);
  checkCredentialHeaders(credentials, encryption?.cryptoKeyId);
  if (encryption) await checkKeys(encryption);
  for (const warning of credentialShapeWarnings({ ...credentials, cryptoKeyId: encryption?.cryptoKeyId })) io.stderr.write(`warning: ${warning}\n`);
  const cases = selectRun({ ...selection, credentials, ...(encryption ? { encrypted: true } : {}) });
  await checkWritableDir(options.reportDir);
  // The target as resolved, so a command run where KONAPLATE_BASE_URL is unset never falls back to the mock.
  const reproduce = reproduction({ ...typed, target }, env, credentialVariables(env));
  return encryption ? { options, target, cases, credentials, encryption, reproduce } : { options, target, cases, credentials, reproduce };
}

const HEADER_SOURCES: Readonly<Record<string, string>> = {
  "X-KM-User-AspId": "KONAPLATE_ASP_ID",
  "X-KM-Access-Key": "KONAPLATE_ACCESS_KEY",
  "X-KM-Crypto-Key-Id": "KONAPLATE_CRYPTO_KEY_ID",
  "X-KM-Time-Zone": "KONAPLATE_TIME_ZONE",
};

/**
 * Credentials whose shape breaks the spec's header rules (AspId 15 characters, access key 40, ...).
 * Only warned about: a staging server may issue other shapes, and it is the server's to judge.
 */
export function credentialShapeWarnings(credentials: Credentials): string[] {
  return validateRequestHeaders(signedHeaders(credentials, "{}"))
    .filter((v) => HEADER_SOURCES[v.path])
    .map((v) => `${HEADER_SOURCES[v.path]}: ${v.message} (the spec's rule for ${v.path}; the server will likely refuse every request)`);
}

/** One unrecorded request (the first case's body), so the first timed case does not measure the mock warming up. */
async function warmUp(url: string, credentials: Credentials, first: ConformanceCase | undefined): Promise<void> {
  const body = stringifyJson(first ? kindOf(first).requestBody(first) : {});
  // Through the runner's transport, so the connection it keeps alive is the one the first case reuses.
  // A mock that cannot answer this fails the cases themselves, with a reason.
  await exchange({ url: operationUrl(url), method: OPERATION.method, headers: { "Content-Type": "application/json", ...signedHeaders(credentials, body) }, wire: body }, 5_000, DEFAULT_MAX_RESPONSE_BYTES);
}

const EMBEDDED_LABEL = "embedded Prism mock of spec/openapi.yaml";

function headerLine(target: string | undefined): string {
  return `Konaplate conformance: ${target ?? EMBEDDED_LABEL}`;
}

/** Whether main() may exit the process on Ctrl-C and friends (not when a test calls it in-process). */
let stopsProcess = false;

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let settings: Plan;
  try {
    settings = await plan(argv, env, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`conformance: ${err.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (settings.options.help) {
    io.stdout.write(usage(listedCases()) + fullRunLine());
    return 0;
  }

  const { options } = settings;
  const progress = createProgress(io.stderr);
  let prism: PrismHandle | undefined;
  let uninstall = () => {};
  // The run's header first: a person sees what is being tested before anything starts.
  io.stdout.write(`${headerLine(settings.target)}\n`);
  const fuzzLine = options.fuzz > 0 ? `Fuzz: ${options.fuzz} random valid bodies, seed ${options.seed} (--fuzz ${options.fuzz} --seed ${options.seed} draws the same bodies)` : undefined;
  if (fuzzLine) io.stdout.write(`${fuzzLine}\n`);
  try {
    if (settings.target === undefined) {
      if (stopsProcess) {
        uninstall = stopOnExitRequest(async () => {
          progress.clear();
          await stopAllPrism();
        });
      }
      progress.status("starting the embedded Prism mock of spec/openapi.yaml ...");
      const started = performance.now();
      try {
        prism = await startPrism({ mode: "mock" });
      } catch (err) {
        progress.clear();
        io.stderr.write(`conformance: could not start the embedded Prism mock: ${(err as Error).message}\n`);
        return 2;
      }
      progress.status(`embedded Prism mock listening on ${prism.url} (${Math.round(performance.now() - started)} ms); warming it up ...`);
      await warmUp(prism.url, settings.credentials, settings.cases[0]);
      progress.status(`running ${settings.cases.length} cases against ${prism.url} ...`);
    }
    const run: RunOptions = {
      target: settings.target ?? prism!.url,
      credentials: settings.credentials,
      cases: settings.cases,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      strict: options.strict,
      mock: settings.target === undefined,
      ...(options.maxResponseTimeMs !== undefined ? { maxResponseTimeMs: options.maxResponseTimeMs } : {}),
      ...(settings.reproduce ? { reproduce: settings.reproduce } : {}),
      ...(options.fuzz > 0 ? { fuzz: { count: options.fuzz, seed: options.seed! } } : {}),
      onProgress: (done, total, latest) => progress.update(done, total, latest),
    };
    if (settings.encryption) run.encryption = settings.encryption;
    const report = await runConformance(run);
    progress.clear();

    let written: Awaited<ReturnType<typeof writeReports>> | undefined;
    let writeError: Error | undefined;
    try {
      written = await writeReports(report, options.reportDir);
    } catch (err) {
      writeError = err as Error;
    }
    const where = [...(fuzzLine ? [fuzzLine] : []), ...(written ? [`Reports: ${written.json}, ${written.junit}, ${written.html}`] : [])];
    if (where.length) where.push("");
    const rendered = renderTerminalReport(report, where, prism ? "embedded Prism mock of spec/openapi.yaml" : undefined);
    // Its first line is the header, printed (with the same facts) before the run.
    io.stdout.write(rendered.slice(rendered.indexOf("\n") + 1));
    if (writeError) {
      io.stderr.write(`conformance: could not write the reports to ${options.reportDir}: ${writeError.message}\n`);
      return 2;
    }
    return report.summary.failed > 0 ? 1 : 0;
  } finally {
    progress.clear();
    uninstall();
    await prism?.close();
  }
}

function executedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (executedDirectly()) {
  stopsProcess = true;
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
      // Nothing should be left running; if something is, it must not keep the exit code waiting.
      setTimeout(() => process.exit(code), 1_000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`conformance: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
