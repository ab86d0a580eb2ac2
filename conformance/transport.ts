// Sends one conformance request exactly as built and reads the answer without trusting it. Node's
// http/https rather than fetch: a conformance request must go out with only the headers the case
// gives (fetch adds content-type, accept-encoding, user-agent, sec-fetch-mode and lowercases names),
// and undici's fetch costs about 0.4 ms of main-thread time per call here, against about 0.05 ms,
// which a run of 58 concurrent requests pays before its last request leaves.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { BodyTooLargeError } from "../src/bounded-body.js";
import { underlyingFailure } from "../src/errors.js";
import { arrivedNotBefore, tick } from "./loop-clock.js";

/** One request's fate: no answer (and why), or the answer as read. */
export type Exchange =
  | { answered: false; reason: string; durationMs: number }
  /**
   * `oversized`: the answer went past the byte cap (its value), so `text` is empty. `serverMs`: of
   * `durationMs`, the time the answer is known to have taken to come: the rest the runner was busy
   * (building, reading and judging other cases) while this answer may have been lying unread. Never
   * more than the server's time (see loop-clock.ts).
   */
  | { answered: true; status: number; headers: Headers; text: string; durationMs: number; serverMs: number; oversized?: number };

export interface OutgoingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  wire: string;
}

// Kept-alive connections are reused across the cases of a run (and runs of one process); idle
// sockets do not keep the process alive.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** What a failed exchange means, in words a QA engineer can act on. */
export function describeFailure(err: unknown, timedOut: boolean, timeoutMs: number, statusSeen?: number): string {
  if (timedOut) {
    return statusSeen === undefined
      ? `no answer within ${timeoutMs} ms`
      : `answer incomplete within ${timeoutMs} ms (status ${statusSeen} received, body never finished)`;
  }
  const { code, message = String(err) } = underlyingFailure(err);
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return statusSeen === undefined
        ? "connection reset by the server (ECONNRESET)"
        : `connection closed by the server before the answer was complete (status ${statusSeen} received; ECONNRESET)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host not found (${code})`;
    case "ETIMEDOUT":
      return "connection timed out (ETIMEDOUT)";
    default:
      return code ? `request failed: ${message} (${code})` : `request failed: ${message}`;
  }
}

/**
 * Decoders for the codings of a `Content-Encoding` list, in the order to apply them (the last coding
 * applied by the server is undone first). Unknown codings leave the body as sent, as fetch does.
 */
function decoders(contentEncoding: string | undefined): Transform[] {
  if (!contentEncoding) return [];
  const codings = contentEncoding.toLowerCase().split(",").map((c) => c.trim()).filter((c) => c && c !== "identity");
  const out: Transform[] = [];
  for (const coding of codings.reverse()) {
    if (coding === "gzip" || coding === "x-gzip") out.push(createGunzip());
    else if (coding === "deflate") out.push(createInflate());
    else if (coding === "br") out.push(createBrotliDecompress());
    else return [];
  }
  return out;
}

/** The answer's headers as a fetch `Headers` (what the checks read); repeated names are kept, joined. */
function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A name or value fetch would refuse (Node's parser let it through): left out, as fetch would fail on it.
    }
  }
  return headers;
}

/** A stream's bytes as UTF-8 text; past `maxBytes` the stream is destroyed with BodyTooLargeError. */
function collectText(stream: Readable, maxBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const decoder = new TextDecoder("utf-8");
    let received = 0;
    let text = "";
    let ended = false;
    stream.on("data", (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) {
        stream.destroy();
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      text += decoder.decode(chunk, { stream: true });
    });
    stream.on("end", () => {
      ended = true;
      resolve(text + decoder.decode());
    });
    stream.on("error", reject);
    // Closed without an end or an error of its own: the connection went away mid-body.
    stream.on("close", () => {
      if (!ended) reject(Object.assign(new Error("connection closed before the body ended"), { code: "ECONNRESET" }));
    });
  });
}

/**
 * The body as UTF-8 text, counting decoded bytes: past `maxBytes` reading stops with
 * BodyTooLargeError. An unencoded answer is read as it comes (no pipeline: its AbortController
 * costs more than the read); a compressed one goes through its decoders.
 */
async function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  const steps = decoders(response.headers["content-encoding"]);
  const declared = Number(response.headers["content-length"] ?? NaN);
  if (!steps.length && Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  if (!steps.length) return collectText(response, maxBytes);
  const decoded = steps.at(-1)!;
  const text = collectText(decoded, maxBytes);
  // The pipeline carries a reset or a corrupt stream to `decoded`, which rejects `text` with it.
  pipeline([response, ...steps]).catch(() => {});
  return text;
}

