// `npm run sandbox` flags and environment, turned into server options. Every mistake is a UsageError
// naming the flag or variable and the rule (the CLI exits 2 on it).
import { OPERATION, SERVERS } from "../generated/contract.js";
import { defineCli, integerFlag, portFlag, UsageError } from "../common/cli-flags.js";
import { PLACEHOLDER_CREDENTIALS, pemFrom } from "../common/credentials.js";
import { privateKey, publicKey } from "../src/encryption.js";
import { validateRequestHeaders } from "../src/validation.js";
import { outcomeTable } from "./outcomes.js";
import { SANDBOX_REFUSAL_CODE } from "./refusal.js";
import type { SandboxCredentials, SandboxEncryption } from "./request-checks.js";

export { UsageError };

export const DEFAULT_PORT = 4020;
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;

/** The path of the spec's public sandbox server (`/open-api`): the sandbox serves under the same prefix. */
export const BASE_PATH = new URL(SERVERS[0].url).pathname.replace(/\/$/, "");

export const CLI = defineCli({
  usage: "npm run sandbox -- [--port N] [--max-clock-skew SECONDS] [encryption flags]   (or npx konaplate-sandbox [options])",
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
    "server-private-key": { value: "FILE", help: "the server's RSA private key (PKCS#8 PEM): turns on encryption\n(or KONAPLATE_SERVER_PRIVATE_KEY)" },
    "client-public-key": { value: "FILE", help: "your application's RSA public key (SPKI PEM): answers are encrypted\nfor it (or KONAPLATE_CLIENT_PUBLIC_KEY)" },
    "crypto-key-id": {
      value: "ID",
      help: `the X-KM-Crypto-Key-Id an encrypted body must name (32 characters; or
KONAPLATE_CRYPTO_KEY_ID); without it any well-formed id is taken`,
    },
  },
  footer: `Environment:
  KONAPLATE_ASP_ID, KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY   the credentials it expects (all three);
      without them it expects placeholders and prints them: AspId ${PLACEHOLDER_CREDENTIALS.aspId},
      access key ${PLACEHOLDER_CREDENTIALS.accessKey}, secret key ${PLACEHOLDER_CREDENTIALS.secretKey}
  KONAPLATE_SERVER_PRIVATE_KEY, KONAPLATE_CLIENT_PUBLIC_KEY   (PEM text or a path to a PEM file) turn on
      encryption: {"encData": "<JWE>"} requests are decrypted and their answers encrypted
  KONAPLATE_CRYPTO_KEY_ID   the X-KM-Crypto-Key-Id it expects with an encrypted body (default: any well formed)
  A flag wins over its variable. Refusals stay plain JSON, so a broken encryption set-up can read why.

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

type EncryptionFlags = Partial<Record<"server-private-key" | "client-public-key" | "crypto-key-id", string>>;

/** A setting from its flag, else its variable; `from` names where it came from for messages. */
function setting(flag: keyof EncryptionFlags, variable: string, flags: EncryptionFlags, env: NodeJS.ProcessEnv): { value: string; from: string } | undefined {
  if (flags[flag] !== undefined) return { value: flags[flag]!, from: `--${flag}` };
  return env[variable] ? { value: env[variable]!, from: variable } : undefined;
}

/** The key id must be one a client can send: the spec's X-KM-Crypto-Key-Id rules (32 characters). */
function checkKeyId(keyId: { value: string; from: string }): string {
  const broken = validateRequestHeaders({ "X-KM-Crypto-Key-Id": keyId.value }).filter((v) => v.path === "X-KM-Crypto-Key-Id");
  if (broken.length) throw new UsageError(`${keyId.from}: ${broken.map((v) => v.message).join("; ")} (the spec's rule; no client could send it)`);
  return keyId.value;
}

async function encryptionFrom(flags: EncryptionFlags, env: NodeJS.ProcessEnv): Promise<SandboxEncryption | undefined> {
  const serverKey = setting("server-private-key", "KONAPLATE_SERVER_PRIVATE_KEY", flags, env);
  const clientKey = setting("client-public-key", "KONAPLATE_CLIENT_PUBLIC_KEY", flags, env);
  if (!serverKey && !clientKey) {
    if (flags["crypto-key-id"] !== undefined) throw new UsageError("--crypto-key-id needs encryption on: give --server-private-key and --client-public-key as well");
    return undefined;
  }
  const missing = [!serverKey && "--server-private-key (or KONAPLATE_SERVER_PRIVATE_KEY)", !clientKey && "--client-public-key (or KONAPLATE_CLIENT_PUBLIC_KEY)"].filter(Boolean);
  if (missing.length) throw new UsageError(`encryption is incomplete: give ${missing.join(" and ")} as well`);
  const encryption: SandboxEncryption = {
    serverPrivateKey: pemFrom(serverKey!.from, serverKey!.value),
    clientPublicKey: pemFrom(clientKey!.from, clientKey!.value),
  };
  await privateKey(encryption.serverPrivateKey).catch(() => {
    throw new UsageError(`${serverKey!.from}: not an RSA private key in PKCS#8 PEM form`);
  });
  await publicKey(encryption.clientPublicKey!).catch(() => {
    throw new UsageError(`${clientKey!.from}: not an RSA public key in SPKI PEM form`);
  });
  const keyId = setting("crypto-key-id", "KONAPLATE_CRYPTO_KEY_ID", flags, env);
  if (keyId) encryption.cryptoKeyId = checkKeyId(keyId);
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
  const encryption = await encryptionFrom(flags, env);
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
    ? `encryption: on; X-KM-Crypto-Key-Id ${e.cryptoKeyId ? "must be the configured key id (not shown)" : "any well formed (give --crypto-key-id to refuse other ids)"}`
    : "encryption: off (give --server-private-key and --client-public-key to decrypt {\"encData\"})";
  const clock = settings.maxClockSkewSeconds ? `clock: X-KM-Tran-Time within ±${settings.maxClockSkewSeconds} s of now in X-KM-Time-Zone` : "clock: not checked (--max-clock-skew 0)";
  return [`Konaplate sandbox listening on ${baseUrl}`, `  ${OPERATION.method} ${baseUrl}${OPERATION.path}`, ...credentials, encryption, clock, "--help lists the test members and their answers; Ctrl-C stops it", ""].join("\n");
}
