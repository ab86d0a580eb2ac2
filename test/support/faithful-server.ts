// The test suite's faithful server is the sandbox (`npm run sandbox`), in-process: one implementation
// of the server side. This adapter keeps the stand-in's API for the tests: every request is recorded
// with a verdict (token, headers, body), and `respond` may replace the sandbox's answer. Unlike the
// command it serves the operation under any prefix, expects any well-formed AspId and access key and
// does not check the clock, so tests may sign with any credentials of the right shape and any instant.
import { parseJson } from "../../src/json.js";
import { validateRequestBody, validateRequestHeaders, type Violation } from "../../src/validation.js";
import { checkToken } from "../../sandbox/request-checks.js";
import { startSandbox, type Answer } from "../../sandbox/server.js";

export type { Answer };

export interface Verdict {
  /** The HMAC in X-KM-Tran-Token matches the raw body and its time matches X-KM-Tran-Time. */
  tokenOk: boolean;
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
    credentials: { secretKey: options.secretKey },
    encryption: options.serverPrivateKeyPem ? { serverPrivateKey: options.serverPrivateKeyPem, clientPublicKey: options.clientPublicKeyPem } : undefined,
    maxClockSkewSeconds: 0,
    override: (request, judgement) => {
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
          headerViolations: validateRequestHeaders(request.headers),
          bodyViolations: body === undefined ? [{ path: "(body)", rule: "json", message: "body is not JSON" }] : validateRequestBody(body),
        },
      };
      sandboxAnswers.set(received, judgement.answer);
      requests.push(received);
      return options.respond?.(received);
    },
  });
  return { url: sandbox.origin, requests, close: sandbox.close };
}
