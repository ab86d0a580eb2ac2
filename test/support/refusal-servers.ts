// Stand-ins for refusal cases: a faithful server (token, credentials, Content-Type, headers, body and
// request-time window all checked) and servers that each forget one kind of refusal, or refuse in an
// odd but acceptable way. Each answers every documented case like the faithful server, so only the
// refusal cases can tell them apart.
import { CASES, CODE_MESSAGES, type DocumentedCode } from "../../generated/contract.js";
import { stringifyJson } from "../../src/json.js";
import { SANDBOX_REFUSAL_CODE } from "../../sandbox/refusal.js";
import { defaultOutcome, startFaithfulServer, type Answer, type FaithfulServer, type ReceivedRequest, type Verdict } from "./faithful-server.js";

export interface StandInCredentials {
  secretKey: string;
  accessKey: string;
  aspId: string;
}

/** What a stand-in gets wrong (or, for the acceptable ones, merely does differently). */
export type RefusalFlaw =
  /** Never checks the HMAC token. */
  | "ignores-token"
  /** Checks the HMAC but not that the token's time is X-KM-Tran-Time. */
  | "ignores-token-time"
  | "any-access-key"
  | "any-asp-id"
  /** Does not validate X-KM-Time-Zone at all. */
  | "ignores-time-zone-header"
  /** Does not require X-KM-Correlation-Id. */
  | "correlation-id-optional"
  /** Answers 200 000_000 to a body that breaks the schema. */
  | "accepts-invalid-body"
  /** Answers 500 to bad input instead of refusing it. */
  | "500-on-bad-input"
  | "ignores-content-type"
  /** Compares userId with its maximum as a double (so 10^19 passes). */
  | "float-user-id"
  /** Refuses a bad account number with 002_007 instead of the spec's 002_001. */
  | "wrong-code-for-bad-account"
  /** Refuses with status 400 but code 000_000. */
  | "success-code-on-refusal"
  /** Acceptable: refuses with 401 and an HTML page wherever the spec names no code. */
  | "html-401-refusals"
  /** Acceptable (warning only): no request-time window. */
  | "accepts-stale-time"
  /** Acceptable (warning only: the calendar rule is the kit's inference): takes 20250230 and other dates that do not exist. */
  | "accepts-impossible-date"
  /** Acceptable (warning only: the three capitals are the kit's inference): requires X-KM-Time-Zone, takes any value. */
  | "ignores-time-zone-pattern"
  /** Acceptable (warning only): takes 20250230 as given and looks the member up, answering 400 002_007 (not found). */
  | "looks-up-impossible-date"
  /** Never validates the body: looks up whatever member it was sent and answers a documented outcome (400 002_007). */
  | "processes-invalid-body";

/** Five minutes either way: a window a real server might keep. */
export const CLOCK_WINDOW_MS = 5 * 60_000;

const envelope = (code: DocumentedCode) => ({ response: { code, description: CODE_MESSAGES[code].message } });

