// A server must not trust a request's size any more than the kit trusts an answer's: the body is read
// up to a cap (a real request is a few hundred bytes, a JWE one about a kilobyte) and no further.
// Not src/bounded-body.ts's readBoundedText: that yields decoded text, and the HMAC must be checked
// over the bytes exactly as received (invalid UTF-8 included).
import type { IncomingMessage } from "node:http";

/** Far above any real request, far below what hurts a process. */
export const DEFAULT_MAX_REQUEST_BYTES = 65_536;

/**
 * The raw body bytes, or null once it is (or declares itself) larger than `maxBytes`. Past the cap
 * nothing more is kept and the stream is paused (not destroyed: the socket must still carry the 413);
 * the caller answers with `connection: close`.
 */
export function readBoundedRequest(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, received)));
    req.once("error", reject);
  });
}
