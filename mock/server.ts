// The kit's thin HTTP layer in front of Prism's engine. Prism still routes, validates and picks the
// answer; the layer adds what Prism cannot know or do:
// - a documented case is recognised by its request body, so a client that sends no `Prefer` header
//   (a conformance run with --target, a person with curl) still gets that case's documented answer;
// - an invalid request that is not a documented case gets a problem+json answer NAMING what was
//   violated, instead of the first 400 example;
// - the kit's exact validator runs beside Prism's, which compares numbers as floats: a userId of
//   10000000000000000000 (above the maximum 9999999999999999999) is refused by the mock and
//   flagged by the proxy.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, flatHeaders } from "../common/http-server.js";
import { isJsonMediaType } from "../common/media-type.js";
import { CASES } from "../generated/contract.js";
import { parseJson } from "../src/json.js";
import { correlationId } from "../src/signing.js";
import { isWellFormedCorrelationId, validateRequestHeaders, validateRequestWireBody, type Violation } from "../src/validation.js";
import { createPrismEngine, PortInUseError, type PrismEngine, type PrismInput, type PrismMockPreferences, type PrismMode, type PrismProblem, type PrismResult, type PrismValidation } from "./prism-engine.js";

/** Far above any request of this API; past it the request is refused unread. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Prism's own cap for the `sl-violations` header (some proxies refuse longer headers). */
const MAX_VIOLATIONS_HEADER = 8 * 1024 - 100;

/** One entry of Prism's violation list, as in `sl-violations` and its problem+json `validation`. */
export interface ViolationEntry {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

/** Why an answer was chosen, for the log. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  /** `case 002_003 (recognised by its body)`, `Prefer example 002_003`, `violations`, `forwarded` ... */
  how: string;
  violations: ViolationEntry[];
}

export interface KitServerOptions {
  mode: PrismMode;
  host: string;
  port: number;
  /** Called once per answered request. */
  onExchange?: (exchange: Exchange) => void;
}

export interface KitServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SEVERITIES = ["Error", "Warning", "Information", "Hint"];

function prismEntry(prefix: "request" | "response", v: PrismValidation): ViolationEntry {
  const entry: ViolationEntry = { location: [prefix, ...(v.path ?? []).map(String)], severity: SEVERITIES[v.severity] ?? "Error", message: v.message };
  if (v.code !== undefined) entry.code = v.code;
  return entry;
}

/**
 * AJV's `if` keyword adds `must match "else" schema` after the real violation of a plain or encrypted
 * body: the same fault said a second time, so one broken rule would read as two.
 */
const isBranchSummary = (v: PrismValidation) => v.code === "if";

/** A kit violation Prism did not report (same place, same rule), in Prism's own shape. */
function kitEntries(violations: readonly Violation[], where: "body" | "header", prismErrors: readonly ViolationEntry[]): ViolationEntry[] {
  return violations
    .map((v) => {
      const location = where === "header" ? ["request", "header", v.path.toLowerCase()] : ["request", "body", ...v.path.split(".").filter(Boolean)];
      return { location, severity: "Error", code: v.rule, message: `${v.message} (the kit's exact check, which Prism does not make: it compares numbers as floats and ignores the kit's formats)` };
    })
    .filter((k) => !prismErrors.some((p) => covers(p, k)));
}

/** Prism reported the same broken rule: at the same place, or at the parent naming the field (`required`). */
function covers(prism: ViolationEntry, kit: ViolationEntry): boolean {
  const at = (entry: ViolationEntry) => entry.location.join(".").toLowerCase();
  if (at(prism) === at(kit)) return true;
  const field = kit.location.at(-1)!.toLowerCase();
  return at(prism) === kit.location.slice(0, -1).join(".").toLowerCase() && prism.message.toLowerCase().includes(`'${field}'`);
}