function adjusted(flaw: RefusalFlaw | undefined, request: ReceivedRequest, creds: StandInCredentials): Verdict {
  const v = { ...request.verdict };
  switch (flaw) {
    case "ignores-token":
      v.tokenOk = true;
      break;
    case "ignores-token-time":
      v.tokenOk = v.hmacOk;
      break;
    case "any-access-key":
      v.credentialsOk = request.headers["x-km-user-aspid"] === creds.aspId;
      break;
    case "any-asp-id":
      v.credentialsOk = request.headers["x-km-access-key"] === creds.accessKey;
      break;
    case "ignores-time-zone-header":
      v.headerViolations = v.headerViolations.filter((x) => x.path !== "X-KM-Time-Zone");
      break;
    case "correlation-id-optional":
      v.headerViolations = v.headerViolations.filter((x) => !(x.path === "X-KM-Correlation-Id" && x.rule === "required"));
      break;
    case "ignores-content-type":
      v.contentTypeOk = true;
      break;
    case "float-user-id": {
      const userId = (request.body as { userId?: unknown } | undefined)?.userId;
      const asDouble = typeof userId === "bigint" || typeof userId === "number" ? Number(userId) : NaN;
      v.bodyViolations = v.bodyViolations.filter((x) => !(x.path === "userId" && x.rule === "maximum" && asDouble <= Number(9999999999999999999n)));
      break;
    }
    case "accepts-stale-time":
      v.clockOk = true;
      break;
    case "accepts-impossible-date":
    case "looks-up-impossible-date":
      v.bodyViolations = v.bodyViolations.filter((x) => !(x.path === "birthDate" && x.rule === "format"));
      break;
    case "processes-invalid-body":
      // Only the bankAccount rules, which the spec answers with 002_001, are still looked at.
      v.bodyViolations = v.bodyViolations.filter((x) => x.path === "bankAccount");
      break;
    case "ignores-time-zone-pattern":
      v.headerViolations = v.headerViolations.filter((x) => !(x.path === "X-KM-Time-Zone" && x.rule !== "required"));
      break;
    default:
      break;
  }
  return v;
}

/** A documented case: its catalog body, everything else in order. The stand-ins never misbehave on those. */
function isDocumentedRequest(request: ReceivedRequest, v: Verdict): boolean {
  if (request.body === undefined || !v.contentTypeOk || !v.credentialsOk || !v.tokenOk || !v.clockOk || v.headerViolations.length) return false;
  const sent = stringifyJson(request.body);
  return CASES.some((c) => stringifyJson(c.request.body) === sent);
}

function respondWith(flaw: RefusalFlaw | undefined, creds: StandInCredentials) {
  return (request: ReceivedRequest): Answer => {
    const verdict = adjusted(flaw, request, creds);
    const answer = defaultOutcome({ ...request, verdict });
    if (isDocumentedRequest(request, verdict)) return answer;
    const refused = answer.status >= 400;
    switch (flaw) {
      case "accepts-invalid-body":
        return refused && verdict.bodyViolations.length && verdict.tokenOk && !verdict.headerViolations.length ? { status: 200, body: envelope("000_000") } : answer;
      case "500-on-bad-input":
        return refused ? { status: 500, body: { response: { code: "999_999", description: "internal error" } } } : answer;
      case "wrong-code-for-bad-account":
        return verdict.bodyViolations.some((x) => x.path === "bankAccount") ? { status: 400, body: envelope("002_007") } : answer;
      case "success-code-on-refusal":
        return refused ? { status: 400, body: envelope("000_000") } : answer;
      case "accepts-impossible-date": {
        // The member is found whatever the day: the date is taken as given.
        const onlyTheDate = request.verdict.bodyViolations.length > 0 && request.verdict.bodyViolations.every((x) => x.path === "birthDate" && x.rule === "format");
        return onlyTheDate && !verdict.bodyViolations.length && verdict.tokenOk && !verdict.headerViolations.length ? { status: 200, body: envelope("000_000") } : answer;
      }
      case "html-401-refusals":
        // Wherever the spec names no code: the faithful server's refusals carry the sandbox's placeholder.
        return refused && (typeof answer.body === "string" || (answer.body as { response?: { code?: string } }).response?.code === SANDBOX_REFUSAL_CODE) ? { status: 401, body: "<html><body><h1>401 Unauthorized</h1></body></html>", headers: { "content-type": "text/html" } } : answer;
      default:
        return answer;
    }
  };
}

/** A faithful stand-in (flaw undefined) or one with the given flaw. */
export function startRefusalStandIn(flaw: RefusalFlaw | undefined, creds: StandInCredentials): Promise<FaithfulServer> {
  return startFaithfulServer({
    secretKey: creds.secretKey,
    credentials: { accessKey: creds.accessKey, aspId: creds.aspId },
    clockWindowMs: CLOCK_WINDOW_MS,
    respond: respondWith(flaw, creds),
  });
}
