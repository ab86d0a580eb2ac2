// Local servers that attack the conformance suite rather than break the contract: they echo what
// they were sent in other spellings, answer 25 MB, inject terminal escapes, redirect elsewhere.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CASES, CODE_MESSAGES, type DocumentedCode } from "../../generated/contract.js";
import { stringifyJson } from "../../src/json.js";
import { startScriptedServer, type TestServer } from "./fault-servers.js";

export const CASE_HEADER = "x-test-case";

export const correlationOf = (req: IncomingMessage) => String(req.headers["x-km-correlation-id"] ?? "");

/** The documented answer of a case (the codeless ones answer the mock's placeholder 999_999). */
export function documentedAnswer(caseId: string): { status: number; body: string } {
  const kase = CASES.find((c) => c.id === caseId);
  if (!kase) throw new Error(`unknown case ${caseId}`);
  const message = CODE_MESSAGES[kase.mockCode as DocumentedCode]?.message ?? kase.title;
  return { status: kase.expected.status, body: stringifyJson({ response: { code: kase.mockCode, description: message } }) };
}

/** `--cases` content that tags every request with its case id, so a server can tell them apart. */
export function taggedCases(extra: Record<string, Record<string, string>> = {}): string {
  return JSON.stringify(Object.fromEntries(CASES.map((c) => [c.id, { headers: { [CASE_HEADER]: c.id, ...(extra[c.id] ?? {}) } }])));
}

export interface Answer {
  status?: number;
  contentType?: string;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** Answers whatever `answer` makes of the request, with the correlation id echoed. */
export function startEchoingServer(answer: (rawBody: string, req: IncomingMessage) => Answer): Promise<TestServer> {
  return startScriptedServer((req, res, rawBody) => {
    const a = answer(rawBody, req);
    res.writeHead(a.status ?? 200, {
      "content-type": a.contentType ?? "application/json",
      "x-km-correlation-id": correlationOf(req),
      ...a.headers,
    });
    res.end(a.body);
  });
}

export const BIG_ANSWER_BYTES = 25 * 1024 * 1024;

/** Streams a JSON answer of `bytes` bytes without holding it; stops as soon as the client hangs up. */
function streamHugeJson(res: ServerResponse, bytes: number): void {
  const head = '{"response":{"code":"000_000","description":"';
  const tail = '"}}';
  const chunk = Buffer.alloc(64 * 1024, "a");
  let left = bytes - head.length - tail.length;
  let closed = false;
  res.on("close", () => (closed = true));
  res.write(head);
  const pump = () => {
    while (!closed && left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once("drain", pump);
    }
    if (!closed) res.end(tail);
  };
  pump();
}

/**
 * Answers each case (tagged by taggedCases) as documented, except `big` cases: 25 MB of JSON, and
 * `gzipBomb` cases: a small gzip body (given) that inflates to 25 MB.
 */
export function startBigAnswerServer(big: readonly string[], gzipBomb: readonly string[] = [], gzipped?: Buffer): Promise<TestServer> {
  return startScriptedServer((req, res) => {
    const id = String(req.headers[CASE_HEADER] ?? "");
    const headers = { "content-type": "application/json", "x-km-correlation-id": correlationOf(req) };
    if (gzipBomb.includes(id) && gzipped) {
      res.writeHead(200, { ...headers, "content-encoding": "gzip" }).end(gzipped);
    } else if (big.includes(id)) {
      res.writeHead(200, headers);
      streamHugeJson(res, BIG_ANSWER_BYTES);
    } else {
      const answer = documentedAnswer(id);
      res.writeHead(answer.status, headers).end(answer.body);
    }
  });
}

export interface RecordingServer extends TestServer {
  received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
}

/** Answers a documented success to anything and records what reached it. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const received: RecordingServer["received"] = [];
  const server = await startScriptedServer((req, res, body) => {
    received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    res.writeHead(200, { "content-type": "application/json", "x-km-correlation-id": correlationOf(req) }).end(documentedAnswer("success").body);
  });
  return { ...server, received };
}
