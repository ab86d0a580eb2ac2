// The answer's body as the checks read it: parsed losslessly, `{"encData"}` decrypted with the
// client's private key, and every way it can fail to be read said in words. Nothing a server sends
// throws here: it becomes a reason.
import { ENCRYPTION } from "../generated/contract.js";
import { decryptPayload, describeJweHeader, jweHeader } from "../src/encryption.js";
import { parseJson } from "../src/json.js";
import type { Exchange } from "./transport.js";

/**
 * The body as judged: the wire JSON, and the plain envelope (decrypted when it came encrypted).
 * `problem`: read, but not as the contract says (e.g. encrypted another way): body-parses fails with
 * it while the envelope is still judged. A body that was not read says whether it came as `{"encData"}`.
 */
export type ParsedBody =
  | { ok: true; wire: unknown; plain: unknown; encrypted: boolean; problem?: string }
  | { ok: false; reason: string; encrypted?: boolean };

/** A body read as JSON. */
export type JsonBody = Extract<ParsedBody, { ok: true }>;

function looksLikeHtml(text: string, contentType: string | null): boolean {
  return /^\s*</.test(text) || /^text\/html\b/i.test(contentType ?? "");
}

/** Why an encrypted answer breaks the platform's scheme (RSA-OAEP-256 key wrap, A128GCM content), or undefined. */
function encryptionProblem(jwe: string): string | undefined {
  const seen = jweHeader(jwe);
  if (seen.alg === ENCRYPTION.keyManagement && seen.enc === ENCRYPTION.contentEncryption) return undefined;
  return `encrypted answer (encData) uses ${describeJweHeader(seen)}; the platform encrypts with alg ${ENCRYPTION.keyManagement}, enc ${ENCRYPTION.contentEncryption}`;
}

/** Parses the answer (and decrypts `{"encData"}` with the client private key when one is given). */
export async function parseBody(text: string, contentType: string | null, clientPrivateKey?: string): Promise<ParsedBody> {
  if (text.trim() === "") return { ok: false, reason: "empty body" };
  if (looksLikeHtml(text, contentType)) return { ok: false, reason: "body is HTML, not JSON" };
  let wire: unknown;
  try {
    wire = parseJson(text);
  } catch (err) {
    return { ok: false, reason: `body is not JSON: ${(err as Error).message}` };
  }
  const encData = wire !== null && typeof wire === "object" ? (wire as { encData?: unknown }).encData : undefined;
  if (typeof encData !== "string") return { ok: true, wire, plain: wire, encrypted: false };
  if (!clientPrivateKey) {
    return { ok: false, encrypted: true, reason: "encrypted answer ({\"encData\"}) but no client private key to read it (set KONAPLATE_CLIENT_PRIVATE_KEY)" };
  }
  const problem = encryptionProblem(encData);
  let plaintext: string;
  try {
    plaintext = await decryptPayload(encData, clientPrivateKey);
  } catch (err) {
    return { ok: false, encrypted: true, reason: problem ? `${problem} (not decrypted)` : `encrypted answer could not be decrypted with the client private key: ${(err as Error).message}` };
  }
  try {
    const plain = parseJson(plaintext);
    return problem ? { ok: true, wire, plain, encrypted: true, problem } : { ok: true, wire, plain, encrypted: true };
  } catch (err) {
    return { ok: false, encrypted: true, reason: `decrypted answer is not JSON: ${(err as Error).message}` };
  }
}

/** The body of an answered exchange as the checks read it (an answer past the byte cap is not read). */
export async function bodyOf(result: Exchange & { answered: true }, clientPrivateKey?: string): Promise<ParsedBody> {
  if (result.oversized !== undefined) return { ok: false, reason: `the answer is larger than ${result.oversized} bytes (decoded); reading stopped there, nothing of it was judged` };
  return parseBody(result.text, result.headers.get("content-type"), clientPrivateKey);
}

/** `response.code` of an envelope, when it is a string. */
export function codeOf(plain: unknown): string | null {
  const response = plain !== null && typeof plain === "object" ? (plain as { response?: unknown }).response : undefined;
  const code = response !== null && typeof response === "object" ? (response as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : null;
}

/** The envelope code of a body read as JSON, else null. */
export const codeIn = (body: ParsedBody | undefined): string | null => (body?.ok ? codeOf(body.plain) : null);
