// Runs the cases against a server and judges every answer. Requests are built by each case's kind
// (not by the client) because they must go out exactly as given, invalid ones included, signed over
// the exact bytes sent. Server faults never throw: they become failed checks. The runner knows no
// kind by name: it asks a case's kind (kinds/registry.ts) to build, skip and describe it.
import { isSecretHeader } from "../common/secret-headers.js";
import { OPERATION } from "../generated/contract.js";
import { operationUrl } from "../src/base-url.js";
import { DEFAULT_MAX_RESPONSE_BYTES, isValidByteCap, MAX_RESPONSE_BYTES_LIMIT } from "../src/bounded-body.js";
import { stringifyJson } from "../src/json.js";
import type { Credentials } from "../src/signing.js";
import { bodyOf, codeOf, type ParsedBody } from "./answer.js";
import { selectCases } from "./catalog.js";
import type { CheckRun } from "./checks/check.js";
import { judge, passes } from "./checks/registry.js";
import { idleWork, type IdleWork } from "./idle-work.js";
import type { BuildContext, BuiltRequest, CaseKind, ConformanceCase, EncryptionSettings } from "./kinds/kind.js";
import { kindOf } from "./kinds/registry.js";
import { tick } from "./loop-clock.js";
import { Scrubber, type PersonalValue } from "./masking.js";
import { countWarned, hasWarnings, type CaseReport, type CheckResult, type Report } from "./report.js";
import { exchange, type Exchange } from "./transport.js";

export { operationUrl };

export interface RunOptions {
  /** Base URL; the operation path is appended (the base may carry a prefix such as /open-api). */
  target: string;
  credentials: Credentials;
  encryption?: EncryptionSettings;
  /** Default: selectCases() (the documented cases); see selectRun() for every kind. */
  cases?: readonly ConformanceCase[];
  /** Per answer; default 10000. */
  timeoutMs?: number;
  /** Cases in flight at once; default 4. */
  concurrency?: number;
  /** Largest answer read, in decoded bytes; past it reading stops and body-parses fails. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Cases of the kit's own reading (inferred rules, the request-time window) fail like the others instead of warning. */
  strict?: boolean;
  /** The longest an answer may take, in ms (request start to last byte): every case gets check response-time. */
  maxResponseTimeMs?: number;
  /** How to rerun one case alone (the CLI's command line): given to every failed case and case with warnings. */
  reproduce?: { command(caseId: string): string; environment: readonly string[] };
  /**
   * Against the kit's own Prism: documented cases send `Prefer: code=<status>, example=<case id>`;
   * cases the mock cannot judge are skipped with the reason (each kind says which).
   */
  mock?: boolean;
  /** --fuzz N --seed S: kept in the report, so the random bodies can be drawn again. */
  fuzz?: { count: number; seed: number };
  onProgress?: (done: number, total: number, latest: CaseReport) => void;
}

/** Requests started before the event loop gets a turn to send them (one turn each costs more than it saves). */
const LAUNCH_BATCH = 8;

/** How much of a non-JSON (or too long) answer a report keeps, in characters. */
const RAW_BODY_LIMIT = 2_000;
/** A JSON answer up to this many characters is kept as parsed JSON; a longer one as cut text. */
const JSON_BODY_LIMIT = 16_384;

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** What a report keeps of the answer body: parsed JSON when small, else text cut where no sent value is split. */
function keptBody(scrub: Scrubber, result: Exchange & { answered: true }, body: ParsedBody): unknown {
  if (result.oversized !== undefined) return `(not kept: the answer is larger than ${result.oversized} bytes (decoded); reading stopped there)`;
  if (body.ok && (body.encrypted ? stringifyJson(body.plain).length : result.text.length) <= JSON_BODY_LIMIT) return body.plain;
  const cut = scrub.cutPoint(result.text, RAW_BODY_LIMIT);
  return cut < result.text.length ? `${result.text.slice(0, cut)}… (${result.text.length - cut} more characters not kept)` : result.text;
}

/** What every case of one run shares. */
interface RunContext {
  options: RunOptions;
  /** The operation's URL on the target, worked out once (undefined when the target is no URL: each case then fails saying so). */
  url: string | undefined;
  build: BuildContext;
  checks: CheckRun;
  scrub: Scrubber;
  idle: IdleWork;
}

/** The fields of a case's report known before its answer, in report.json order. */
function knownPart(kase: ConformanceCase, kind: CaseKind, sentHeaders: Record<string, string>) {
  return {
    id: kase.id,
    title: kase.title,
    expected: { ...kase.expected },
    request: { headers: sentHeaders, body: kind.requestBody(kase) },
    ...kind.reportFields?.(kase),
  };
}