function sameJson(a: unknown, b: unknown): boolean {
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) return String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** The documented case whose request body this is (every case's body is distinct), if any. */
export function recogniseCase(body: unknown): (typeof CASES)[number] | undefined {
  return CASES.find((c) => sameJson(c.request.body, body));
}

/** The documented case whose answer the spec gives for exactly these broken rules (e.g. 002_001 for a bad bankAccount). */
function caseForViolations(violations: readonly Violation[]): (typeof CASES)[number] | undefined {
  if (violations.length === 0) return undefined;
  return CASES.find((c) => c.violates && violations.every((v) => v.path === c.violates!.field && v.rule === c.violates!.rule));
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > MAX_REQUEST_BYTES) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function query(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

/**
 * The answer's X-KM-Correlation-Id traces the exchange and echoes the request's; Prism can only
 * answer the spec's example, so the mock puts the request's id in its place (a fresh one, as the
 * sandbox does, where the request's is missing or malformed: the answer must keep the header's rules).
 */
function echoingCorrelationId(req: IncomingMessage, headers: Record<string, unknown>): Record<string, unknown> {
  const sent = req.headers["x-km-correlation-id"];
  const id = typeof sent === "string" && isWellFormedCorrelationId(sent) ? sent : correlationId(new Date(), "KST");
  const out = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "x-km-correlation-id"));
  return { ...out, "X-KM-Correlation-Id": id };
}

function send(res: ServerResponse, status: number, headers: Record<string, unknown>, body: unknown, contentType?: string): void {
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && value !== null) res.setHeader(name, String(value));
  if (contentType) res.setHeader("content-type", contentType);
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  res.statusCode = status;
  res.end(text);
}

