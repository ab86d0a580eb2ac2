// Runs the cases against a server and judges every answer. Requests are built here (not by the
// client) because they must go out exactly as given, invalid ones included, signed over the exact
// bytes sent. Server faults never throw: they become failed checks.
import { OPERATION } from "../generated/contract.js";
import { operationUrl } from "../src/base-url.js";
import { DEFAULT_MAX_RESPONSE_BYTES, isValidByteCap, MAX_RESPONSE_BYTES_LIMIT } from "../src/bounded-body.js";
import { encryptPayload } from "../src/encryption.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders, type Credentials } from "../src/signing.js";
import { selectCases, type ConformanceCase } from "./catalog.js";
import { codeOf, judge, parseBody, passes, type Exchange, type ParsedBody } from "./checks.js";
import { Scrubber, type PersonalValue } from "./masking.js";
import type { RefusalCase } from "./refusal/catalog.js";
import { judgeRefusal } from "./refusal/checks.js";
import { buildRefusalRequest, mergeHeaders, otherOfSameShape } from "./refusal/request.js";
import { applyEdit } from "./refusal/value-edits.js";
import type { CaseReport, CheckResult, Report } from "./report.js";
import { isRefusal, type AnyCase } from "./selection.js";
import { idleWork, type IdleWork } from "./idle-work.js";
import { exchange, type OutgoingRequest } from "./transport.js";

export { operationUrl };

export interface RunOptions {
  /** Base URL; the operation path is appended (the base may carry a prefix such as /open-api). */
  target: string;
  credentials: Credentials;
  encryption?: { cryptoKeyId: string; serverPublicKey: string; clientPrivateKey?: string };
  /** Default: selectCases() (the documented cases); see selectRun() for both kinds. */
  cases?: AnyCase[];
  /** Per answer; default 10000. */
  timeoutMs?: number;
  /** Cases in flight at once; default 4. */
  concurrency?: number;
  /** Largest answer read, in decoded bytes; past it reading stops and body-parses fails. Default 1 MiB. */
  maxResponseBytes?: number;
  /**
   * Against the kit's own Prism: documented cases send `Prefer: code=<status>, example=<case id>`;
   * refusal cases send no Prefer, and those the mock cannot judge are skipped with the reason.
   */
  mock?: boolean;
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

type Sent = Omit<OutgoingRequest, "method">;

async function buildRequest(kase: ConformanceCase, options: RunOptions): Promise<Sent> {
  // Stringified once: the token is computed over exactly the bytes that go on the wire.
  const plain = stringifyJson(kase.request.body);
  let wire = plain;
  let credentials = options.credentials;
  if (options.encryption) {
    wire = stringifyJson({ encData: await encryptPayload(plain, options.encryption.serverPublicKey) });
    credentials = { ...credentials, cryptoKeyId: options.encryption.cryptoKeyId };
  }
  const base: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/json",
    ...signedHeaders(credentials, wire),
  };
  if (options.mock) base.Prefer = `code=${kase.expected.status}, example=${kase.id}`;
  return { url: operationUrl(options.target), headers: mergeHeaders(base, kase.request.headers), wire };
}

/** What a report keeps of the answer body: parsed JSON when small, else text cut where no sent value is split. */
function keptBody(scrub: Scrubber, result: Exchange & { answered: true }, body: ParsedBody | undefined): unknown {
  if (result.oversized !== undefined) return `(not kept: the answer is larger than ${result.oversized} bytes (decoded); reading stopped there)`;
  if (body?.ok && (body.encrypted ? stringifyJson(body.plain).length : result.text.length) <= JSON_BODY_LIMIT) return body.plain;
  const cut = scrub.cutPoint(result.text, RAW_BODY_LIMIT);
  return cut < result.text.length ? `${result.text.slice(0, cut)}… (${result.text.length - cut} more characters not kept)` : result.text;
}