/** The case as it happened; the runner masks it before keeping it. */
function caseReport(kase: ConformanceCase, run: RunContext, sentHeaders: Record<string, string>, result: Exchange, body: ParsedBody | undefined, checks: CheckResult[]): CaseReport {
  const kind = kindOf(kase);
  const observed: CaseReport["observed"] = {
    status: result.answered ? result.status : null,
    code: body?.ok ? codeOf(body.plain) : null,
    durationMs: Math.round(result.durationMs),
  };
  if (result.answered) {
    // No prototype: a header named __proto__ is kept (and masked) like any other.
    const headers = Object.create(null) as Record<string, string>;
    result.headers.forEach((value, name) => (headers[name] = value));
    observed.headers = headers;
    observed.body = keptBody(run.scrub, result, body ?? { ok: false, reason: "body not read" });
  }
  return {
    id: kase.id,
    title: kase.title,
    status: passes(checks) ? "passed" : "failed",
    expected: { ...kase.expected },
    observed,
    request: { headers: sentHeaders, body: kind.requestBody(kase) },
    checks,
    kind: kase.kind,
    ...kind.reportFields?.(kase),
  };
}

function skippedReport(kase: ConformanceCase, kind: CaseKind, reason: string): CaseReport {
  return {
    id: kase.id,
    title: kase.title,
    status: "skipped",
    expected: { ...kase.expected },
    observed: { status: null, code: null, durationMs: 0 },
    checks: [],
    kind: kase.kind,
    reason,
    ...kind.reportFields?.(kase),
  };
}

/** A case that never reached the server: `answered` fails with the reason, every other check is not checked. */
function unsentReport(kase: ConformanceCase, run: RunContext, reason: string): CaseReport {
  const failed: Exchange = { answered: false, reason, durationMs: 0 };
  const checks = judge({ kase, checks: kindOf(kase).checks, exchange: failed, sentHeaders: {}, sentCorrelationId: undefined, run: run.checks });
  return caseReport(kase, run, {}, failed, undefined, checks);
}

/** Every value any case of the run sends, so an answer echoing another case's data is masked too. */
function sentValues(cases: readonly ConformanceCase[], credentials: Credentials): { secrets: string[]; personal: PersonalValue[]; plain: string[] } {
  const secrets: string[] = [];
  const personal: PersonalValue[] = [];
  const plain: string[] = [];
  for (const kase of cases) {
    const kind = kindOf(kase);
    const body = kind.requestBody(kase);
    personal.push(...Scrubber.personalValues(body));
    plain.push(...Scrubber.plainNumbers(body));
    const extra = kind.sentValues?.(kase, credentials);
    secrets.push(...(extra?.secrets ?? []));
    personal.push(...(extra?.personal ?? []));
  }
  return { secrets, personal, plain };
}

/**
 * The credential values a request carries that were made for it alone: the values of its secret
 * headers (the token; an Authorization a --cases override adds) and the JWE it sent, each with its
 * long parts (the token's HMAC, the JWE's ciphertext), since a server may echo a part alone. A
 * part of digits only is no secret: the token's request time, which X-KM-Tran-Time sends in clear.
 */
function credentialsSent(built: BuiltRequest): string[] {
  const values = Object.entries(built.headers).filter(([name]) => isSecretHeader(name)).map(([, value]) => value);
  if (built.jwe !== undefined) values.push(built.jwe);
  return values.flatMap((value) => [value, ...value.split(/[:.]/).filter((part) => part.length >= 16 && part !== value && !/^[0-9]+$/.test(part))]);
}

/** A failed case, or one with a warning, gets the command that reruns it alone (when the run makes them). */
function withReproduce(report: CaseReport, run: RunContext): CaseReport {
  const { reproduce } = run.options;
  if (reproduce && (report.status === "failed" || (report.status === "passed" && hasWarnings(report)))) report.reproduce = reproduce.command(report.id);
  return report;
}

/**
 * The case masked, its request taken as already masked: masking an object's member alone gives what
 * masking it within the whole gives (only sibling leaves are read together), so the request masked
 * while the answer was awaited is not walked again.
 */
function maskedCase(scrub: Scrubber, report: CaseReport, maskedRequest: CaseReport["request"]): CaseReport {
  const { request, ...rest } = report;
  const shown = scrub.shown(rest) as Omit<CaseReport, "request">;
  if (request === undefined) return shown;
  const out = {} as Record<string, unknown>;
  // report.json keeps its order of fields: the request where it always was.
  for (const key of Object.keys(report)) out[key] = key === "request" ? maskedRequest : (shown as Record<string, unknown>)[key];
  return out as unknown as CaseReport;
}

