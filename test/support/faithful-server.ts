// The test suite's faithful server is the sandbox (`npm run sandbox`), in-process: one implementation
// of the server side. This adapter keeps the stand-in's API for the tests: every request is recorded
// with a verdict (token, headers, body), and `respond` may replace the sandbox's answer. Unlike the
// command it serves the operation under any prefix and, unless given `credentials` and `clockWindowMs`,
// expects any well-formed AspId and access key and any request time.
import { parseJson } from "../../src/json.js";
import { validateRequestBody, validateRequestHeaders, type Violation } from "../../src/validation.js";
import { checkCaller, checkClock, checkContentType, checkToken, hmacMatches } from "../../sandbox/request-checks.js";
import { startSandbox, type Answer } from "../../sandbox/server.js";

export type { Answer };

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

export interface FaithfulServerOptions {
  secretKey: string;
  /** When given, any other access key or AspId is refused (401), as a real server does. */
  credentials?: { accessKey: string; aspId: string };
  /** When given, a Tran-Time further than this from the server's clock is refused (401). */
  clockWindowMs?: number;
  /** Holds every answer this long (benchmarks: a server with a fixed latency). */
  answerDelayMs?: number;
  /** When given, answers to encrypted requests are encrypted for this client key (`{"encData": ...}`). */
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

/** The sandbox's own answer to each recorded request. */
const sandboxAnswers = new WeakMap<ReceivedRequest, Answer>();

/** What the sandbox answers this request: the documented outcome, or a refusal envelope naming the rule. */
export function defaultOutcome(request: ReceivedRequest): Answer {
  const answer = sandboxAnswers.get(request);
  if (!answer) throw new Error("defaultOutcome: not a request this faithful server received");
  return answer;
}

function parsedOrUndefined(raw: string): unknown {
  try {
    return parseJson(raw);
  } catch {
    return undefined;
  }
}

export async function startFaithfulServer(options: FaithfulServerOptions): Promise<FaithfulServer> {
  const requests: ReceivedRequest[] = [];
  const sandbox = await startSandbox({
    basePath: null,
    credentials: { secretKey: options.secretKey, ...options.credentials },
    encryption: options.serverPrivateKeyPem ? { serverPrivateKey: options.serverPrivateKeyPem, clientPublicKey: options.clientPublicKeyPem } : undefined,
    maxClockSkewSeconds: options.clockWindowMs === undefined ? 0 : options.clockWindowMs / 1000,
    override: async (request, judgement) => {
      // Requests for other paths or methods were never the operation's: not recorded.
      if (judgement.refusal?.rule === "path" || judgement.refusal?.rule === "method") return undefined;
      const rawBody = request.rawBody.toString("utf8");
      // Where the sandbox stopped before reading the body, it is still recorded for the tests.
      const body = request.body !== undefined ? request.body : request.encrypted ? undefined : parsedOrUndefined(rawBody);
      const received: ReceivedRequest = {
        method: request.method,
        path: request.path,
        headers: { ...request.headers },
        rawBody,
        body,
        encrypted: request.encrypted,
        verdict: {
          tokenOk: checkToken(request.headers, request.rawBody, options.secretKey, 0) === null,
          hmacOk: hmacMatches(/^KMV1:[^:]*:(.*)$/.exec(request.headers["x-km-tran-token"] ?? "")?.[1] ?? "", request.rawBody, options.secretKey),
          contentTypeOk: checkContentType(request.headers) === null,
          credentialsOk: !options.credentials || checkCaller(request.headers, { ...options.credentials, secretKey: options.secretKey }) === null,
          clockOk: options.clockWindowMs === undefined || checkClock(request.headers, options.clockWindowMs / 1000) === null,
          headerViolations: validateRequestHeaders(request.headers),
          bodyViolations: body === undefined ? [{ path: "(body)", rule: "json", message: "body is not JSON" }] : validateRequestBody(body),
        },
      };
      sandboxAnswers.set(received, judgement.answer);
      requests.push(received);
      const answer = options.respond?.(received);
      if (options.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.answerDelayMs));
      return answer;
    },
  });
  return { url: sandbox.origin, requests, close: sandbox.close };
}
