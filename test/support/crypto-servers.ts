// Stand-ins for the encryption cases: a faithful encrypting server (the sandbox with a key id and
// both keys) and servers that each skip one check of the encryption, or answer in plain text. They
// refuse everything else exactly as the sandbox does, so only the refuse:crypto:* cases (and the
// encrypted-answer check) can tell them apart. Keys are made by the test that starts them.
import { createDecipheriv, createPrivateKey, constants, privateDecrypt } from "node:crypto";
import { compactDecrypt } from "jose";
import { decryptPayload } from "../../src/encryption.js";
import { parseJson, stringifyJson } from "../../src/json.js";
import { ACCOUNT_RULE_OUTCOME, outcomeFor, type Member } from "../../sandbox/outcomes.js";
import { refusalEnvelope } from "../../sandbox/refusal.js";
import { checkBody, isRefusal } from "../../sandbox/request-checks.js";
import { startFaithfulServer, type Answer, type FaithfulServer, type ReceivedRequest } from "./faithful-server.js";
import { CLOCK_WINDOW_MS, type StandInCredentials } from "./refusal-servers.js";

export interface StandInKeys {
  cryptoKeyId: string;
  /** PKCS#8 PEM of the server's key pair. */
  serverPrivateKey: string;
  /** SPKI PEM of the client's key pair: answers are encrypted for it. */
  clientPublicKey: string;
}

/** What a stand-in gets wrong. */
export type CryptoFlaw =
  /** Takes a plain JSON body although X-KM-Crypto-Key-Id announces an encrypted one. */
  | "plain-body-with-key-id"
  /** Decrypts an encData body sent without X-KM-Crypto-Key-Id (it has one key anyway). */
  | "key-id-optional"
  /** Takes any X-KM-Crypto-Key-Id of the right length. */
  | "any-key-id"
  /** Decrypts A128GCM without checking its authentication tag (plain AES-CTR). */
  | "skips-gcm-tag"
  /** Answers success to an encData it cannot decrypt. */
  | "fail-open-decrypt"
  /** Decrypts whatever key wrap the protected header names (RSA-OAEP with SHA-1 included). */
  | "any-algorithm"
  /** Crashes (500) on encData that is not a JWE compact serialization. */
  | "500-on-bad-jwe"
  /** Answers encrypted requests in plain JSON. */
  | "plain-answers";

/** What the sandbox answers a plain body it has read: a refusal for a broken one, else its documented outcome. */
function answerTo(body: unknown): Answer {
  const verdict = checkBody(body);
  if (isRefusal(verdict)) return { status: verdict.status, body: refusalEnvelope(verdict) };
  const outcome = verdict.accountRule && ACCOUNT_RULE_OUTCOME ? ACCOUNT_RULE_OUTCOME : outcomeFor(body as Member);
  return { status: outcome.status, body: outcome.body };
}

const encDataOf = (request: ReceivedRequest): string => (parseJson(request.rawBody) as { encData: string }).encData;

/** RSA-OAEP-256 unwrap, then AES-128-GCM's counter mode without the tag: what a careless server does. */
function decryptWithoutTag(jwe: string, serverPrivateKey: string): string {
  const [, wrapped, iv, ciphertext] = jwe.split(".").map((p) => Buffer.from(p, "base64url"));
  const key = privateDecrypt({ key: serverPrivateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, wrapped!);
  // GCM encrypts with the counter block IV || 2 (IV || 1 is the tag's).
  const counter = Buffer.concat([iv!, Buffer.from([0, 0, 0, 2])]);
  const decipher = createDecipheriv("aes-128-ctr", key, counter);
  return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString("utf8");
}

async function decryptAnyAlgorithm(jwe: string, serverPrivateKey: string): Promise<string> {
  const { plaintext } = await compactDecrypt(jwe, createPrivateKey(serverPrivateKey));
  return new TextDecoder().decode(plaintext);
}

/** The flawed answer, or undefined to keep the sandbox's. */
async function flawed(flaw: CryptoFlaw, request: ReceivedRequest, keys: StandInKeys): Promise<Answer | undefined> {
  const rule = request.refusal;
  const keyId = request.headers["x-km-crypto-key-id"];
  switch (flaw) {
    case "plain-body-with-key-id":
      return rule === "body-not-encrypted" ? answerTo(request.body) : undefined;
    case "key-id-optional":
      return rule === "crypto-key-id" && keyId === undefined ? answerTo(parseJson(await decryptPayload(encDataOf(request), keys.serverPrivateKey))) : undefined;
    case "any-key-id":
      return rule === "crypto-key-id" && keyId !== undefined ? answerTo(parseJson(await decryptPayload(encDataOf(request), keys.serverPrivateKey))) : undefined;
    case "skips-gcm-tag":
      if (rule !== "jwe-decrypt") return undefined;
      try {
        return answerTo(parseJson(decryptWithoutTag(encDataOf(request), keys.serverPrivateKey)));
      } catch {
        return undefined;
      }
    case "fail-open-decrypt":
      return rule === "jwe-decrypt" ? { status: 200, body: { response: { code: "000_000", description: "Success" } } } : undefined;
    case "any-algorithm":
      return rule === "jwe-algorithm" ? answerTo(parseJson(await decryptAnyAlgorithm(encDataOf(request), keys.serverPrivateKey))) : undefined;
    case "500-on-bad-jwe":
      return rule === "jwe-format" ? { status: 500, body: { response: { code: "999_999", description: "internal error" } } } : undefined;
    case "plain-answers": {
      if (!request.encrypted || rule !== undefined) return undefined;
      // A string body goes out as it is: the sandbox encrypts envelopes only.
      const answer = answerTo(request.body);
      return { ...answer, body: stringifyJson(answer.body) };
    }
  }
}

/** A faithful encrypting stand-in (flaw undefined) or one with the given flaw. */
export async function startCryptoStandIn(flaw: CryptoFlaw | undefined, creds: StandInCredentials, keys: StandInKeys): Promise<FaithfulServer> {
  return startFaithfulServer({
    secretKey: creds.secretKey,
    credentials: { accessKey: creds.accessKey, aspId: creds.aspId },
    clockWindowMs: CLOCK_WINDOW_MS,
    serverPrivateKeyPem: keys.serverPrivateKey,
    clientPublicKeyPem: keys.clientPublicKey,
    cryptoKeyId: keys.cryptoKeyId,
    ...(flaw ? { respond: (request: ReceivedRequest) => flawed(flaw, request, keys) } : {}),
  });
}
