// A local Konaplate stand-in that honours the contract the way a real server must: it checks every
// header against the spec, recomputes the integrity token over the raw bytes it received, decrypts
// encrypted bodies, and answers the documented envelope with the correlation id echoed.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CASES, CODE_MESSAGES, OPERATION, type DocumentedCode } from "../../generated/contract.js";
import { decryptPayload, encryptPayload } from "../../src/encryption.js";
import { parseJson, stringifyJson } from "../../src/json.js";
import { zoneOffsetMinutes } from "../../src/signing.js";
import { validateRequestBody, validateRequestHeaders, type Violation } from "../../src/validation.js";

export interface Verdict {
  /** The HMAC in X-KM-Tran-Token matches the raw body and its time matches X-KM-Tran-Time. */
  tokenOk: boolean;
  /** The HMAC alone matches the raw body (whatever the token's time). */
  hmacOk: boolean;
  /** Content-Type is application/json (charset utf-8 allowed). */
  contentTypeOk: boolean;
  /** X-KM-Access-Key and X-KM-User-AspId are the project's (when the server was given them). */
  credentialsOk: boolean;
  /** X-KM-Tran-Time within the server's window of its clock (always true without a window). */
  clockOk: boolean;
  headerViolations: Violation[];
  bodyViolations: Violation[];
}