function setViolationsHeader(res: ServerResponse, violations: readonly ViolationEntry[]): void {
  if (!violations.length) return;
  let value = JSON.stringify(violations);
  if (value.length > MAX_VIOLATIONS_HEADER) value = `Too many violations! ${value.slice(0, MAX_VIOLATIONS_HEADER)}`;
  // A header carries Latin-1 only: other characters are escaped as JSON does.
  res.setHeader("sl-violations", value.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

interface Parsed {
  input: PrismInput;
  raw: string;
  /** The body with every digit (bigint past 2^53), or undefined when it is not JSON. */
  exact: unknown;
  jsonError?: string;
}

function parseRequest(req: IncomingMessage, raw: Buffer): Parsed {
  const url = new URL(req.url ?? "/", "http://kit.invalid");
  const headers = flatHeaders(req);
  const text = raw.toString("utf8");
  let body: unknown = raw.length ? text : null;
  let exact: unknown;
  let jsonError: string | undefined;
  if (raw.length && isJsonMediaType(headers["content-type"], "any-json")) {
    try {
      body = JSON.parse(text);
      exact = parseJson(text);
    } catch (err) {
      jsonError = (err as Error).message;
    }
  }
  const input: PrismInput = {
    method: (req.method ?? "GET").toLowerCase(),
    url: { path: url.pathname, query: query(url.searchParams) },
    headers,
    body,
  };
  const server = url.searchParams.get("__server");
  if (server) input.url.baseUrl = server;
  return jsonError === undefined ? { input, raw: text, exact } : { input, raw: text, exact, jsonError };
}

function problem(engine: PrismEngine, res: ServerResponse, error: PrismProblem): number {
  const status = error.status ?? 500;
  send(res, status, error.additional?.headers ?? {}, engine.problemJson(error), "application/problem+json");
  return status;
}

async function handle(engine: PrismEngine, mode: PrismMode, req: IncomingMessage, res: ServerResponse): Promise<Exchange> {
  const method = req.method ?? "GET";
  const path = new URL(req.url ?? "/", "http://kit.invalid").pathname;
  // Every answer of the mock traces its exchange, its problem+json refusals included.
  if (mode.mode === "mock") for (const [name, value] of Object.entries(echoingCorrelationId(req, {}))) res.setHeader(name, String(value));
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    const violation: ViolationEntry = { location: ["request", "body"], severity: "Error", code: "size", message: `request body is larger than ${MAX_REQUEST_BYTES} bytes` };
    const status = problem(engine, res, engine.violationsProblem(violation.message, [violation]));
    res.setHeader("connection", "close");
    return { method, path, status, how: "refused unread", violations: [violation] };
  }
  const parsed = parseRequest(req, raw);
  if (parsed.jsonError !== undefined) {
    const violation: ViolationEntry = { location: ["request", "body"], severity: "Error", code: "json", message: `request body is not JSON: ${parsed.jsonError}` };
    if (mode.mode === "mock") {
      const status = problem(engine, res, engine.violationsProblem("The request body is not JSON; the mock answers documented examples only for valid requests and the documented cases.", [violation]));
      return { method, path, status, how: "violations", violations: [violation] };
    }
  }

  const preferred = engine.preferences(parsed.input);
  if (preferred instanceof Error) return { method, path, status: problem(engine, res, preferred), how: "bad Prefer header", violations: [] };
  const named = preferred.exampleKey !== undefined || preferred.code !== undefined;

  // The kit's exact rules; header names are case-insensitive, Node gives them in lower case.
  const kitHeader = validateRequestHeaders(parsed.input.headers);
  // As it travels: an {"encData"} body is judged as encrypted (the mock cannot decrypt it), any other as plain.
  const kitBody = parsed.exact !== undefined ? validateRequestWireBody(parsed.exact) : [];
  // Only a mock chooses answers, and a request with broken headers is not the documented case.
  const recognising = mode.mode === "mock" && !named && kitHeader.length === 0;
  const byBody = recognising && parsed.exact !== undefined ? recogniseCase(parsed.exact) : undefined;
  const byRule = recognising && !byBody ? caseForViolations(kitBody) : undefined;
  const documented = byBody ?? byRule;
  const mock: PrismMockPreferences = documented ? { ...preferred, code: documented.expected.status, exampleKey: documented.id } : preferred;

  let result: PrismResult;
  try {
    result = await engine.request(parsed.input, mock, mode.mode === "proxy" ? parsed.raw : undefined);
  } catch (err) {
    const error = err as PrismProblem;
    return { method, path, status: problem(engine, res, error), how: `Prism: ${error.message}`, violations: [] };
  }
  const input = result.validations.input.filter((v) => !isBranchSummary(v)).map((v) => prismEntry("request", v));
  const inputErrors = input.filter((v) => v.severity === "Error");
  const extra = [...kitEntries(kitHeader, "header", inputErrors), ...kitEntries(kitBody, "body", inputErrors)];
  const output = result.validations.output.filter((v) => !isBranchSummary(v)).map((v) => prismEntry("response", v));
  const violations = [...input, ...extra, ...output];
  const requestErrors = [...inputErrors, ...extra];

  let how = mode.mode === "proxy" ? "forwarded" : "example";
  if (byBody) how = `case ${byBody.id} (recognised by its body)`;
  else if (byRule) how = `case ${byRule.id} (the spec's answer for ${byRule.violates!.field} ${byRule.violates!.rule})`;
  else if (mode.mode === "mock" && preferred.exampleKey !== undefined) how = `Prefer example ${preferred.exampleKey}`;

  // A mock answers an invalid request with a documented error example only when that example was
  // asked for (a documented case, or Prefer naming an example); otherwise it names the violations.
  // (Prism itself serves a named error example to an invalid request only when code and example are both given.)
  const askedFor = mock.exampleKey !== undefined && mock.code !== undefined && result.output.statusCode === mock.code;
  if (mode.mode === "mock" && requestErrors.length && !(askedFor && result.output.statusCode >= 400)) {
    setViolationsHeader(res, violations);
    const detail = `The request breaks ${requestErrors.length} rule${requestErrors.length > 1 ? "s" : ""} of spec/openapi.yaml (listed under "validation"): ${requestErrors.map((v) => `${v.location.slice(1).join(".")} ${v.message}`).join("; ")}`;
    return { method, path, status: problem(engine, res, engine.violationsProblem(detail, requestErrors)), how: "violations", violations };
  }

  setViolationsHeader(res, violations);
  const answered = result.output.headers ?? {};
  const headers = mode.mode === "mock" ? echoingCorrelationId(req, answered) : answered;
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1];
  send(res, result.output.statusCode, headers, result.output.body, typeof contentType === "string" ? contentType : undefined);
  return { method, path, status: result.output.statusCode, how, violations };
}

/** Starts Prism's engine behind the kit's layer and resolves once it listens. */
export async function startKitServer(options: KitServerOptions): Promise<KitServer> {
  const engine = await createPrismEngine(options.mode);
  const server: Server = createServer((req, res) => {
    handle(engine, options.mode, req, res).then(
      (exchange) => options.onExchange?.(exchange),
      (err: unknown) => {
        if (!res.headersSent) send(res, 500, {}, { title: "Internal error in the kit's mock layer", detail: (err as Error).message }, "application/problem+json");
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(err.code === "EADDRINUSE" ? new PortInUseError(options.port) : err));
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () => closeServer(server),
  };
}
