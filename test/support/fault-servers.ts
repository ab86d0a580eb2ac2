// Local servers that each break one rule of the contract, so the conformance suite is shown to
// fail where it must. Transport faults (hang, reset) need raw node:http; answer faults reuse the
// faithful server, changing only the one thing under test.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CODE_MESSAGES, type DocumentedCode } from "../../generated/contract.js";
import { stringifyJson } from "../../src/json.js";
import { startFaithfulServer, type Answer, type ReceivedRequest } from "./faithful-server.js";

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** A server whose every answer is written by `handle` (after the request body was read). */
export async function startScriptedServer(handle: (req: IncomingMessage, res: ServerResponse, rawBody: string) => void): Promise<TestServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The documented envelope of a code, message from the spec. */
const envelope = (code: DocumentedCode) => ({ response: { code, description: CODE_MESSAGES[code].message } });

const echoCorrelation = (req: IncomingMessage) => ({ "x-km-correlation-id": String(req.headers["x-km-correlation-id"] ?? "") });

export type TransportFault = "hang" | "reset" | "html" | "empty" | "status-500" | "json-as-text" | "no-correlation-header";

/** Faults that no faithful server would ever produce. */
export function startTransportFault(fault: TransportFault): Promise<TestServer> {
  return startScriptedServer((req, res) => {
    switch (fault) {
      case "hang":
        return; // reads the request, never answers
      case "reset":
        req.socket.resetAndDestroy();
        return;
      case "html":
        res.writeHead(502, { "content-type": "text/html", ...echoCorrelation(req) }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      case "empty":
        res.writeHead(200, { "content-type": "application/json", ...echoCorrelation(req) }).end();
        return;
      case "status-500":
        res.writeHead(500, { "content-type": "application/json", ...echoCorrelation(req) }).end(stringifyJson({ response: { code: "999_999", description: "internal error" } }));
        return;
      case "json-as-text":
        res.writeHead(400, { "content-type": "text/plain", ...echoCorrelation(req) }).end(stringifyJson(envelope("002_003")));
        return;
      case "no-correlation-header":
        res.writeHead(400, { "content-type": "application/json" }).end(stringifyJson(envelope("002_003")));
        return;
    }
  });
}

export type AnswerFault =
  | "wrong-code"
  | "200-for-error"
  | "malformed-correlation-header"
  | "missing-envelope"
  | "description-number"
  /** A well-formed correlation id, but not the request's: what Prism does. */
  | "other-correlation-id";

/** A faithful server (token verified over the raw bytes) that gets one thing wrong for every request. */
export function startAnswerFault(fault: AnswerFault, secretKey: string) {
  const respond = (request: ReceivedRequest): Answer | undefined => {
    const userName = (request.body as { userName?: unknown } | undefined)?.userName;
    const mismatch = userName !== undefined && userName !== "김코나";
    switch (fault) {
      case "wrong-code":
        return mismatch ? { status: 400, body: envelope("002_007") } : undefined;
      case "200-for-error":
        return mismatch ? { status: 200, body: envelope("000_000") } : undefined;
      case "malformed-correlation-header":
        return { status: 400, body: envelope("002_003"), headers: { "x-km-correlation-id": "not-a-correlation-id" } };
      case "missing-envelope":
        return { status: 400, body: envelope("002_003").response };
      case "description-number":
        return { status: 400, body: { response: { code: "002_003", description: 42 } } };
      case "other-correlation-id":
        return { status: 200, body: envelope("000_000"), headers: { "x-km-correlation-id": "261124231500-0a1b2c3" } };
    }
  };
  return startFaithfulServer({ secretKey, respond });
}
