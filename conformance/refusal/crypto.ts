// The refuse:crypto:* family: requests whose encryption is wrong in one way, everything else valid
// and signed over the exact bytes sent. Made only when the run encrypts (it holds the server's public
// key and the key id). What each case breaks is read from the spec: the encrypted form's rules
// (algorithms, recipient key, integrity, the JWE's shape: the guideline's) and the key id header's
// (the page's). This module makes the cases and the bodies they send; request.ts signs them.
import { generateKeyPair } from "node:crypto";
import { CompactEncrypt, importSPKI } from "jose";
import { encryptPayload } from "../../src/encryption.js";
import { stringifyJson } from "../../src/json.js";
import type { RuleSource, SpecRules } from "./spec-rules.js";

export const KEY_ID_HEADER = "X-KM-Crypto-Key-Id";

/** How a case breaks the encryption. */
export type CryptoFault =
  /** The plain JSON body, X-KM-Crypto-Key-Id still sent. */
  | { kind: "plain-body" }
  /** A good JWE, X-KM-Crypto-Key-Id left out. */
  | { kind: "no-key-id" }
  /** A good JWE, X-KM-Crypto-Key-Id another id of the same shape. */
  | { kind: "unknown-key-id" }
  /** One byte of the ciphertext changed after encryption. */
  | { kind: "tampered" }
  /** The content key wrapped for a fresh RSA key pair's public key. */
  | { kind: "other-key" }
  /** A protected header naming other algorithms (the server's key, otherwise as usual). */
  | { kind: "algorithm"; alg: string; enc: string }
  /** encData that is not a JWE compact serialization. */
  | { kind: "not-jwe"; form: NotJwe };

type NotJwe = "parts" | "base64url" | "empty";

export interface CryptoRefusal {
  id: string;
  title: string;
  source: RuleSource;
  breaks: string;
  fault: CryptoFault;
}

/**
 * Key wraps an RSA key can do besides the platform's; the first the spec does not name is sent.
 * RSA-OAEP (SHA-1) comes first: no source names it. A256GCM content is never sent: public sandbox
 * integrations show it, so a server may rightly take it (the spec's discrepancy on encData).
 */
const OTHER_KEY_WRAPS = ["RSA-OAEP", "RSA-OAEP-384", "RSA-OAEP-512"];

/** The cases, from the spec's encrypted form and key id header; none where the spec has no encrypted form. */
export function cryptoRefusals(rules: SpecRules): CryptoRefusal[] {
  const encryption = rules.encryption;
  if (!encryption) return [];
  const out: CryptoRefusal[] = [];
  const form = encryption.source;
  const { keyManagement: alg, contentEncryption: enc } = encryption;
  out.push({ id: "plain-body", title: `plain JSON body although ${KEY_ID_HEADER} announces an encrypted one`, source: form, breaks: "body:encrypted", fault: { kind: "plain-body" } });
  const keyId = rules.headers.find((h) => h.name.toLowerCase() === KEY_ID_HEADER.toLowerCase());
  if (keyId) {
    const source = keyId.sources.required!;
    out.push({ id: "no-key-id", title: `encData without ${KEY_ID_HEADER} (required with an encrypted body)`, source, breaks: `${KEY_ID_HEADER}:required`, fault: { kind: "no-key-id" } });
    out.push({ id: "unknown-key-id", title: `${KEY_ID_HEADER} of a valid shape, but not the project's key`, source, breaks: `${KEY_ID_HEADER}:issued`, fault: { kind: "unknown-key-id" } });
  }
  out.push({ id: "tampered", title: `encData's ciphertext changed in one byte after encryption (the ${enc} tag no longer holds)`, source: form, breaks: "encData:integrity", fault: { kind: "tampered" } });
  out.push({ id: "other-key", title: "encData's content key wrapped for another RSA public key (a fresh key pair), not the server's", source: form, breaks: "encData:recipient", fault: { kind: "other-key" } });
  const other = OTHER_KEY_WRAPS.find((a) => a !== alg);
  if (other) {
    out.push({ id: "algorithm", title: `encData encrypted with alg ${other}${other === "RSA-OAEP" ? " (SHA-1)" : ""}, not the platform's ${alg} (enc ${enc} as usual)`, source: form, breaks: "encData:alg", fault: { kind: "algorithm", alg: other, enc } });
  }
  // Each breaks the spec's encData pattern (five base64url parts) in a way a parser meets differently.
  const pattern = encryption.encData.sources.pattern;
  if (pattern) {
    const notJwe: [NotJwe, string][] = [
      ["parts", "has four parts (the tag left out)"],
      ["base64url", "holds + or / (standard Base64) in its ciphertext"],
      ["empty", "is empty"],
    ];
    for (const [form, what] of notJwe) {
      out.push({ id: `not-jwe-${form}`, title: `encData ${what}: not a JWE compact serialization`, source: pattern, breaks: "encData:pattern", fault: { kind: "not-jwe", form } });
    }
  }
  return out.map((c) => ({ ...c, id: `refuse:crypto:${c.id}` }));
}

