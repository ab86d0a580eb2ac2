// Message encryption as the platform guideline describes it: JWE compact serialization,
// RSA-OAEP-256 key wrap with the recipient's RSA public key, A128GCM content encryption. Both
// directions are pinned to the spec's x-konaplate-encryption: an answer encrypted any other way is
// refused with an error naming the alg/enc it carried, so the conformance suite can flag it too.
import { CompactEncrypt, compactDecrypt, importPKCS8, importSPKI } from "jose";
import { ENCRYPTION } from "../generated/contract.js";

const KEY_ALGORITHM = ENCRYPTION.keyManagement;

type Key = Awaited<ReturnType<typeof importSPKI>>;

// Importing a PEM costs far more than encrypting a small body: each key is imported once. One cache
// for both kinds, keyed by kind and PEM: a failed import is forgotten, so a corrected key can follow.
const imported = new Map<string, Promise<Key>>();

function importedOnce(kind: "public" | "private", pem: string, load: () => Promise<Key>, refusal: string): Promise<Key> {
  const id = `${kind}\n${pem}`;
  let key = imported.get(id);
  if (!key) {
    key = load().catch(() => {
      imported.delete(id);
      throw new TypeError(refusal);
    });
    imported.set(id, key);
  }
  return key;
}

/** The server public key (SPKI PEM), imported once; a TypeError naming the option when it is not one. */
export function publicKey(pem: string): Promise<Key> {
  return importedOnce("public", pem, () => importSPKI(pem, KEY_ALGORITHM), "encryption.serverPublicKey: not an RSA public key in SPKI PEM form");
}

/** The client private key (PKCS#8 PEM), imported once; a TypeError naming the option when it is not one. */
export function privateKey(pem: string): Promise<Key> {
  return importedOnce("private", pem, () => importPKCS8(pem, KEY_ALGORITHM), "encryption.clientPrivateKey: not an RSA private key in PKCS#8 PEM form");
}

/** The plaintext JSON body as a JWE compact string, for `{"encData": "<JWE>"}`. */
export async function encryptPayload(plaintext: string, serverPublicKeyPem: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: KEY_ALGORITHM, enc: ENCRYPTION.contentEncryption })
    .encrypt(await publicKey(serverPublicKeyPem));
}

/** A JWE's protected header as far as it matters here; each value only when it is a plain algorithm name. */
export interface JweHeader {
  /** e.g. "RSA-OAEP-256"; undefined when absent or not a plain name. */
  alg: string | undefined;
  /** e.g. "A128GCM"; undefined when absent or not a plain name. */
  enc: string | undefined;
}

// A server writes the header: only short algorithm-like names are repeated, anything else is described.
const ALGORITHM_NAME = /^[A-Za-z0-9+_-]{1,32}$/;

/** alg and enc of a JWE compact string's protected header, read without decrypting (and without trusting it). */
export function jweHeader(jwe: string): JweHeader {
  const none: JweHeader = { alg: undefined, enc: undefined };
  const first = jwe.slice(0, Math.max(0, jwe.indexOf(".")));
  if (!first || first.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(first)) return none;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(first, "base64url").toString("utf8"));
  } catch {
    return none;
  }
  if (header === null || typeof header !== "object") return none;
  const plain = (v: unknown) => (typeof v === "string" && ALGORITHM_NAME.test(v) ? v : undefined);
  return { alg: plain((header as { alg?: unknown }).alg), enc: plain((header as { enc?: unknown }).enc) };
}

/** A JWE header as words for a message: `alg RSA-OAEP-256, enc A256GCM` (a missing or odd value says so). */
export function describeJweHeader({ alg, enc }: JweHeader): string {
  return `alg ${alg ?? "(missing or not a plain name)"}, enc ${enc ?? "(missing or not a plain name)"}`;
}

/** An answer encrypted with other algorithms than the platform's: the message names what it carried. */
export class JweAlgorithmError extends Error {
  override name = "JweAlgorithmError";
  readonly header: JweHeader;

  constructor(header: JweHeader) {
    super(
      `encrypted with ${describeJweHeader(header)}; the platform uses alg ${KEY_ALGORITHM}, enc ${ENCRYPTION.contentEncryption} ` +
        `(accepted: ${ENCRYPTION.contentEncryptionAccepted.join(", ")})`,
    );
    this.header = header;
  }
}

const ACCEPTED_CONTENT: readonly string[] = ENCRYPTION.contentEncryptionAccepted;

/**
 * The plaintext of a JWE compact string. Its protected header must say alg RSA-OAEP-256 and an
 * accepted enc (the spec's contentEncryptionAccepted: A128GCM); otherwise a JweAlgorithmError.
 */
export async function decryptPayload(jwe: string, clientPrivateKeyPem: string): Promise<string> {
  const header = jweHeader(jwe);
  if (header.alg !== KEY_ALGORITHM || header.enc === undefined || !ACCEPTED_CONTENT.includes(header.enc)) {
    throw new JweAlgorithmError(header);
  }
  const { plaintext } = await compactDecrypt(jwe, await privateKey(clientPrivateKeyPem), {
    keyManagementAlgorithms: [KEY_ALGORITHM],
    contentEncryptionAlgorithms: [...ENCRYPTION.contentEncryptionAccepted],
  });
  return new TextDecoder().decode(plaintext);
}
