// `npm run sandbox` flags and environment, turned into server options. Every mistake is a UsageError
// naming the flag or variable and the rule (the CLI exits 2 on it).
import { OPERATION, SERVERS } from "../generated/contract.js";
import { defineCli, integerFlag, portFlag, UsageError } from "../common/cli-flags.js";
import { PLACEHOLDER_CREDENTIALS, pemFrom } from "../common/credentials.js";
import { privateKey, publicKey } from "../src/encryption.js";
import { outcomeTable } from "./outcomes.js";
import { SANDBOX_REFUSAL_CODE } from "./refusal.js";
import type { SandboxCredentials, SandboxEncryption } from "./request-checks.js";

export { UsageError };

export const DEFAULT_PORT = 4020;
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;

/** The path of the spec's public sandbox server (`/open-api`): the sandbox serves under the same prefix. */
export const BASE_PATH = new URL(SERVERS[0].url).pathname.replace(/\/$/, "");

export const CLI = defineCli({
  usage: "npm run sandbox -- [--port N] [--max-clock-skew SECONDS]   (or npx konaplate-sandbox [options])",
  about: `A local Konaplate for ${OPERATION.method} ${OPERATION.path} on http://127.0.0.1:N${BASE_PATH}.
It checks every request header rule of spec/openapi.yaml, the AspId and access key, the HMAC of
X-KM-Tran-Token over the raw bytes received, the token time against X-KM-Tran-Time and the clock,
and the body; it refuses a broken request with a 4xx envelope whose description names the rule
(code ${SANDBOX_REFUSAL_CODE}, a sandbox placeholder the documentation does not have).`,
  flags: {
    port: { value: "N", help: `port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)` },
    "max-clock-skew": {
      value: "SECONDS",
      help: `largest distance allowed between X-KM-Tran-Time (read in X-KM-Time-Zone)
and the sandbox's clock (default ${DEFAULT_MAX_CLOCK_SKEW_SECONDS}; 0 turns the check off)`,
    },
  },
  footer: `Environment:
  KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY   the credentials it expects (all three);
      without them it expects placeholders and prints them: AspId ${PLACEHOLDER_CREDENTIALS.aspId},
      access key ${PLACEHOLDER_CREDENTIALS.accessKey}, secret key ${PLACEHOLDER_CREDENTIALS.secretKey}
  KONAPLATE_SERVER_PRIVATE_KEY, KONAPLATE_CLIENT_PUBLIC_KEY   (PEM text or a path to a PEM file) turn on
      encryption: {"encData": "<JWE>"} requests are decrypted and their answers encrypted
  KONAPLATE_CRYPTO_KEY_ID   the X-KM-Crypto-Key-Id it expects with an encrypted body (default: any well formed)

Answers to a valid request (test members from the spec's examples; userId may be any valid id):
${outcomeTable().map((line) => `  ${line}`).join("\n")}

Exit codes: 130 after Ctrl-C, 143 after SIGTERM, 2 usage or configuration error, 1 cannot listen.`,
});

export function usage(): string {
  return CLI.usage();
}

export interface SandboxSettings {
  help: boolean;
  port: number;
  maxClockSkewSeconds: number;
  credentials: SandboxCredentials & { aspId: string; accessKey: string };
  placeholders: boolean;
  encryption?: SandboxEncryption;
}