/** Network codes of a kept-alive socket the server had closed (or was closing) when the request went out on it. */
const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/**
 * How long the runner's own work may stretch a wait, as a factor of the timeout: time the runner
 * spent busy (reading and judging other answers) is not the server's, so a timeout counts the event
 * loop's idle time, but never past this many timeouts of wall time.
 */
const BUSY_STRETCH = 3;

/**
 * One request; the answer read up to `maxBytes` decoded bytes within `timeoutMs`, never followed if
 * 3xx. A request that fails on a reused kept-alive socket before any answer is sent once more on a new
 * connection: either side may close an idle connection at any time (RFC 9112, 9.5), and a server
 * closing one just as the runner reuses it never saw the request.
 */
export function exchange(sent: OutgoingRequest, timeoutMs: number, maxBytes: number): Promise<Exchange> {
  tick();
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const idleAtStart = performance.eventLoopUtilization().idle;
  const waited = () => Math.min(performance.eventLoopUtilization().idle - idleAtStart, elapsed());
  /** When the answer's last byte was read: of the time until then, what it is known to have taken to come. */
  let cameWithin: number | undefined;
  const lastByteRead = () => {
    const arrived = arrivedNotBefore();
    cameWithin = Math.min(Math.max(waited(), arrived === undefined ? 0 : arrived - started), elapsed());
  };
  return new Promise<Exchange>((resolve) => {
    let status: number | undefined;
    let timedOut = false;
    let settled = false;
    let req: ReturnType<typeof httpRequest> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (result: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const fail = (err: unknown) => {
      req?.destroy();
      finish({ answered: false, reason: describeFailure(err, timedOut, timeoutMs, status), durationMs: elapsed() });
    };
    // The server's time is the runner's idle time: while the runner was busy, an answer may have been
    // waiting unread.
    const wait = (ms: number) => {
      timer = setTimeout(() => {
        const left = Math.min(timeoutMs - waited(), timeoutMs * BUSY_STRETCH - elapsed());
        if (left >= 1) return wait(left);
        timedOut = true;
        fail(new Error("timeout"));
      }, ms);
    };

    const send = (fresh: boolean) => {
      try {
        const url = new URL(sent.url);
        const https = url.protocol === "https:";
        if (!https && url.protocol !== "http:") throw new TypeError(`unsupported protocol ${url.protocol} (expected http: or https:)`);
        // Node would send them as an Authorization header the case never asked for (fetch refuses them).
        if (url.username || url.password) throw new TypeError("the URL carries credentials (user:password@), which are never sent");
        const headers: Record<string, string | number> = { ...sent.headers };
        // The headers Node would add are written in the request's own letter case: a request whose
        // names are all small (as HTTP/2 writes them, and proxies pass on) stays so on the wire.
        const names = Object.keys(headers);
        const small = names.length > 0 && names.every((name) => name === name.toLowerCase());
        if (!names.some((name) => name.toLowerCase() === "content-length")) headers[small ? "content-length" : "Content-Length"] = Buffer.byteLength(sent.wire);
        if (small) {
          headers.host ??= url.host;
          headers.connection ??= fresh ? "close" : "keep-alive";
        }
        // `agent: false`: a connection of its own, never a kept-alive one.
        const options = { method: sent.method, headers, agent: fresh ? false : https ? agents.https : agents.http };
        req = https ? httpsRequest(url, options) : httpRequest(url, options);
      } catch (err) {
        // Built but not sendable (a header value Node refuses, a bad URL): nothing went out.
        finish({ answered: false, reason: `request not sent: ${(err as Error).message}`, durationMs: elapsed() });
        return;
      }
      const current = req;
      current.on("error", (err) => {
        if (current !== req) return;
        const { code } = underlyingFailure(err);
        if (!fresh && !timedOut && status === undefined && current.reusedSocket && code !== undefined && STALE_SOCKET_CODES.has(code)) {
          current.destroy();
          send(true);
          return;
        }
        fail(err);
      });
      current.on("response", (response) => {
        tick();
        status = response.statusCode ?? 0;
        const headers = headersOf(response);
        // The bytes as they came off the network, before any decoder's work.
        response.once("end", lastByteRead);
        const timing = () => {
          if (cameWithin === undefined) lastByteRead();
          return { durationMs: elapsed(), serverMs: cameWithin! };
        };
        readBody(response, maxBytes).then(
          (text) => finish({ answered: true, status: status!, headers, text, ...timing() }),
          (err: unknown) => {
            if (!(err instanceof BodyTooLargeError)) return fail(err);
            current.destroy();
            finish({ answered: true, status: status!, headers, text: "", oversized: err.limit, ...timing() });
          },
        );
      });
      current.end(sent.wire);
    };
    send(false);
    if (!settled) wait(timeoutMs);
  });
}
