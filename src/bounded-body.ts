// Reading an answer without trusting its size. Node's fetch has already decoded gzip/br when the stream
// yields its chunks, so counting them counts decoded bytes: a 2 KB brotli bomb stops at the cap like
// 400 MB of whitespace does. Shared by the client and the conformance runner.

/** Far above any real envelope (a few hundred bytes), far below what hurts a process. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/** The largest cap that may be asked for: past it the cap protects nothing. */
export const MAX_RESPONSE_BYTES_LIMIT = 256 * 1_048_576;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  readonly limit: number;

  constructor(limit: number) {
    super(`the answer is larger than ${limit} bytes (decoded); reading stopped there`);
    this.limit = limit;
  }
}

/** True for a whole number of bytes from 1 to MAX_RESPONSE_BYTES_LIMIT. */
export function isValidByteCap(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= MAX_RESPONSE_BYTES_LIMIT;
}

/**
 * The body as UTF-8 text, read chunk by chunk; past `maxBytes` decoded bytes the stream is cancelled
 * (the connection is dropped, nothing more is read) and a BodyTooLargeError is thrown. Errors of the
 * stream itself (an abort, a reset) propagate unchanged.
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string> {
  const stream = response.body;
  if (!stream) return "";
  const declared = Number(response.headers.get("content-length") ?? NaN);
  const encoded = (response.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity";
  if (!encoded && Number.isFinite(declared) && declared > maxBytes) {
    await stream.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes);
  }
  const reader = stream.getReader();
  const decoder = new TextDecoder("utf-8");
  let received = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