/** The case run and judged, masked as it will be kept. */
async function runCase(kase: ConformanceCase, run: RunContext): Promise<CaseReport> {
  const kind = kindOf(kase);
  const { options, scrub, idle } = run;
  const skip = kind.skipReason?.(kase, run.build);
  if (skip !== undefined) return scrub.shown(skippedReport(kase, kind, skip));
  let built: BuiltRequest;
  try {
    built = await kind.build(kase, run.build);
  } catch (err) {
    return scrub.shown(withReproduce(unsentReport(kase, run, `request not sent: ${(err as Error).message}`), run));
  }
  scrub.learn(credentialsSent(built));
  const answer = exchange({ url: run.url ?? operationUrl(options.target), method: OPERATION.method, headers: built.headers, wire: built.wire }, options.timeoutMs ?? 10_000, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  // While the answer is awaited, what the report will hold of the case that is already known is
  // masked: the Scrubber remembers each string (the title, the checks' words), and the masked request
  // is kept whole, so masking the finished case only has the answer's own strings left to search.
  let maskedRequest: CaseReport["request"];
  const maskKnown = () => (maskedRequest ??= scrub.shown(knownPart(kase, kind, built.headers)).request);
  idle.add(() => {
    maskKnown();
    tick();
  });
  const result = await answer;
  const body = result.answered ? await bodyOf(result, options.encryption?.clientPrivateKey) : undefined;
  const checks = judge({
    kase,
    checks: kind.checks,
    exchange: result,
    body,
    sentHeaders: built.headers,
    sentCorrelationId: headerValue(built.headers, "X-KM-Correlation-Id"),
    sentEncrypted: built.jwe !== undefined,
    run: run.checks,
  });
  return maskedCase(scrub, withReproduce(caseReport(kase, run, built.headers, result, body, checks), run), maskKnown());
}

/** Every case judged (concurrently, at most `concurrency` in flight); the report keeps catalog order. */
export async function runConformance(options: RunOptions): Promise<Report> {
  if (options.maxResponseBytes !== undefined && !isValidByteCap(options.maxResponseBytes)) {
    throw new RangeError(`maxResponseBytes: expected a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES_LIMIT}, got ${String(options.maxResponseBytes)}`);
  }
  if (options.maxResponseTimeMs !== undefined && !(Number.isSafeInteger(options.maxResponseTimeMs) && options.maxResponseTimeMs >= 1)) {
    throw new RangeError(`maxResponseTimeMs: expected a whole number of milliseconds from 1, got ${String(options.maxResponseTimeMs)}`);
  }
  const cases = options.cases ?? selectCases();
  const sent = sentValues(cases, options.credentials);
  const scrub = new Scrubber([options.credentials.accessKey, options.credentials.secretKey, options.encryption?.clientPrivateKey, ...sent.secrets], sent.personal, sent.plain);
  const mock = options.mock === true;
  const run: RunContext = {
    options,
    url: URL.canParse(options.target) ? operationUrl(options.target) : undefined,
    build: { credentials: options.credentials, encryption: options.encryption, mock },
    checks: { encryption: options.encryption, mock, strict: options.strict === true, maxResponseTimeMs: options.maxResponseTimeMs },
    scrub,
    idle: idleWork(),
  };
  const startedAt = new Date();
  const started = performance.now();
  const results: CaseReport[] = new Array<CaseReport>(cases.length);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, cases.length));
  let next = 0;
  let done = 0;

  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const kase = cases[index]!;
      // Masked as soon as it is judged, while other answers are still awaited: what is kept, shown
      // on the progress line and reported is this one masked copy, never the case as it happened.
      let shown: CaseReport;
      try {
        shown = await runCase(kase, run);
      } catch (err) {
        // A bug here must not hide the other cases' results: this case fails, the run goes on.
        shown = scrub.shown(withReproduce(unsentReport(kase, run, `internal error while running the case: ${(err as Error).message}`), run));
      }
      results[index] = shown;
      // The end of this work is known: an answer read after the next wait came after it.
      tick();
      done++;
      try {
        if (options.onProgress) options.onProgress(done, cases.length, shown);
      } catch {
        // Progress display is best effort.
      }
    }
  };
  try {
    const workers: Promise<void>[] = [];
    for (let i = 0; i < concurrency; i++) {
      workers.push(worker());
      // A turn of the event loop after every few starts: the requests just built go out (and the
      // server starts on them) while the next are built, instead of all after the last is built.
      if (i + 1 < concurrency && i % LAUNCH_BATCH === LAUNCH_BATCH - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    run.idle.start();
    await Promise.all(workers);
  } finally {
    run.idle.clear();
  }

  const count = (status: CaseReport["status"]) => results.filter((r) => r.status === status).length;
  // The cases are masked already; the rest of the report is masked here, before any reporter sees it.
  // Masking an array of objects part by part gives what masking it whole gives (no leaves to join).
  const envelope = scrub.shown({
    target: options.target,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    summary: { total: results.length, passed: count("passed"), failed: count("failed"), skipped: count("skipped"), warned: countWarned(results) },
    ...(options.fuzz ? { fuzz: { ...options.fuzz } } : {}),
    ...(options.maxResponseTimeMs !== undefined ? { maxResponseTimeMs: options.maxResponseTimeMs } : {}),
    ...(options.reproduce && results.some((r) => r.reproduce !== undefined) ? { reproduceEnvironment: [...options.reproduce.environment] } : {}),
    cases: [] as CaseReport[],
  });
  return { ...envelope, cases: results };
}
