// The test suite's faithful server is the sandbox (`npm run sandbox`), in-process: one implementation
// of the server side. This adapter keeps the stand-in's API for the tests: every request is recorded
// with a verdict (token, headers, body), and `respond` may replace the sandbox's answer. Unlike the
// command it serves the operation under any prefix and, unless given `credentials` and `clockWindowMs`,
// expects any well-formed AspId and access key and any request time.
import { parseJson } from "../../src/json.js";
import { validateRequestBody, validateRequestHeaders, type Violation } from "../../src/validation.js";
import { ACCOUNT_RULE_OUTCOME, outcomeFor, type Member } from "../../sandbox/outcomes.js";
import { refuse, refusalEnvelope, type RefusalRule } from "../../sandbox/refusal.js";
import { checkCaller, checkClock, checkContentType, checkToken, hmacMatches, isRefusal, judgeBodyViolations } from "../../sandbox/request-checks.js";
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
  /** Header names as the client wrote them. */
  headerNames: string[];
  /** The body exactly as received. */
  rawBody: string;
  /** The plain body (decrypted when it came encrypted), parsed losslessly; undefined if not JSON. */
  body: unknown;
  encrypted: boolean;
  verdict: Verdict;
  /** The rule the sandbox refused the request for, when it did. */
  refusal?: RefusalRule;
}

export interface FaithfulServerOptions {
  secretKey: string;
  /** When given, any other access key or AspId is refused (401), as a real server does. */
  credentials?: { accessKey: string; aspId: string };
  /** When given, a Tran-Time further than this from the server's clock is refused (401). */
  clockWindowMs?: number;
  /** When given, answers to encrypted requests are encrypted for this client key (`{"encData": ...}`). */
  clientPublicKeyPem?: string;
  /** Needed to read encrypted request bodies. */
  serverPrivateKeyPem?: string;
  /** With the private key: the only X-KM-Crypto-Key-Id taken (otherwise any well-formed one). */
  cryptoKeyId?: string;
  /** Overrides the default outcome; return (or resolve to) undefined to keep it. */
  respond?: (request: ReceivedRequest) => Answer | undefined | Promise<Answer | undefined>;
}

export interface FaithfulServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** The sandbox's own answer to each recorded request, with the verdict it was recorded with (by its headers object). */
const sandboxAnswers = new WeakMap<object, { verdict: Verdict; answer: Answer }>();

const sameVerdict = (a: Verdict, b: Verdict) => JSON.stringify(a) === JSON.stringify(b);

const refusal = (status: number, rule: RefusalRule, detail: string): Answer => ({ status, body: refusalEnvelope(refuse(status, rule, detail)) });

/** The sandbox's order of checks, applied to a verdict a test has edited (a stand-in that skips a check). */
function answerFromVerdict(request: ReceivedRequest): Answer {
  const v = request.verdict;
  if (v.headerViolations.length) {
    const first = v.headerViolations[0]!;
    const rule = first.rule === "required" ? "header-missing" : first.rule === "minLength" || first.rule === "maxLength" ? "header-length" : "header-pattern";
    return refusal(400, rule, v.headerViolations.map((x) => x.message).join("; "));
  }
  if (!v.credentialsOk) return refusal(401, "access-key", "X-KM-Access-Key or X-KM-User-AspId is not the project's");
  if (!v.tokenOk) return v.hmacOk ? refusal(400, "token-time", "the token time's first 14 digits must equal X-KM-Tran-Time") : refusal(401, "token-hmac", "the HMAC in X-KM-Tran-Token does not match the bytes received");
  if (!v.clockOk) return refusal(401, "clock-skew", "X-KM-Tran-Time is outside the accepted window");
  if (!v.contentTypeOk) return refusal(415, "content-type", "Content-Type must be application/json (UTF-8)");
  if (request.body === undefined) return refusal(400, "body-json", "the body is not JSON");
  const body = judgeBodyViolations(v.bodyViolations);
  if (isRefusal(body)) return { status: body.status, body: refusalEnvelope(body) };
  const outcome = body.accountRule && ACCOUNT_RULE_OUTCOME ? ACCOUNT_RULE_OUTCOME : outcomeFor(request.body as Member);
  return { status: outcome.status, body: outcome.body };
}

/**
 * What the sandbox answers this request: the documented outcome, or a refusal envelope naming the
 * rule. A copy whose verdict a test edited is answered by the sandbox's order of checks on that verdict.
 */
export function defaultOutcome(request: ReceivedRequest): Answer {
  const recorded = sandboxAnswers.get(request.headers);
  if (recorded && sameVerdict(recorded.verdict, request.verdict)) return recorded.answer;
  return answerFromVerdict(request);
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
    encryption: options.serverPrivateKeyPem ? { serverPrivateKey: options.serverPrivateKeyPem, clientPublicKey: options.clientPublicKeyPem, cryptoKeyId: options.cryptoKeyId } : undefined,
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
        headerNames: request.headerNames,
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
        ...(judgement.refusal ? { refusal: judgement.refusal.rule } : {}),
      };
      sandboxAnswers.set(received.headers, { verdict: received.verdict, answer: judgement.answer });
      requests.push(received);
      const answer = options.respond?.(received);
      return answer;
    },
  });
  return { url: sandbox.origin, requests, close: sandbox.close };
}
