// Stand-ins for acceptance cases: the faithful server (the sandbox), a faithful one that answers other
// documented codes than the sandbox does, and over-strict ones that each refuse, or crash on, one
// kind of value the contract allows, the way real servers do (an id column of 64 bits, a name column
// of 50 bytes, a bank missing from a table, a leap-year rule got wrong, ...). Each answers every
// documented case (and refuses every refusal case) like the faithful server, so only acceptance
// cases can tell them apart.
import { CASES, CODE_MESSAGES, type DocumentedCode } from "../../generated/contract.js";
import { parseJson, stringifyJson } from "../../src/json.js";
import { defaultOutcome, startFaithfulServer, type Answer, type FaithfulServer, type ReceivedRequest } from "./faithful-server.js";
import { CLOCK_WINDOW_MS, type StandInCredentials } from "./refusal-servers.js";

/** How a stand-in departs from the contract (or, for the faithful variant, only from the sandbox's choice of documented code). */
export type AcceptanceFlaw =
  /** userId held in a signed 64-bit integer: crashes (500) past 2^63-1. */
  | "int64-user-id"
  /** userId held in a double and checked to be a safe integer: refuses past 2^53-1 with an undocumented code. */
  | "safe-integer-user-id"
  /** userId held in a signed 32-bit integer: refuses past 2^31-1 with 422. */
  | "int32-user-id"
  /** A name column of 50 bytes (about 16 Hangul letters): refuses a longer name with 422. */
  | "short-name-column"
  /** Bank 278 (Shinhan Investment) missing from its table: refuses it with an undocumented code. */
  | "missing-bank"
  /** Checks names against Hangul syllables (가-힣): refuses decomposed jamo as sent by macOS. */
  | "composed-hangul-only"
  /** Leap years by `year % 4 == 0 && year % 100 != 0` alone: refuses 29 February 2000. */
  | "naive-leap-year"
  /** bankAccount held in a 64-bit integer: refuses 20 digits with the spec's 002_001 (its code for a bad account). */
  | "numeric-account"
  /** Names stored as 3-byte UTF-8 (utf8mb3): crashes (500) on a character outside the BMP. */
  | "utf8mb3-names"
  /** A one-letter name is refused with a generic "invalid request" code the spec does not document. */
  | "invalid-request-code"
  /** A web application firewall in front: a name with an apostrophe looks like SQL injection, 403 and an HTML page. */
  | "firewall-apostrophe"
  /** Refuses a correlation id with capital hex letters (its own ids are lower case). */
  | "lower-case-correlation-id"
  /** Takes only KST in X-KM-Time-Zone (its clients all sit in Korea): refuses UTC, a zone the page names. */
  | "kst-only"
  /** Warning only (the range is the kit's reading): refuses birth years before 1900 or after 2100 with an undocumented code. */
  | "birth-years-1900-2100"
  /** Keeps birth dates in a type from 1900 to 2100 and crashes (500) on any other year: a crash is an error whoever's reading the range is. */
  | "birth-years-crash"
  /** Faithful: answers other documented codes than the sandbox (002_003 for a name it does not know, 002_005 for a birth date, 002_004 for a bank). */
  | "other-documented-codes"
  /** Faithful, as the spec's example has it: bank 261 does not participate, and every request for it gets the server's own code for that (003_001), which no source gives. */
  | "own-non-participant-code"
  /** Names stored in EUC-KR (KS X 1001): crashes (500) on a Hangul syllable outside its 2,350, such as 똠. */
  | "euc-kr-names"
  /** Counts a name's length in UTF-16 units (Java's String.length()): refuses 100 characters holding one outside the BMP with 422. */
  | "utf16-name-length"
  /** Takes only letters, spaces, apostrophes and hyphens in names: refuses the middle dot of a foreign name in Hangul with an undocumented code. */
  | "letters-only-names"
  /** Faithful, behind a web application firewall that refuses every request without a User-Agent (403 and an HTML page), as AWS WAF's core rule set does. */
  | "behind-waf"
  /** Keeps birth dates in a MySQL TIMESTAMP (1970-01-01 to 2038-01-19): crashes (500) on any other day. */
  | "timestamp-birth-dates"
  /** Takes names of at most three words (given name, middle name, surname): refuses longer ones with an undocumented code. */
  | "three-word-names"
  /** A log-injection filter in front: refuses a raw body holding a line break or a tab, with an undocumented code. */
  | "no-line-breaks"
  /** Reads the body's members by position, in the order of the page's example: refuses any other order with an undocumented code. */
  | "member-order"
  /** Looks its headers up by the names as the page writes them (a case-sensitive map): small-letter names are missing, 401 with its own code. */
  | "case-sensitive-header-names"
  /** Looks a month's days up in a table counted from 0 with the month counted from 1: refuses 31 January with an undocumented code. */
  | "zero-based-month-table"
  /** Warning only (the media-type rule is the kit's reading): takes Content-Type exactly `application/json`, refusing a charset parameter with 415. */
  | "exact-content-type"
  /** Checks the token over its own compact re-serialisation of the body, not the bytes sent: refuses JSON written otherwise with 401. */
  | "reserialised-token"
  /** Takes adult members only (born before 2008): refuses a child's birth date with an undocumented code the spec does not give. */
  | "adults-only";