export interface ReceivedRequest {
  method: string;
  path: string;
  /** Header names in lower case, as node:http gives them. */
  headers: Record<string, string>;
  /** The body exactly as received. */
  rawBody: string;
  /** The plain body (decrypted when it came encrypted), parsed losslessly; undefined if not JSON. */
  body: unknown;
  encrypted: boolean;
  verdict: Verdict;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FaithfulServerOptions {
  secretKey: string;
  /** When given, any other access key or AspId is refused (401), as a real server does. */
  credentials?: { accessKey: string; aspId: string };
  /** When given, a Tran-Time further than this from the server's clock is refused (401). */
  clockWindowMs?: number;
  /** Holds every answer this long (benchmarks: a server with a fixed latency). */
  answerDelayMs?: number;
  /** When given, answers are encrypted for this client key (`{"encData": ...}`). */
  clientPublicKeyPem?: string;
  /** Needed to read encrypted request bodies. */
  serverPrivateKeyPem?: string;
  /** Overrides the default outcome; return undefined to keep it. */
  respond?: (request: ReceivedRequest) => Answer | undefined;
}

export interface FaithfulServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

function envelope(code: string, description: string) {
  return { response: { code, description } };
}

/** The documented answer for a code; the two codeless cases answer their mock placeholder. */
function answerFor(status: number, code: string, fallbackDescription: string): Answer {
  const documented = CODE_MESSAGES[code as DocumentedCode];
  return { status, body: envelope(code, documented ? documented.message : fallbackDescription) };
}

function rejection(status: number, text: string): Answer {
  return { status, body: text, headers: { "content-type": "text/plain" } };
}

const sameBody = (a: unknown, b: unknown) => stringifyJson(a) === stringifyJson(b);

/** Outcome by the catalog's default requests first, then by simple rules a sandbox would apply. */
export function defaultOutcome(request: ReceivedRequest): Answer {
  const v = request.verdict;
  // The contract documents no answer for a bad token or bad headers: plain text, so no code is invented.
  if (!v.contentTypeOk) return rejection(415, "Content-Type must be application/json");
  if (!v.credentialsOk) return rejection(401, "unknown access key or AspId");
  if (!v.tokenOk) return rejection(401, "integrity token does not match the body");
  if (!v.clockOk) return rejection(401, "X-KM-Tran-Time outside the accepted window");
  if (v.headerViolations.length) return rejection(400, v.headerViolations.map((x) => x.message).join("; "));
  if (request.body === undefined) return rejection(400, "body is not JSON");
  const known = CASES.find((c) => sameBody(c.request.body, request.body));
  if (known) return answerFor(known.expected.status, known.mockCode, known.title);
  if (v.bodyViolations.some((x) => x.path === "bankAccount")) return answerFor(400, "002_001", "");
  if (v.bodyViolations.length) return rejection(400, v.bodyViolations.map((x) => x.message).join("; "));
  const body = request.body as { userName?: unknown };
  if (body.userName !== "김코나") return answerFor(400, "002_003", "");
  return answerFor(200, "000_000", "");
}

function tokenMatches(secretKey: string, headers: Record<string, string>, rawBody: string): boolean {
  const match = /^KMV1:(\d{17}):/.exec(headers["x-km-tran-token"] ?? "");
  return match !== null && match[1]!.slice(0, 14) === headers["x-km-tran-time"] && hmacMatches(secretKey, headers, rawBody);
}

function hmacMatches(secretKey: string, headers: Record<string, string>, rawBody: string): boolean {
  const token = headers["x-km-tran-token"] ?? "";
  const match = /^KMV1:(\d{17}):(.+)$/.exec(token);
  if (!match) return false;
  const expected = createHmac("sha256", secretKey).update(Buffer.from(rawBody, "utf8")).digest();
  const given = Buffer.from(match[2]!, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The instant a `yyyyMMddHHmmss` wall-clock time in a zone stands for; NaN when it is none. */
function instantOf(tranTime: string | undefined, timeZone: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(tranTime ?? "");
  if (!m) return NaN;
  let offset: number;
  try {
    offset = zoneOffsetMinutes(timeZone ?? "");
  } catch {
    return NaN;
  }
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - offset * 60_000;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFaithfulServer(options: FaithfulServerOptions): Promise<FaithfulServer> {
  const requests: ReceivedRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== OPERATION.method || !path.endsWith(OPERATION.path)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    let body: unknown;
    let encrypted = false;
    try {
      body = parseJson(rawBody);
      const encData = (body as { encData?: unknown } | null)?.encData;
      if (typeof encData === "string") {
        encrypted = true;
        if (!options.serverPrivateKeyPem) throw new Error("encrypted body but no server private key");
        body = parseJson(await decryptPayload(encData, options.serverPrivateKeyPem));
      }
    } catch {
      body = undefined;
    }
    const received: ReceivedRequest = {
      method: req.method,
      path,
      headers,
      rawBody,
      body,
      encrypted,
      verdict: {
        tokenOk: tokenMatches(options.secretKey, headers, rawBody),
        hmacOk: hmacMatches(options.secretKey, headers, rawBody),
        contentTypeOk: /^application\/json\s*(;\s*charset=("?)utf-8\2\s*)?$/i.test(headers["content-type"] ?? ""),
        clockOk: options.clockWindowMs === undefined || !(Math.abs(Date.now() - instantOf(headers["x-km-tran-time"], headers["x-km-time-zone"])) > options.clockWindowMs),
        credentialsOk: !options.credentials || (headers["x-km-access-key"] === options.credentials.accessKey && headers["x-km-user-aspid"] === options.credentials.aspId),
        headerViolations: validateRequestHeaders(headers),
        bodyViolations: body === undefined ? [{ path: "(body)", rule: "json", message: "body is not JSON" }] : validateRequestBody(body),
      },
    };
    requests.push(received);
    const answer = options.respond?.(received) ?? defaultOutcome(received);
    if (options.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.answerDelayMs));
    let payload = typeof answer.body === "string" ? answer.body : stringifyJson(answer.body);
    if (options.clientPublicKeyPem && typeof answer.body !== "string") {
      payload = stringifyJson({ encData: await encryptPayload(payload, options.clientPublicKeyPem) });
    }
    res.writeHead(answer.status, {
      "content-type": "application/json",
      "x-km-correlation-id": headers["x-km-correlation-id"] ?? "",
      ...answer.headers,
    });
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(`faithful server fault: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