async function encryptionFromEnv(env: NodeJS.ProcessEnv): Promise<SandboxEncryption | undefined> {
  const serverKey = env.KONAPLATE_SERVER_PRIVATE_KEY;
  const clientKey = env.KONAPLATE_CLIENT_PUBLIC_KEY;
  if (!serverKey && !clientKey) return undefined;
  const missing = [!serverKey && "KONAPLATE_SERVER_PRIVATE_KEY", !clientKey && "KONAPLATE_CLIENT_PUBLIC_KEY"].filter(Boolean);
  if (missing.length) throw new UsageError(`encryption is incomplete: set ${missing.join(" and ")} as well`);
  const encryption: SandboxEncryption = {
    serverPrivateKey: pemFrom("KONAPLATE_SERVER_PRIVATE_KEY", serverKey!),
    clientPublicKey: pemFrom("KONAPLATE_CLIENT_PUBLIC_KEY", clientKey!),
  };
  await privateKey(encryption.serverPrivateKey).catch(() => {
    throw new UsageError("KONAPLATE_SERVER_PRIVATE_KEY: not an RSA private key in PKCS#8 PEM form");
  });
  await publicKey(encryption.clientPublicKey!).catch(() => {
    throw new UsageError("KONAPLATE_CLIENT_PUBLIC_KEY: not an RSA public key in SPKI PEM form");
  });
  if (env.KONAPLATE_CRYPTO_KEY_ID) encryption.cryptoKeyId = env.KONAPLATE_CRYPTO_KEY_ID;
  return encryption;
}

export async function settingsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<SandboxSettings> {
  const { flags, help } = CLI.parse(argv);
  const skew = flags["max-clock-skew"];
  const settings: SandboxSettings = {
    help,
    port: flags.port === undefined ? DEFAULT_PORT : flags.port === "0" ? 0 : portFlag("--port", flags.port),
    maxClockSkewSeconds: skew === undefined ? DEFAULT_MAX_CLOCK_SKEW_SECONDS : integerFlag("--max-clock-skew", skew, { min: 0, max: 366 * 86_400, what: "seconds" }),
    credentials: PLACEHOLDER_CREDENTIALS,
    placeholders: true,
  };
  if (settings.help) return settings;
  const names = ["KONAPLATE_ASP_ID", "KONAPLATE_ACCESS_KEY", "KONAPLATE_SECRET_KEY"] as const;
  const set = names.filter((n) => env[n]);
  if (set.length && set.length < names.length) {
    throw new UsageError(`set all of ${names.join(", ")} or none (placeholders); missing ${names.filter((n) => !env[n]).join(", ")}`);
  }
  if (set.length) {
    settings.credentials = { aspId: env.KONAPLATE_ASP_ID!, accessKey: env.KONAPLATE_ACCESS_KEY!, secretKey: env.KONAPLATE_SECRET_KEY! };
    settings.placeholders = false;
  }
  const encryption = await encryptionFromEnv(env);
  if (encryption) settings.encryption = encryption;
  return settings;
}

/** What the sandbox prints when it listens: the base URL first, then what it expects (never a real secret). */
export function banner(baseUrl: string, settings: SandboxSettings): string {
  const c = settings.credentials;
  const credentials = settings.placeholders
    ? [
        "credentials: placeholders (KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY unset)",
        `  X-KM-User-AspId  ${c.aspId}`,
        `  X-KM-Access-Key  ${c.accessKey}`,
        `  secret key       ${c.secretKey}   (a documented placeholder, not a secret)`,
      ]
    : ["credentials: from KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY (not shown)"];
  const e = settings.encryption;
  const encryption = e
    ? `encryption: on (KONAPLATE_SERVER_PRIVATE_KEY, KONAPLATE_CLIENT_PUBLIC_KEY); X-KM-Crypto-Key-Id ${e.cryptoKeyId ? "must be KONAPLATE_CRYPTO_KEY_ID" : "any well formed"}`
    : "encryption: off (set KONAPLATE_SERVER_PRIVATE_KEY and KONAPLATE_CLIENT_PUBLIC_KEY to decrypt {\"encData\"})";
  const clock = settings.maxClockSkewSeconds ? `clock: X-KM-Tran-Time within ±${settings.maxClockSkewSeconds} s of now in X-KM-Time-Zone` : "clock: not checked (--max-clock-skew 0)";
  return [`Konaplate sandbox listening on ${baseUrl}`, `  ${OPERATION.method} ${baseUrl}${OPERATION.path}`, ...credentials, encryption, clock, "--help lists the test members and their answers; Ctrl-C stops it", ""].join("\n");
}
