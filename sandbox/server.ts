// The sandbox's HTTP side: serves the one operation under its base path, judges each request by the
// checks in request-checks.ts, answers the documented outcome (encrypted when the request was and the
// client's key is known) or a refusal envelope, and logs one line per exchange.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, flatHeaders } from "../common/http-server.js";
import { OPERATION } from "../generated/contract.js";
import { encryptPayload } from "../src/encryption.js";
import { stringifyJson } from "../src/json.js";
import { correlationId } from "../src/signing.js";
import { isWellFormedCorrelationId } from "../src/validation.js";
import { logLine, type Exchange } from "./log-line.js";
import { ACCOUNT_RULE_OUTCOME, outcomeFor, type Member, type Outcome } from "./outcomes.js";
import { refuse, refusalEnvelope, SANDBOX_REFUSAL_CODE, type Refusal } from "./refusal.js";
import { DEFAULT_MAX_REQUEST_BYTES, readBoundedRequest } from "./request-body.js";
import { checkBody, checkCaller, checkContentType, checkHeaders, checkToken, isRefusal, readPlainBody, type CheckSettings, type Headers } from "./request-checks.js";

export interface SandboxRequest {
  method: string;
  /** The path as requested, without the query. */
  path: string;
  headers: Headers;
  /** The header names as the client wrote them (letter case kept), in the order sent: for an override that reads them so. */
  headerNames: string[];
  /** When the request's head came in (performance.now()): for an override that answers a fixed time after it. */
  receivedAt: number;
  rawBody: Buffer;
  /** The plain body (decrypted when it came encrypted); undefined when the checks stopped before it. */
  body?: unknown;
  encrypted: boolean;
}

export interface Answer {
  status: number;
  /** An envelope (sent as JSON, encrypted where the exchange is) or a string sent as it is. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface Judgement {
  answer: Answer;
  refusal?: Refusal;
  outcome?: Outcome;
}

export interface SandboxOptions extends CheckSettings {
  /** The path prefix served (the spec's sandbox server path, `/open-api`); null serves the operation under any prefix. */
  basePath: string | null;
  maxRequestBytes?: number;
  /** Receives one line per exchange. */
  log?: (line: string) => void;
  /** Sees every request the sandbox judged and may replace its answer (test stand-ins only). */
  override?: (request: SandboxRequest, judgement: Judgement) => Answer | undefined | Promise<Answer | undefined>;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The origin plus the base path: what an application is pointed at. */
  baseUrl: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}


const refusalAnswer = (refusal: Refusal): Judgement => ({ answer: { status: refusal.status, body: refusalEnvelope(refusal) }, refusal });
const outcomeAnswer = (outcome: Outcome): Judgement => ({ answer: { status: outcome.status, body: outcome.body }, outcome });

/** Everything a request must keep, in order; the first broken rule decides. */
async function judge(request: SandboxRequest, options: SandboxOptions): Promise<Judgement> {
  const { headers, rawBody } = request;
  const early =
    checkHeaders(headers) ??
    checkCaller(headers, options.credentials) ??
    checkToken(headers, rawBody, options.credentials.secretKey, options.maxClockSkewSeconds) ??
    checkContentType(headers);
  if (early) return refusalAnswer(early);
  const plain = await readPlainBody(headers, rawBody, options.encryption);
  if (isRefusal(plain)) return refusalAnswer(plain);
  request.body = plain.body;
  request.encrypted = plain.encrypted;
  const verdict = checkBody(plain.body);
  if (isRefusal(verdict)) return refusalAnswer(verdict);
  if (verdict.accountRule && ACCOUNT_RULE_OUTCOME) return outcomeAnswer(ACCOUNT_RULE_OUTCOME);
  return outcomeAnswer(outcomeFor(plain.body as Member));
}

export async function startSandbox(options: SandboxOptions, port = 0, host = "127.0.0.1"): Promise<Sandbox> {
  const maxBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const operationPath = options.basePath === null ? null : `${options.basePath}${OPERATION.path}`;
  const served = (path: string) => (operationPath === null ? path.endsWith(OPERATION.path) : path === operationPath);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const headers = flatHeaders(req);
    const given = headers["x-km-correlation-id"];
    // The answer must keep the response header rules even when the request broke them.
    const echoed = given !== undefined && isWellFormedCorrelationId(given) ? given : correlationId(new Date(), "KST");
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    const request: SandboxRequest = { method: req.method ?? "", path, headers, headerNames: req.rawHeaders.filter((_, i) => i % 2 === 0), receivedAt: started, rawBody: Buffer.alloc(0), encrypted: false };

    let judgement: Judgement;
    let close = false;
    if (!served(path)) {
      close = true;
      judgement = refusalAnswer(refuse(404, "path", `nothing is served here; the operation is ${OPERATION.method} ${operationPath ?? `<base>${OPERATION.path}`}`));
    } else if (req.method !== OPERATION.method) {
      close = true;
      judgement = refusalAnswer(refuse(405, "method", `${OPERATION.path} takes ${OPERATION.method} only`));
    } else {
      const raw = await readBoundedRequest(req, maxBytes);
      if (raw === null) {
        close = true;
        judgement = refusalAnswer(refuse(413, "body-too-large", `the body is larger than ${maxBytes} bytes; a request is a few hundred bytes`));
      } else {
        request.rawBody = raw;
        judgement = await judge(request, options);
      }
    }
    const answer = (await options.override?.(request, judgement)) ?? judgement.answer;

    const responseHeaders: Record<string, string> = { "content-type": "application/json", "x-km-correlation-id": echoed };
    let payload = typeof answer.body === "string" ? answer.body : stringifyJson(answer.body);
    const encrypt = request.encrypted && options.encryption?.clientPublicKey !== undefined && typeof answer.body !== "string" && !judgement.refusal;
    if (encrypt) {
      payload = stringifyJson({ encData: await encryptPayload(payload, options.encryption!.clientPublicKey!) });
      if (headers["x-km-crypto-key-id"]) responseHeaders["x-km-crypto-key-id"] = headers["x-km-crypto-key-id"];
    }
    if (close) responseHeaders.connection = "close";
    if (judgement.refusal?.status === 405) responseHeaders.allow = OPERATION.method;
    responseHeaders["content-length"] = String(Buffer.byteLength(payload));
    res.writeHead(answer.status, { ...responseHeaders, ...answer.headers });
    res.end(payload);

    if (options.log) {
      const exchange: Exchange = {
        at: new Date(),
        status: answer.status,
        correlationId: echoed,
        encrypted: request.encrypted,
        durationMs: performance.now() - started,
      };
      if (judgement.refusal && answer === judgement.answer) exchange.rule = judgement.refusal.rule;
      else exchange.code = (answer.body as { response?: { code?: string } } | null)?.response?.code ?? "-";
      if (judgement.outcome && answer === judgement.answer) {
        exchange.caseId = judgement.outcome.caseId;
        exchange.member = request.body as Partial<Member>;
      }
      options.log(logLine(exchange));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A fault of the sandbox itself: said on stderr, never in the answer (it could hold request text).
      process.stderr.write(`sandbox fault: ${err instanceof Error ? err.message : String(err)}\n`);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json", connection: "close" });
        res.end(stringifyJson({ response: { code: SANDBOX_REFUSAL_CODE, description: "sandbox fault: see the sandbox's own output" } }));
      } else res.destroy();
    });
  });
  // A request that trickles in is cut off long before node's default five minutes.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${actual}`;
  return {
    origin,
    baseUrl: `${origin}${options.basePath ?? ""}`,
    port: actual,
    server,
    close: () => closeServer(server),
  };
}