/** The case as it happened; runConformance masks it before keeping it. */
function caseReport(kase: AnyCase, scrub: Scrubber, sentHeaders: Record<string, string>, result: Exchange, body: ParsedBody | undefined, checks: CaseReport["checks"]): CaseReport {
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
    observed.body = keptBody(scrub, result, body);
  }
  const report: CaseReport = {
    id: kase.id,
    title: kase.title,
    status: passes(checks) ? "passed" : "failed",
    expected: { ...kase.expected },
    observed,
    request: { headers: sentHeaders, body: requestBodyOf(kase) },
    checks,
    kind: isRefusal(kase) ? "refusal" : "documented",
  };
  if (isRefusal(kase)) report.breaks = [...kase.breaks];
  return report;
}

/** The body a case sends (for refusal cases that are not JSON: the raw text). */
function requestBodyOf(kase: AnyCase): unknown {
  if (!isRefusal(kase)) return kase.request.body;
  return kase.plan.kind === "body" ? kase.plan.body : kase.plan.kind === "wire" ? kase.plan.wire : kase.baseBody;
}

function skippedReport(kase: RefusalCase, reason: string): CaseReport {
  return {
    id: kase.id,
    title: kase.title,
    status: "skipped",
    expected: { ...kase.expected },
    observed: { status: null, code: null, durationMs: 0 },
    checks: [],
    kind: "refusal",
    reason,
    breaks: [...kase.breaks],
  };
}

function failedBeforeSending(kase: AnyCase, reason: string): CheckResult[] {
  const failed: Exchange = { answered: false, reason, durationMs: 0 };
  return isRefusal(kase) ? judgeRefusal(kase, failed, undefined, undefined) : judge(kase.expected, failed, undefined, undefined);
}

/**
 * Values a run sends that must be masked like the originals: the broken personal values of refusal
 * bodies (an account with a letter in it is still an account) and the access key cut, lengthened or
 * shifted by a refusal case (still nearly the key).
 */
function sentValues(cases: readonly AnyCase[], accessKey: string): { secrets: string[]; personal: PersonalValue[] } {
  const secrets: string[] = [];
  const personal: PersonalValue[] = [];
  for (const c of cases) {
    personal.push(...Scrubber.personalValues(requestBodyOf(c)));
    if (!isRefusal(c)) continue;
    personal.push(...Scrubber.personalValues(c.baseBody));
    if (c.plan.kind === "credential" && c.plan.header.toLowerCase() === "x-km-access-key") secrets.push(otherOfSameShape(accessKey));
    if (c.plan.kind === "header" && c.plan.header.toLowerCase() === "x-km-access-key") {
      const edited = applyEdit(c.plan.edit, accessKey);
      if (typeof edited === "string") secrets.push(edited);
    }
  }
  return { secrets, personal };
}

/** What every case of one run shares. */
interface RunContext {
  options: RunOptions;
  scrub: Scrubber;
  idle: IdleWork;
}

async function runRefusalCase(kase: RefusalCase, run: RunContext): Promise<CaseReport> {
  const { options, scrub } = run;
  if (options.mock && kase.mockCannotJudge) return skippedReport(kase, kase.mockCannotJudge);
  let sent: Sent;
  try {
    const built = await buildRefusalRequest(
      { plan: kase.plan, baseBody: kase.baseBody, overrideHeaders: kase.overrideHeaders },
      { credentials: options.credentials, encryption: options.encryption },
      kase.headerExample,
    );
    sent = { url: operationUrl(options.target), headers: built.headers, wire: built.wire };
  } catch (err) {
    const reason = `request not sent: ${(err as Error).message}`;
    return caseReport(kase, scrub, {}, { answered: false, reason, durationMs: 0 }, undefined, failedBeforeSending(kase, reason));
  }
  return answeredReport(kase, sent, run, (result, body, correlationId) => judgeRefusal(kase, result, body, correlationId));
}

/**
 * Sends the request and, while the answer is awaited, masks what the report will hold of the case
 * that is already known (its id, title, expectation, request): the Scrubber remembers each string, so
 * masking the finished case after the answer only has the answer's own strings left to search.
 */
