// Flags and environment of `npm run conformance`, turned into run options. Every mistake is a
// UsageError naming the flag, variable or value at fault (the CLI exits 2 on it).
import { readFileSync } from "node:fs";
import { SUPPORTED_TIME_ZONES, zoneOffsetMinutes, type Credentials } from "../src/signing.js";

export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: npm run conformance -- [options]

Runs every documented case of POST /api/v1/bankaccounts/user/valid against a server and judges
its answers against spec/openapi.yaml. Without --target, an embedded Prism mock is started.

Options:
  --target URL         base URL of the server (the operation path is appended); default
                       $KONAPLATE_BASE_URL, else an embedded Prism mock
  --cases FILE         JSON overrides per case: {"<case id>": {"body": {...}, "headers": {...}}}
                       (body fields merged over the default body; a digit-string userId is sent
                       as a JSON number with every digit)
  --report-dir DIR     where report.json, junit.xml and report.html go (default conformance-report)
  --timeout MS         time allowed for each answer (default 10000)
  --concurrency N      cases in flight at once (default 4; 1 for a rate-limited server)
  --only ID,...        run only these case ids
  --help               this text

Environment (required with a target): KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY;
optional KONAPLATE_TIME_ZONE (default KST). Encrypted mode: KONAPLATE_CRYPTO_KEY_ID,
KONAPLATE_SERVER_PUBLIC_KEY and KONAPLATE_CLIENT_PRIVATE_KEY (PEM text or a path to a PEM file).

Exit codes: 0 every case passed, 1 a case failed, 2 usage or configuration error.
`;

export interface CliOptions {
  target?: string;
  casesFile?: string;
  reportDir: string;
  timeoutMs: number;
  concurrency: number;
  only?: string[];
  help: boolean;
}

const VALUE_FLAGS = ["--target", "--cases", "--report-dir", "--timeout", "--concurrency", "--only"] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function positiveInteger(flag: string, raw: string, what: string): number {
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${flag} must be a positive whole number of ${what}, got "${raw}"`);
  }
  return Number(raw);
}

/** Parses `--flag value` and `--flag=value`; unknown flags, missing values and bad numbers are UsageErrors. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { reportDir: "conformance-report", timeoutMs: 10_000, concurrency: 4, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      options.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 && arg.startsWith("--") ? arg.slice(0, eq) : arg;
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(arg.startsWith("-") ? `unknown flag ${flag}` : `unexpected argument "${arg}" (flags take the form --name value)`);
    }
    let value: string | undefined;
    if (eq > 0 && arg.startsWith("--")) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      i++;
    }
    if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    switch (flag as ValueFlag) {
      case "--target":
        options.target = value;
        break;
      case "--cases":
        options.casesFile = value;
        break;
      case "--report-dir":
        if (!value) throw new UsageError("--report-dir needs a directory");
        options.reportDir = value;
        break;
      case "--timeout":
        options.timeoutMs = positiveInteger("--timeout", value, "milliseconds");
        break;
      case "--concurrency":
        options.concurrency = positiveInteger("--concurrency", value, "cases");
        break;
      case "--only": {
        const ids = value.split(",").map((s) => s.trim()).filter(Boolean);
        if (!ids.length) throw new UsageError("--only needs at least one case id");
        options.only = ids;
        break;
      }
    }
  }
  return options;
}

/** A base URL: http(s), no query or fragment; credentials in it are refused (they would end in reports). */
export function parseTarget(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${source}: "${raw}" is not a URL (expected e.g. https://sandbox.konaplate.com/open-api)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${source}: expected an http or https URL, got ${url.protocol}`);
  if (url.username || url.password) throw new UsageError(`${source}: do not put credentials in the URL; use KONAPLATE_ACCESS_KEY and KONAPLATE_SECRET_KEY`);
  if (url.search || url.hash) throw new UsageError(`${source}: a base URL takes no query or fragment`);
  return url.toString();
}

/** Placeholders of the spec's shapes (AspId 15, access key 40): a mock checks shape, never value. */
export const MOCK_CREDENTIALS: Credentials = {
  aspId: "KONAPLATEASP001",
  accessKey: "AK00000000000000000000000000000000000001",
  secretKey: "mock-secret-key-placeholder",
  timeZone: "KST",
};

export interface EncryptionConfig {
  cryptoKeyId: string;
  serverPublicKey: string;
  clientPrivateKey?: string;
}

/** PEM text as given, or the contents of the file it names. */
function pemFrom(variable: string, value: string): string {
  if (value.includes("-----BEGIN")) return value.replace(/\\n/g, "\n");
  try {
    const text = readFileSync(value, "utf8");
    if (!text.includes("-----BEGIN")) throw new UsageError(`${variable}: ${value} holds no PEM block`);
    return text;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${variable}: neither PEM text nor a readable PEM file (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
}

/** Credentials and optional encryption keys from KONAPLATE_* variables; missing ones named. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): { credentials: Credentials; encryption?: EncryptionConfig } {
  const required = ["KONAPLATE_ASP_ID", "KONAPLATE_ACCESS_KEY", "KONAPLATE_SECRET_KEY"] as const;
  const missing = required.filter((name) => !env[name]);
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