let freshKey: Promise<string> | undefined;

/** The public half of an RSA key pair made for this process; the private half is dropped unseen. */
function freshPublicKey(): Promise<string> {
  freshKey ??= new Promise((resolve, reject) =>
    generateKeyPair("rsa", { modulusLength: 2048 }, (err, publicKey) => (err ? reject(err) : resolve(publicKey.export({ type: "spki", format: "pem" }).toString()))),
  );
  return freshKey;
}

/**
 * One ciphertext byte changed. Where the plaintext has a `userId`, its last digit is the byte: GCM
 * encrypts byte for byte, so a server that skips the tag check reads a request that is still valid
 * (another userId) and answers it, instead of refusing it for a broken body.
 */
function tamper(jwe: string, plaintext: string): string {
  const parts = jwe.split(".");
  const ciphertext = Buffer.from(parts[3]!, "base64url");
  const userId = /"userId":([0-9]+)/.exec(plaintext);
  let at = ciphertext.length - 1;
  let flip = 1;
  if (userId) {
    at = Buffer.byteLength(plaintext.slice(0, userId.index + userId[0].length - 1));
    // XOR 1 keeps a digit a digit; a userId of 1 would become 0, below its minimum.
    if (userId[1] === "1") flip = 3;
  }
  ciphertext[at]! ^= flip;
  parts[3] = ciphertext.toString("base64url");
  return parts.join(".");
}

/** The ciphertext part with one character swapped for one only standard Base64 has. */
function standardBase64(jwe: string): string {
  const parts = jwe.split(".");
  const c = parts[3]!;
  // A lenient decoder reads + as - and / as _: the swapped character always decodes to other bytes.
  parts[3] = (c[0] === "-" ? "/" : "+") + c.slice(1);
  return parts.join(".");
}

async function encryptWith(plaintext: string, serverPublicKey: string, alg: string, enc: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg, enc }).encrypt(await importSPKI(serverPublicKey, alg));
}

/** The body a case sends, and the encData string it carries (absent for a plain or empty one). */
export async function cryptoBody(fault: CryptoFault, plaintext: string, serverPublicKey: string): Promise<{ wire: string; jwe?: string }> {
  const wrapped = (jwe: string) => ({ wire: stringifyJson({ encData: jwe }), ...(jwe ? { jwe } : {}) });
  switch (fault.kind) {
    case "plain-body":
      return { wire: plaintext };
    case "no-key-id":
    case "unknown-key-id":
      return wrapped(await encryptPayload(plaintext, serverPublicKey));
    case "tampered":
      return wrapped(tamper(await encryptPayload(plaintext, serverPublicKey), plaintext));
    case "other-key":
      return wrapped(await encryptPayload(plaintext, await freshPublicKey()));
    case "algorithm":
      return wrapped(await encryptWith(plaintext, serverPublicKey, fault.alg, fault.enc));
    case "not-jwe": {
      if (fault.form === "empty") return wrapped("");
      const jwe = await encryptPayload(plaintext, serverPublicKey);
      return wrapped(fault.form === "parts" ? jwe.split(".").slice(0, 4).join(".") : standardBase64(jwe));
    }
  }
}