/** The members of the page's example request, in its order. */
const EXAMPLE_MEMBER_ORDER = Object.keys(CASES.find((c) => c.id === "success")!.request.body).join();

const envelope = (code: DocumentedCode) => ({ response: { code, description: CODE_MESSAGES[code].message } });
const undocumented = (status: number, code: string, description: string): Answer => ({ status, body: { response: { code, description } } });
const crash = (): Answer => ({ status: 500, body: { response: { code: "999_500", description: "Internal server error" } } });

interface Body {
  userId?: unknown;
  userName?: unknown;
  birthDate?: unknown;
  bankCode?: unknown;
  bankAccount?: unknown;
}

const big = (v: unknown) => (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)) ? BigInt(v) : undefined);

function isLeapNaive(year: number): boolean {
  return year % 4 === 0 && year % 100 !== 0;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The 2,350 Hangul syllables of KS X 1001 (EUC-KR's rows 0xB0-0xC8), read from Node's own EUC-KR decoder. */
const KS_X_1001_HANGUL: ReadonlySet<string> = (() => {
  const decoder = new TextDecoder("euc-kr");
  const out = new Set<string>();
  for (let lead = 0xb0; lead <= 0xc8; lead++) for (let trail = 0xa1; trail <= 0xfe; trail++) out.add(decoder.decode(Uint8Array.of(lead, trail)));
  return out;
})();

/** The flaw's answer where the stand-in departs from the sandbox; undefined where it answers as the sandbox does. */
function flawed(flaw: AcceptanceFlaw, request: ReceivedRequest, sandbox: Answer): Answer | undefined {
  const body = request.body as Body;
  const id = big(body.userId);
  const name = typeof body.userName === "string" ? body.userName : "";
  const date = typeof body.birthDate === "string" ? body.birthDate : "";
  switch (flaw) {
    case "int64-user-id":
      return id !== undefined && id > 2n ** 63n - 1n ? crash() : undefined;
    case "safe-integer-user-id":
      return id !== undefined && id > BigInt(Number.MAX_SAFE_INTEGER) ? undocumented(400, "001_001", "Invalid request: userId") : undefined;
    case "int32-user-id":
      return id !== undefined && id > 2n ** 31n - 1n ? undocumented(422, "001_422", "userId out of range") : undefined;
    case "short-name-column":
      return Buffer.byteLength(name, "utf8") > 50 ? undocumented(422, "001_422", "userName too long") : undefined;
    case "missing-bank":
      return body.bankCode === "278" ? undocumented(400, "003_001", "Unknown bank code") : undefined;
    case "composed-hangul-only":
      return /[\u1100-\u11FF]/.test(name) ? undocumented(400, "001_002", "userName has invalid characters") : undefined;
    case "naive-leap-year": {
      const [year, month, day] = [Number(date.slice(0, 4)), date.slice(4, 6), date.slice(6, 8)];
      return month === "02" && day === "29" && !isLeapNaive(year) ? undocumented(400, "001_003", "Invalid birthDate") : undefined;
    }
    case "numeric-account":
      return typeof body.bankAccount === "string" && body.bankAccount.length > 19 ? { status: 400, body: envelope("002_001") } : undefined;
    case "utf8mb3-names":
      return Array.from(name).some((c) => c.codePointAt(0)! > 0xffff) ? crash() : undefined;
    case "invalid-request-code":
      return Array.from(name).length === 1 ? undocumented(400, "400_000", "Invalid request") : undefined;
    case "firewall-apostrophe":
      return name.includes("'") ? { status: 403, body: "<html><body><h1>403 Forbidden</h1>Request blocked.</body></html>", headers: { "content-type": "text/html" } } : undefined;
    case "lower-case-correlation-id":
      return /[A-F]/.test(request.headers["x-km-correlation-id"] ?? "") ? undocumented(400, "001_400", "Invalid X-KM-Correlation-Id") : undefined;
    case "kst-only":
      return request.headers["x-km-time-zone"] !== "KST" ? undocumented(400, "001_401", "Unsupported X-KM-Time-Zone") : undefined;
    case "birth-years-1900-2100": {
      const year = Number(date.slice(0, 4));
      return year < 1900 || year > 2100 ? undocumented(400, "001_003", "Invalid birthDate") : undefined;
    }
    case "birth-years-crash": {
      const year = Number(date.slice(0, 4));
      return year < 1900 || year > 2100 ? crash() : undefined;
    }
    case "own-non-participant-code":
      return body.bankCode === "261" ? undocumented(400, "003_001", "Institution does not participate") : undefined;
    case "euc-kr-names":
      return Array.from(name).some((c) => /[\uAC00-\uD7A3]/.test(c) && !KS_X_1001_HANGUL.has(c)) ? crash() : undefined;
    case "utf16-name-length":
      return name.length > 100 ? undocumented(422, "001_422", "userName too long") : undefined;
    case "timestamp-birth-dates":
      return date < "19700101" || date > "20380119" ? crash() : undefined;
    case "three-word-names":
      return name.trim().split(/\s+/).length > 3 ? undocumented(400, "001_002", "userName has too many parts") : undefined;
    case "no-line-breaks":
      return /[\r\n\t]/.test(request.rawBody) ? undocumented(400, "001_400", "Invalid characters in request") : undefined;
    case "member-order":
      return Object.keys(body).join() !== EXAMPLE_MEMBER_ORDER ? undocumented(400, "001_400", "Malformed request") : undefined;
    case "case-sensitive-header-names":
      return request.headerNames.includes("X-KM-Tran-Token") ? undefined : undocumented(401, "001_401", "X-KM-Tran-Token is missing");
    case "letters-only-names":
      return /[^\p{L}\p{M} '-]/u.test(name) ? undocumented(400, "001_002", "userName has invalid characters") : undefined;
    case "zero-based-month-table": {
      const [year, month, day] = [Number(date.slice(0, 4)), Number(date.slice(4, 6)), Number(date.slice(6, 8))];
      const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
      return day > (days[month] ?? 31) ? undocumented(400, "001_003", "Invalid birthDate") : undefined;
    }
    case "reserialised-token":
      return stringifyJson(parseJson(request.rawBody)) !== request.rawBody ? undocumented(401, "001_401", "Invalid X-KM-Tran-Token") : undefined;
    case "exact-content-type":
      return request.headers["content-type"] !== "application/json" ? { status: 415, body: { response: { code: "001_415", description: "Unsupported Media Type" } } } : undefined;
    case "adults-only":
      return Number(date.slice(0, 4)) >= 2008 && Number(date.slice(0, 4)) < 2100 ? undocumented(400, "002_010", "Member must be an adult") : undefined;
    case "other-documented-codes": {
      // Still documented outcomes, for another reading of who the member is.
      if ((sandbox.body as { response?: { code?: string } }).response?.code !== "002_007") return undefined;
      if (body.userName !== "김코나") return { status: 400, body: envelope("002_003") };
      if (body.birthDate !== "19751112") return { status: 400, body: envelope("002_005") };
      if (body.bankCode !== "003") return { status: 400, body: envelope(body.bankCode === "004" ? "002_006" : "002_004") };
      return undefined;
    }
  }
}

/** A request the sandbox would answer with a documented outcome: everything about it is in order. */
const inOrder = (r: ReceivedRequest) => {
  const v = r.verdict;
  return v.tokenOk && v.contentTypeOk && v.credentialsOk && v.clockOk && !v.headerViolations.length && !v.bodyViolations.length && r.body !== undefined;
};

/** The faithful server (flaw undefined: the sandbox itself) or a stand-in with the given flaw. */
export function startAcceptanceStandIn(flaw: AcceptanceFlaw | undefined, creds: StandInCredentials): Promise<FaithfulServer> {
  return startFaithfulServer({
    secretKey: creds.secretKey,
    credentials: { accessKey: creds.accessKey, aspId: creds.aspId },
    clockWindowMs: CLOCK_WINDOW_MS,
    ...(flaw === undefined
      ? {}
      : {
          respond: (request: ReceivedRequest) => {
            // The firewall stands in front of everything, in order or not.
            if (flaw === "behind-waf") return request.headers["user-agent"] ? undefined : { status: 403, body: "<html><body><h1>403 Forbidden</h1></body></html>", headers: { "content-type": "text/html" } };
            return inOrder(request) ? flawed(flaw, request, defaultOutcome(request)) : undefined;
          },
        }),
  });
}
