// What a kind of case is: one module that turns the spec and the base request into cases, builds
// each case's request, names the checks its answers get, lists the values it sends (so masking knows
// them) and says how its cases read in a report. The runner and the reporters ask a case's kind;
// they know no kind by name, so a new kind is one module and one line in registry.ts.
import type { Credentials } from "../../src/signing.js";
import type { PersonalValue } from "../masking.js";
import type { CaseReport } from "../report.js";

/** What an acceptance case changes: one field or header, to one kind of valid value (report.json's `varies`). */
export interface Varies {
  in: "body" | "header";
  /**
   * The body field or header name; `body` for a fuzz case, whose every field is drawn at random;
   * `json` for the body's JSON text written another way, `names` for every header's name.
   */
  field: string;
  /** The kind of value, as the id ends: `maximum`, `leap-day`, `278`, `fuzz`. */
  what: string;
  /** The spec's keyword whose edge the value stands on (its source makes the case an error or a warning). */
  rule: string;
}

/** A request that sends the value of an outcome the spec documents without a code: which outcome, and in which field. */
export interface CodelessMatch {
  /** The spec's example (request and answer share its name): `non-participant`. */
  example: string;
  status: number;
  /** The example's summary, the page's title of the case. */
  summary: string;
  field: string;
}

/** What the acceptance checks know of a case: the value sent in words and the answers a valid request may get. */
export interface AcceptanceFacts {
  varies: Varies;
  /** The field, the kind of value and the value (personal values masked): `userId at its maximum 9999999999999999999`. */
  description: string;
  /** Each documented status with the codes documented for it, read from the spec's examples. */
  outcomes: ReadonlyMap<number, ReadonlySet<string>>;
  /** Codes the spec ties to breaking a rule that this request keeps (code → rule): answering one refuses a valid value. */
  ruleCodes: ReadonlyMap<string, string>;
  /** Why the embedded Prism mock cannot judge the value itself (it reads numbers as doubles); said beside its verdict. */
  mockNote?: string;
  /**
   * The request sends the value of an outcome the spec documents without a code (bank 261, its
   * `non-participant` example): an undocumented code at that outcome's status may be that outcome,
   * so documented-outcome is only a warning for it (an error with --strict).
   */
  codeless?: CodelessMatch;
}

export interface Expectation {
  status: number;
  code: string | null;
}

/** What every case has, whatever its kind; a kind adds fields of its own. */
export interface ConformanceCase {
  /** The name of the kind that made it (its module in the registry). */
  kind: string;
  id: string;
  title: string;
  expected: Expectation;
  /** Judged by a rule no source states (the kit's own reading): every check is a warning. */
  warningOnly?: boolean;
  /** Why the expected code is the one expected, said in the code check's messages. */
  codeSource?: string;
  /** No code is documented for such an answer: a well-formed code is only hoped for (a warning). */
  codeHoped?: boolean;
  /** Every rule the request breaks, `<field or header>:<rule>` (the refusal checks name them). */
  breaks?: readonly string[];
  /**
   * The documented codes that refuse this request (the spec's codes for a rule of a field it breaks);
   * any other documented outcome code in a 4xx answer means the request was processed, not refused.
   */
  refusalCodes?: readonly string[];
  /** An acceptance case: what it varies and which answers are documented outcomes (the acceptance checks read it). */
  acceptance?: AcceptanceFacts;
}

export interface EncryptionSettings {
  cryptoKeyId: string;
  serverPublicKey: string;
  clientPrivateKey?: string;
}

/** What building a request may use. */
export interface BuildContext {
  credentials: Credentials;
  encryption?: EncryptionSettings | undefined;
  /** The target is the kit's own embedded Prism mock. */
  mock: boolean;
}

export interface BuiltRequest {
  headers: Record<string, string>;
  /** The exact bytes sent (the token is computed over them, unless the token is what a case breaks). */
  wire: string;
  /**
   * The encData string the body carries (a JWE, or what a case made of one), when it carries one:
   * its answer is judged as the answer to an encrypted request, and reports must mask the string
   * like a token.
   */
  jwe?: string;
}

/** A case's overrides from a `--cases` file: body fields merged over the default body, headers over the default headers. */
export interface CaseOverride {
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** What deriving a kind's cases may use. */
export interface DeriveContext {
  overrides: Readonly<Record<string, CaseOverride>>;
  /** The request other kinds are built on: the `success` case after --cases overrides. */
  base: { body: Record<string, unknown>; headers: Record<string, string> };
  /** Requests are judged (which rules they break) as signed with these. */
  credentials: Credentials;
  encrypted: boolean;
  /** --fuzz N --seed S: N acceptance cases with random valid bodies drawn from the spec, reproducible by the seed. */
  fuzz?: { count: number; seed: number };
}

/** How a kind's cases read in the terminal, report.html and junit.xml. */
export interface KindPresentation {
  /** The terminal's heading over the kind's table. */
  heading: string;
  /** report.html's section: heading, anchor id and a note under it. */
  section: { heading: string; id: string; note?: string };
  /** junit.xml's testsuite name and testcase classname. */
  junitClassname: string;
  /** The expected outcome in a table cell (`400 002_003`, `4xx`). */
  expected(c: CaseReport, where: "terminal" | "html"): string;
  /** Whether the observed status is the kind of status expected (report.html marks it otherwise). */
  statusAsExpected(c: CaseReport): boolean;
}

export interface CaseKind<C extends ConformanceCase = ConformanceCase> {
  /** `kind` in report.json and `--kind`. */
  readonly name: string;
  /** Every id of this kind starts so (`refuse:`); "" when ids are free. `--only` derives a kind only when a pattern can match it. */
  readonly idPrefix: string;
  /** The checks its answers get, after `answered`, in order (names in checks/registry.ts). */
  readonly checks: readonly string[];
  readonly presentation: KindPresentation;
  derive(context: DeriveContext): C[];
  /** How `--only`'s error message lists this kind's ids: each id, or its families (`refuse:auth:*`). */
  idHint(cases: readonly C[]): string[];
  /** Why this case cannot be judged here (it is then skipped with the reason); undefined when it can. */
  skipReason?(kase: C, context: BuildContext): string | undefined;
  build(kase: C, context: BuildContext): Promise<BuiltRequest>;
  /** The body the case sends as meant (the raw text of a body that is not JSON), for the report. */
  requestBody(kase: C): unknown;
  /** Values beyond the request body that the case sends and a report must mask like the originals. */
  sentValues?(kase: C, credentials: Credentials): { secrets?: string[]; personal?: PersonalValue[] };
  /** Fields of the case's report beyond those every case has (e.g. `breaks`), in report.json order. */
  reportFields?(kase: C): Partial<CaseReport>;
}