async function answeredReport(
  kase: AnyCase,
  sent: Sent,
  { options, scrub, idle }: RunContext,
  judgeAnswer: (result: Exchange, body: ParsedBody | undefined, sentCorrelationId: string | undefined) => CheckResult[],
): Promise<CaseReport> {
  const answer = exchange({ ...sent, method: OPERATION.method }, options.timeoutMs ?? 10_000, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  idle.add(() => scrub.shown(knownPart(kase, sent.headers)));
  const result = await answer;
  const body = await bodyOf(result, options);
  return caseReport(kase, scrub, sent.headers, result, body, judgeAnswer(result, body, headerValue(sent.headers, "X-KM-Correlation-Id")));
}

/** The fields of a case's report known before its answer, as caseReport() writes them. */
function knownPart(kase: AnyCase, sentHeaders: Record<string, string>): Partial<CaseReport> {
  return {
    id: kase.id,
    title: kase.title,
    expected: { ...kase.expected },
    request: { headers: sentHeaders, body: requestBodyOf(kase) },
    ...(isRefusal(kase) ? { breaks: [...kase.breaks] } : {}),
  };
}

async function bodyOf(result: Exchange, options: RunOptions): Promise<ParsedBody | undefined> {
  if (!result.answered) return undefined;
  if (result.oversized !== undefined) return { ok: false, reason: `the answer is larger than ${result.oversized} bytes (decoded); reading stopped there, nothing of it was judged` };
  return parseBody(result.text, result.headers.get("content-type"), options.encryption?.clientPrivateKey);
}

async function runCase(kase: AnyCase, run: RunContext): Promise<CaseReport> {
  return isRefusal(kase) ? runRefusalCase(kase, run) : runDocumentedCase(kase, run);
}

async function runDocumentedCase(kase: ConformanceCase, run: RunContext): Promise<CaseReport> {
  const { options, scrub } = run;
  let sent: Sent;
  try {
    sent = await buildRequest(kase, options);
  } catch (err) {
    const failed: Exchange = { answered: false, reason: `request not sent: ${(err as Error).message}`, durationMs: 0 };
    return caseReport(kase, scrub, {}, failed, undefined, judge(kase.expected, failed, undefined, undefined));
  }
  return answeredReport(kase, sent, run, (result, body, correlationId) => judge(kase.expected, result, body, correlationId));
}

/** Every case judged (concurrently, at most `concurrency` in flight); the report keeps catalog order. */
export async function runConformance(options: RunOptions): Promise<Report> {
  if (options.maxResponseBytes !== undefined && !isValidByteCap(options.maxResponseBytes)) {
    throw new RangeError(`maxResponseBytes: expected a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES_LIMIT}, got ${String(options.maxResponseBytes)}`);
  }
  const cases = options.cases ?? selectCases();
  // Every value sent in any case, so an answer echoing another case's data is masked too.
  const sent = sentValues(cases, options.credentials.accessKey);
  const scrub = new Scrubber([options.credentials.accessKey, options.credentials.secretKey, options.encryption?.clientPrivateKey, ...sent.secrets], sent.personal);
  const run: RunContext = { options, scrub, idle: idleWork() };
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
      let report: CaseReport;
      try {
        report = await runCase(kase, run);
      } catch (err) {
        // A bug here must not hide the other cases' results: this case fails, the run goes on.
        const reason = `internal error while running the case: ${(err as Error).message}`;
        report = caseReport(kase, scrub, {}, { answered: false, reason, durationMs: 0 }, undefined, failedBeforeSending(kase, reason));
      }
      // Masked as soon as it is judged, while other answers are still awaited: what is kept, shown
      // on the progress line and reported is this one masked copy, never the case as it happened.
      const shown = scrub.shown(report);
      results[index] = shown;
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
    summary: { total: results.length, passed: count("passed"), failed: count("failed"), skipped: count("skipped") },
    cases: [] as CaseReport[],
  });
  return { ...envelope, cases: results };
}
