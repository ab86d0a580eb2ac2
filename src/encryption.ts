// Message encryption as the platform guideline describes it: JWE compact serialization,
// RSA-OAEP-256 key wrap with the recipient's RSA public key, A128GCM content encryption.
import { CompactEncrypt, compactDecrypt, importPKCS8, importSPKI } from "jose";
import { ENCRYPTION } from "../generated/contract.js";

const KEY_ALGORITHM = ENCRYPTION.keyManagement;

type PublicKey = Awaited<ReturnType<typeof importSPKI>>;
type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

// Importing a PEM costs far more than encrypting a small body: each key is imported once.
const publicKeys = new Map<string, Promise<PublicKey>>();
const privateKeys = new Map<string, Promise<PrivateKey>>();

/** The server public key (SPKI PEM), imported once; a TypeError naming the option when it is not one. */
export function publicKey(pem: string): Promise<PublicKey> {
  let key = publicKeys.get(pem);
  if (!key) {
    key = importSPKI(pem, KEY_ALGORITHM).catch(() => {
      publicKeys.delete(pem);
      throw new TypeError("encryption.serverPublicKey: not an RSA public key in SPKI PEM form");
    });
    publicKeys.set(pem, key);
  }
  return key;
}

/** The client private key (PKCS#8 PEM), imported once; a TypeError naming the option when it is not one. */
export function privateKey(pem: string): Promise<PrivateKey> {
  let key = privateKeys.get(pem);
  if (!key) {
    key = importPKCS8(pem, KEY_ALGORITHM).catch(() => {
      privateKeys.delete(pem);
      throw new TypeError("encryption.clientPrivateKey: not an RSA private key in PKCS#8 PEM form");
    });
    privateKeys.set(pem, key);
  }
  return key;
}

/** The plaintext JSON body as a JWE compact string, for `{"encData": "<JWE>"}`. */
export async function encryptPayload(plaintext: string, serverPublicKeyPem: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: KEY_ALGORITHM, enc: ENCRYPTION.contentEncryption })
    .encrypt(await publicKey(serverPublicKeyPem));
}

/** The plaintext of a JWE compact string (A128GCM or A256GCM content). */
export async function decryptPayload(jwe: string, clientPrivateKeyPem: string): Promise<string> {
  const { plaintext } = await compactDecrypt(jwe, await privateKey(clientPrivateKeyPem), {
    keyManagementAlgorithms: [KEY_ALGORITHM],
    contentEncryptionAlgorithms: [...ENCRYPTION.contentEncryptionAccepted],
  });
  return new TextDecoder().decode(plaintext);
}
