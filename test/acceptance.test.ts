// Acceptance cases: derived from the spec (a rule added to a copy adds its cases), each sending one
// valid value signed over the exact bytes, judged against the sandbox (the faithful reference: every
// case passes) and against stand-ins that each refuse or crash on one kind of valid value — the run
// must exit 1 naming the case and the value, every documented and refusal case still passing.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BANK_CODES, CASE_IDS, CASES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { validateRequestBody, validateRequestHeaders } from "../src/validation.js";
import { deriveAcceptanceCases, type AcceptanceCase } from "../conformance/acceptance/catalog.js";
import { fuzzBodies } from "../conformance/acceptance/fuzz.js";
import { fuzzBodyShape } from "../conformance/acceptance/fuzz-shapes.js";
import { documentedOutcomes } from "../conformance/acceptance/outcomes.js";
import { acceptanceTable } from "../conformance/acceptance/readme-table.js";
import { notDerivedTable } from "../conformance/refusal/readme-table.js";
import { kitJudge } from "../conformance/refusal/rule-judge.js";
import { kitSpecDocument, readSpecRules, type SpecDocument } from "../conformance/refusal/spec-rules.js";
import { acceptanceCasesFor } from "../conformance/kinds/acceptance.js";
import { runConformance } from "../conformance/runner.js";
import { deriveContext, selectRun } from "../conformance/selection.js";
import type { CaseReport, Report } from "../conformance/report.js";
import { startAcceptanceStandIn, type AcceptanceFlaw } from "./support/acceptance-servers.js";
import { startCryptoStandIn } from "./support/crypto-servers.js";
import { startFaithfulServer, type FaithfulServer, type ReceivedRequest } from "./support/faithful-server.js";
import { removeRunDirs, runCli, scratchFile, TEST_ENV, xmlProblems, type CliRun } from "./support/conformance-run.js";

const CREDS = { secretKey: TEST_ENV.KONAPLATE_SECRET_KEY, accessKey: TEST_ENV.KONAPLATE_ACCESS_KEY, aspId: TEST_ENV.KONAPLATE_ASP_ID };
const CREDENTIALS = { ...CREDS, timeZone: "KST" };
const SUCCESS_BODY = { ...CASES.find((c) => c.id === "success")!.request.body } as Record<string, unknown>;

afterAll(removeRunDirs);

const derive = (doc?: SpecDocument, baseBody = SUCCESS_BODY) => deriveAcceptanceCases({ ...(doc ? { doc } : {}), baseBody, credentials: CREDENTIALS });
const ids = (cases: readonly { id: string }[]) => cases.map((c) => c.id);
const byId = (cases: readonly AcceptanceCase[]) => new Map(cases.map((c) => [c.id, c]));
const bodyOf = (c: AcceptanceCase) => (c.plan.kind === "body" ? (c.plan.body as Record<string, unknown>) : c.baseBody);

describe("derivation from the spec", () => {
  const { cases, notDerived } = derive();
  const cased = byId(cases);

  it("makes the issue's cases with stable, readable ids, each of the 29 bank codes once", () => {
    for (const id of [
      "accept:body:userId:minimum",
      "accept:body:userId:maximum",
      "accept:body:userId:past-53-bit",
      "accept:body:userId:past-64-bit",
      "accept:body:bankCode:278",
      "accept:body:birthDate:leap-day",
      "accept:body:birthDate:first-year",
      "accept:body:birthDate:last-year",
      "accept:body:bankAccount:minLength",
      "accept:body:bankAccount:maxLength",
      "accept:body:userName:maxLength",
      "accept:body:userName:mixed-script",
      "accept:body:userName:inner-space",
      "accept:body:userName:non-bmp",
      "accept:header:X-KM-Correlation-Id:upper-case",
    ]) {
      expect(cased.has(id), id).toBe(true);
    }
    expect(new Set(ids(cases)).size).toBe(cases.length);
    expect(cases.filter((c) => c.acceptance.varies.field === "bankCode").map((c) => c.acceptance.varies.what)).toEqual([...BANK_CODES]);
    // A full default run stays under 120 requests.
    expect(CASE_IDS.length + cases.length + selectRun({ credentials: CREDENTIALS, kind: "refusal" }).length).toBeLessThan(120);
  });

  it("changes exactly one field of the base body to a value the kit's validator finds valid", () => {
    for (const c of cases) {
      const body = bodyOf(c);
      expect(validateRequestBody(body), c.id).toEqual([]);
      const changed = Object.keys(SUCCESS_BODY).filter((k) => stringifyJson(body[k]) !== stringifyJson(SUCCESS_BODY[k]));
      if (c.acceptance.varies.in === "header") expect(changed, c.id).toEqual([]);
      else expect(changed.length, c.id).toBeLessThanOrEqual(1);
      if (changed.length) expect(changed, c.id).toEqual([c.acceptance.varies.field]);
    }
  });

  it("sends integer edges with every digit and names them in the title", () => {
    const userId = (id: string) => bodyOf(cased.get(id)!).userId;
    expect(userId("accept:body:userId:minimum")).toBe(1);
    expect(userId("accept:body:userId:maximum")).toBe(9999999999999999999n);
    expect(userId("accept:body:userId:past-32-bit")).toBe(2 ** 31);
    expect(userId("accept:body:userId:past-53-bit")).toBe(2n ** 53n);
    expect(userId("accept:body:userId:past-64-bit")).toBe(2n ** 63n);
    expect(cased.get("accept:body:userId:maximum")!.title).toBe("userId at its maximum 9999999999999999999");
    // Prism's doubles are said beside the verdict only where a value is past 2^53-1.
    expect(cased.get("accept:body:userId:maximum")!.acceptance.mockNote).toMatch(/doubles.*9999999999999999999 reads as 10000000000000000000/);
    expect(cased.get("accept:body:userId:minimum")!.acceptance.mockNote).toBeUndefined();
  });

  it("sends text real members have, the longest name in Hangul (300 bytes), and masks it in the title", () => {
    const name = (id: string) => bodyOf(cased.get(id)!).userName as string;
    const longest = name("accept:body:userName:maxLength");
    expect(Array.from(longest)).toHaveLength(100);
    expect(Buffer.byteLength(longest, "utf8")).toBe(300);
    expect(longest).toMatch(/^[가-힣]+$/);
    expect(name("accept:body:userName:mixed-script")).toMatch(/[가-힣]/);
    expect(name("accept:body:userName:mixed-script")).toMatch(/[A-Za-z]/);
    expect(name("accept:body:userName:inner-space")).toMatch(/\S \S/);
    expect(name("accept:body:userName:punctuation")).toMatch(/^[A-Za-z'-]+( [A-Za-z'-]+){3,}$/);
    expect(Array.from(name("accept:body:userName:non-bmp")).some((c) => c.codePointAt(0)! > 0xffff)).toBe(true);
    expect(name("accept:body:userName:decomposed")).toBe(name("accept:body:userName:decomposed").normalize("NFD"));
    expect(name("accept:body:userName:decomposed")).not.toBe(name("accept:body:userName:decomposed").normalize("NFC"));
    expect(bodyOf(cased.get("accept:body:bankAccount:maxLength")!).bankAccount).toMatch(/^[0-9]{20}$/);
    expect(bodyOf(cased.get("accept:body:birthDate:leap-day")!).birthDate).toBe("20000229");
    expect(bodyOf(cased.get("accept:body:birthDate:last-day")!).birthDate).toBe("19691231");
    // Titles name the kind of value; personal values appear masked only.
    expect(cased.get("accept:body:birthDate:leap-day")!.title).toContain("2000****");
    expect(cased.get("accept:body:birthDate:leap-day")!.title).not.toContain("20000229");
    expect(cased.get("accept:body:userName:maxLength")!.title).toBe("userName at its longest, 100 characters (300 bytes in UTF-8): 홍*…*홍");
    for (const c of cases) {
      for (const field of ["userName", "birthDate", "bankAccount"]) {
        const value = String(bodyOf(c)[field]);
        if (Array.from(value).length > 1) expect(c.title, c.id).not.toContain(value);
      }
    }
  });

  it("a case on the edge of a rule of the kit's reading is warning only, and its title says so", () => {
    for (const id of ["accept:body:birthDate:first-year", "accept:body:birthDate:last-year"]) {
      expect(cased.get(id), id).toMatchObject({ source: "inferred", warningOnly: true });
      expect(cased.get(id)!.title).toMatch(/warning only\)$/);
    }
    // Days of the calendar stand on the page's pattern: a leap day refused fails the run.
    for (const id of ["accept:body:birthDate:leap-day", "accept:body:birthDate:first-day", "accept:body:userId:maximum", "accept:body:bankCode:278"]) {
      expect(cased.get(id), id).toMatchObject({ source: "seed", warningOnly: false });
    }
  });

  it("reads the documented outcomes and the rule codes from the spec: 002_001 refuses a valid bankAccount", () => {
    const outcomes = documentedOutcomes(kitSpecDocument());
    expect([...outcomes.keys()]).toEqual([200, 400]);
    expect([...outcomes.get(200)!]).toEqual(["000_000"]);
    // The two codeless test cases' placeholder (999_999) documents no code.
    expect([...outcomes.get(400)!].sort()).toEqual(["002_001", "002_002", "002_003", "002_004", "002_005", "002_006", "002_007", "002_008", "002_009"]);
    for (const c of cases) expect([...c.acceptance.ruleCodes], c.id).toEqual([["002_001", "bankAccount:pattern"]]);
    // A base request that already breaks the account rule (a --cases override) does not make 002_001 a refusal.
    const broken = derive(undefined, { ...SUCCESS_BODY, bankAccount: "3330-15555557" }).cases.find((c) => c.id === "accept:body:userId:maximum")!;
    expect([...broken.acceptance.ruleCodes]).toEqual([]);
  });

  it("says why a rule or header makes no case", () => {
    const why = new Map(notDerived.map((n) => [`${n.target}:${n.rule}`, n.why]));
    expect(why.get("X-KM-Access-Key:value")).toMatch(/no other value is valid/);
    expect(why.get("X-KM-Crypto-Key-Id:value")).toMatch(/encrypted mode only/);
    expect(why.get("X-KM-Time-Zone:value")).toMatch(/only the zones the spec lists \(examples\) are known valid/);
    // The zones it lists other than the base request's each make a case, written in that zone.
    expect(cases.find((c) => c.id === "accept:header:X-KM-Time-Zone:UTC")).toMatchObject({ plan: { kind: "zone", zone: "UTC" }, source: "seed", warningOnly: false });
    expect(why.get("birthDate:minLength")).toMatch(/every valid value has 8 characters/);
    expect(why.get("bankCode:maxLength")).toMatch(/enum's values are the cases/);
    // Rules that do make cases are not listed.
    for (const rule of ["userId:maximum", "bankCode:enum", "birthDate:format", "birthDate:pattern", "userName:maxLength"]) expect(why.has(rule), rule).toBe(false);
  });

  it("a rule added to a copy of the spec adds its cases; a removed one removes them; a mark makes them warnings", () => {
    const copy = structuredClone(kitSpecDocument()) as SpecDocument;
    const components = copy.components as { schemas: Record<string, Record<string, unknown>>; parameters: Record<string, Record<string, unknown>> };
    const request = components.schemas.VerifyAccountHolderRequest as { properties: Record<string, Record<string, unknown>> };
    request.properties.nickname = { type: "string", minLength: 2, maxLength: 12 };
    delete request.properties.userName!.maxLength;
    request.properties.userName!["x-konaplate-rule-sources"] = { minLength: "inferred" };
    (components.schemas.BankCode!.enum as string[]).push("005");
    // An optional header the kit does not sign: present at each of its values.
    components.parameters.Channel = { name: "X-KM-Channel", in: "header", required: false, schema: { type: "string", enum: ["APP", "WEB"] } };
    const operation = (copy.paths as Record<string, Record<string, { parameters: unknown[] }>>)["/api/v1/bankaccounts/user/valid"]!.post!;
    operation.parameters.push({ $ref: "#/components/parameters/Channel" });

    const before = ids(derive().cases);
    const derived = derive(copy, { ...SUCCESS_BODY, nickname: "코나" }).cases;
    const after = ids(derived);
    for (const id of ["accept:body:nickname:minLength", "accept:body:nickname:maxLength", "accept:body:nickname:non-bmp", "accept:body:bankCode:005", "accept:header:X-KM-Channel:APP", "accept:header:X-KM-Channel:WEB"]) {
      expect(after, id).toContain(id);
    }
    expect(before).toContain("accept:body:userName:maxLength");
    expect(after).not.toContain("accept:body:userName:maxLength");
    expect(derived.find((c) => c.id === "accept:body:userName:minLength")).toMatchObject({ source: "inferred", warningOnly: true });
    expect(bodyOf(derived.find((c) => c.id === "accept:body:nickname:maxLength")!).nickname).toHaveLength(12);
    expect(derived.find((c) => c.id === "accept:header:X-KM-Channel:WEB")!.plan).toEqual({ kind: "header", header: "X-KM-Channel", edit: { op: "set", value: "WEB" } });
    // nickname: 3 lengths (the longest twice, once with a character outside the BMP) + 6 texts (the
    // foreign name of five words, 27 letters, breaks its 12 and makes no case); one more bank; two
    // header values; userName's two longest values gone.
    expect(after.length).toBe(before.length + 9 + 1 + 2 - 2);
    expect(after).not.toContain("accept:body:nickname:punctuation");
  });

  it("README states the acceptance cases per rule exactly as derived, and the rules without a case", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(acceptanceTable(cases));
    expect(readme).toContain(notDerivedTable(notDerived));
  });
});

describe("--fuzz: random valid bodies drawn from the schema", () => {
  const fields = readSpecRules(kitSpecDocument()).fields;
  const valid = (body: Record<string, unknown>) => kitJudge.body(body).length === 0;

  it("are valid, spread over the allowed space, and the same for the same seed (body n whatever N)", () => {
    const bodies = fuzzBodies(fields, SUCCESS_BODY, 200, 7, valid);
    expect(bodies).toHaveLength(200);
    for (const b of bodies) expect(validateRequestBody(b)).toEqual([]);
    expect(stringifyJson(fuzzBodies(fields, SUCCESS_BODY, 200, 7, valid))).toBe(stringifyJson(bodies));
    expect(stringifyJson(fuzzBodies(fields, SUCCESS_BODY, 20, 7, valid))).toBe(stringifyJson(bodies.slice(0, 20)));
    expect(stringifyJson(fuzzBodies(fields, SUCCESS_BODY, 20, 8, valid))).not.toBe(stringifyJson(bodies.slice(0, 20)));
    const ids = bodies.map((b) => BigInt(b.userId as number | bigint));
    expect(ids.some((id) => id > 2n ** 63n)).toBe(true);
    expect(ids.some((id) => id < 2n ** 31n)).toBe(true);
    expect(new Set(bodies.map((b) => b.bankCode)).size).toBeGreaterThan(20);
    expect(bodies.some((b) => Array.from(b.userName as string).length > 50)).toBe(true);
    expect(bodies.some((b) => /[가-힣]/.test(b.userName as string))).toBe(true);
    // Births of living members, spread over them: the format's far years are the fixed, warning-only cases.
    const years = bodies.map((b) => Number((b.birthDate as string).slice(0, 4)));
    expect(years.every((y) => y >= 1900 && y <= 2025)).toBe(true);
    expect(new Set(years).size).toBeGreaterThan(50);
    expect(years.some((y) => y < 1950) && years.some((y) => y > 2008)).toBe(true);
    expect(bodies.some((b) => (b.bankAccount as string).length === 20)).toBe(true);
    // Never a personal value a report's own words hold: a name `name` would be masked in every `userName`.
    for (const b of bodies) for (const field of ["userName", "bankAccount", "birthDate"]) expect(b[field], field).not.toMatch(/^[\x21-\x7e]{2,6}$/);
  });

  it("a finding says what the body holds, each value by its kind, never a personal value", () => {
    const body = { userId: 2n ** 63n + 5n, userName: "김 Anna𠮷", birthDate: "19830517", bankCode: "278", bankAccount: "0012345678" };
    const shape = fuzzBodyShape(fields, body);
    for (const part of [
      "userId of 19 digits (past 2^63)",
      "userName of 7 characters (Hangul, Latin letters, spaces, 1 outside the BMP; 12 bytes in UTF-8)",
      "birthDate 1983****",
      "bankCode 278 (신한투자 — Shinhan Investment (Securities))",
      "bankAccount of 10 digits",
    ]) {
      expect(shape).toContain(part);
    }
    for (const personal of ["Anna", "김", "0517", "0012345678"]) expect(shape).not.toContain(personal);
  });

  it("says where a name's spaces stand when a server may read them apart: at its start, at its end, in a row", () => {
    const nameShape = (userName: string) => fuzzBodyShape(fields, { userName });
    expect(nameShape("홍 길동")).toBe("userName of 4 characters (Hangul, spaces; 10 bytes in UTF-8)");
    expect(nameShape(" 김코나")).toContain("(Hangul, spaces at its start;");
    expect(nameShape("김코나 ")).toContain("(Hangul, spaces at its end;");
    expect(nameShape("홍  길동")).toContain("(Hangul, spaces in a row;");
    expect(nameShape(" Ann  Lee ")).toContain("(Latin letters, spaces at its start, at its end, in a row;");
  });

  it("come after the fixed cases as accept:fuzz:<n>, in the acceptance kind", () => {
    const fuzzed = acceptanceCasesFor({ ...deriveContext({ credentials: CREDENTIALS }), fuzz: { count: 5, seed: 42 } });
    expect(ids(fuzzed.slice(-5))).toEqual(["accept:fuzz:1", "accept:fuzz:2", "accept:fuzz:3", "accept:fuzz:4", "accept:fuzz:5"]);
    expect(fuzzed.at(-1)!.title).toBe("a random valid body (5 of 5, seed 42)");
    expect(fuzzed.at(-1)!.acceptance.varies).toEqual({ in: "body", field: "body", what: "fuzz", rule: "schema" });
    // Sent with the members in the base body's order, as every fixed case is: only the values differ.
    for (const c of fuzzed.slice(-5)) expect(Object.keys(bodyOf(c))).toEqual(Object.keys(SUCCESS_BODY));
    expect(ids(acceptanceCasesFor(deriveContext({ credentials: CREDENTIALS })))).toEqual(ids(fuzzed.slice(0, -5)));
  });
});

describe("selection: --kind acceptance and --only 'accept:*'", () => {
  it("picks the kind or a family, built on the success case after --cases overrides", () => {
    expect(selectRun({ credentials: CREDENTIALS, kind: "acceptance" }).every((c) => c.kind === "acceptance")).toBe(true);
    expect(ids(selectRun({ credentials: CREDENTIALS, only: ["accept:body:userId:*"] }))).toEqual([
      "accept:body:userId:minimum",
      "accept:body:userId:maximum",
      "accept:body:userId:past-32-bit",
      "accept:body:userId:past-53-bit",
      "accept:body:userId:past-64-bit",
    ]);
    const built = acceptanceCasesFor(deriveContext({ overrides: { success: { body: { userName: "이몽룡", userId: 42 }, headers: { "X-Test": "1" } } }, credentials: CREDENTIALS }));
    const maximum = built.find((c) => c.id === "accept:body:userId:maximum")!;
    expect(bodyOf(maximum)).toMatchObject({ userName: "이몽룡", userId: 9999999999999999999n });
    expect(maximum.overrideHeaders).toEqual({ "X-Test": "1" });
    expect(() => selectRun({ credentials: CREDENTIALS, only: ["accept:nope:*"] })).toThrow(/unknown case id accept:nope:\*.*accept:body:userId:\*/);
    expect(() => selectRun({ credentials: CREDENTIALS, only: ["accept:fuzz:3"] })).toThrow(/accept:fuzz:\* \(with --fuzz N\)/);
  });
});

function caseOf(report: Report | undefined, id: string): CaseReport {
  const c = report?.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

const correlationOf = (c: CaseReport) => Object.entries(c.request?.headers ?? {}).find(([k]) => k.toLowerCase() === "x-km-correlation-id")?.[1];

describe("against the sandbox, the faithful reference", () => {
  let server: FaithfulServer;
  let run: CliRun;
  beforeAll(async () => {
    server = await startAcceptanceStandIn(undefined, CREDS);
    run = await runCli(["--target", server.url, "--concurrency", "16"], TEST_ENV);
  });
  afterAll(() => server.close());

  it("exits 0: every case of every kind passes, every acceptance check holds (0 false findings)", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = run.report!;
    expect(report.summary).toEqual({ total: report.cases.length, passed: report.cases.length, failed: 0, skipped: 0, warned: 0 });
    const accepting = report.cases.filter((c) => c.kind === "acceptance");
    expect(accepting.length).toBe(derive().cases.length);
    expect(accepting.filter((c) => !c.checks.every((k) => k.ok)).map((c) => c.id)).toEqual([]);
    expect(Object.keys(report)).toEqual(["target", "startedAt", "durationMs", "summary", "cases"]);
  });

  it("sent each acceptance request signed over the exact bytes, every rule kept, every digit on the wire", () => {
    const byCorrelation = new Map(server.requests.map((r) => [r.headers["x-km-correlation-id"], r]));
    const accepting = run.report!.cases.filter((c) => c.kind === "acceptance");
    const received = accepting.map((c) => [c, byCorrelation.get(correlationOf(c)!)] as const);
    for (const [c, r] of received) {
      expect(r, c.id).toBeDefined();
      expect(r!.verdict, c.id).toMatchObject({ tokenOk: true, contentTypeOk: true, headerViolations: [], bodyViolations: [] });
      expect(r!.headers["prefer"], c.id).toBeUndefined();
    }
    const raw = (id: string) => received.find(([c]) => c.id === id)![1]!.rawBody;
    expect(raw("accept:body:userId:maximum")).toContain('"userId":9999999999999999999,');
    expect(raw("accept:body:userId:past-64-bit")).toContain('"userId":9223372036854775808,');
    expect(raw("accept:body:userName:non-bmp")).toContain("홍𠮷동");
    const correlationId = (id: string) => received.find(([c]) => c.id === id)![1]!.headers["x-km-correlation-id"]!;
    expect(correlationId("accept:header:X-KM-Correlation-Id:upper-case")).toMatch(/^[0-9]{12}-[0-9a-f]ABCDEF$/);
    expect(correlationId("accept:header:X-KM-Correlation-Id:lower-case")).toMatch(/^[0-9]{12}-[0-9a-f]fedcba$/);
    // Never the same id read case-insensitively, as a server refusing repeated ids in a `_ci` column reads them.
    const letterCased = received.filter(([c]) => c.id.startsWith("accept:header:X-KM-Correlation-Id:")).map(([c]) => correlationId(c.id).toLowerCase());
    expect(new Set(letterCased).size).toBe(2);
  });

  it("reports kind and varies, one junit suite per kind, its own html section, personal values masked", () => {
    const c = caseOf(run.report, "accept:body:birthDate:leap-day");
    expect(c).toMatchObject({ kind: "acceptance", status: "passed", varies: { in: "body", field: "birthDate", what: "leap-day", rule: "pattern" }, expected: { status: 200, code: null } });
    expect(c.checks.map((k) => k.name)).toEqual(["answered", "accepted", "content-type", "body-parses", "body-schema", "documented-outcome", "response-headers", "correlation-echo"]);
    expect(c.title).toBe("birthDate on a leap day, 29 February of a century year (a leap year by the 400-year rule): 2000****");
    expect(c.checks.find((k) => k.name === "documented-outcome")!.message).toBe("answered 400 002_007 (Bank account is not found.), a documented outcome");
    const junit = run.files["junit.xml"]!;
    expect(xmlProblems(junit)).toEqual([]);
    expect(junit).toContain('<testsuite name="konaplate.conformance.acceptance"');
    expect(run.files["report.html"]).toContain('<h2 id="acceptance-cases">Acceptance cases</h2>');
    expect(run.stdout).toContain("Acceptance cases (each sends one valid value; any documented outcome passes)");
    for (const text of Object.values(run.files)) {
      for (const sent of ["20000229", "홍𠮷동", "33301555555733301555", "김Anna", "Mary-Jane O'Neil de la Cruz", "00010101"]) expect(text).not.toContain(sent);
    }
  });

  it("a faithful server behind a firewall that refuses requests without a User-Agent passes every case of every kind: the kit sends one", async () => {
    const server = await startAcceptanceStandIn("behind-waf", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(0);
      expect(run.report!.summary).toMatchObject({ failed: 0, warned: 0 });
      expect(server.requests.every((r) => r.headers["user-agent"] === "konaplate-conformance")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("answers other documented codes just as well: a faithful server that reads members differently passes too", async () => {
    const other = await startAcceptanceStandIn("other-documented-codes", CREDS);
    try {
      const again = await runCli(["--target", other.url, "--kind", "acceptance", "--concurrency", "16"], TEST_ENV);
      expect(again.code).toBe(0);
      expect(new Set(again.report!.cases.map((c) => c.observed.code))).toEqual(new Set(["000_000", "002_003", "002_004", "002_005", "002_006", "002_007"]));
    } finally {
      await other.close();
    }
  });
});

describe("an outcome the spec documents without a code", () => {
  it("a server answering its own code for bank 261, the spec's non-participant example, to every request for it: a warning, an error only with --strict", async () => {
    const server = await startAcceptanceStandIn("own-non-participant-code", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(0);
      const c = caseOf(run.report, "accept:body:bankCode:261");
      expect(c.status).toBe("passed");
      expect(c.observed.code).toBe("003_001");
      const k = c.checks.find((x) => x.name === "documented-outcome")!;
      expect(k).toMatchObject({ ok: false, severity: "warning" });
      expect(k.message).toContain("answered 400 003_001, a code the spec does not document; bankCode is the value the spec's example `non-participant` (400 - 미참가 기관일 경우 발생합니다.) sends");
      expect(caseOf(run.report, "non-participant").status).toBe("passed");
      // Only the case sending the example's own value is softened: another bank's undocumented code still fails.
      expect(run.report!.summary.warned).toBe(1);
      const strict = await runCli(["--target", server.url, "--only", "accept:body:bankCode:261", "--strict"], TEST_ENV);
      expect(strict.code).toBe(1);
      expect(caseOf(strict.report, "accept:body:bankCode:261").checks.find((x) => x.name === "documented-outcome")).toMatchObject({ ok: false, severity: "error" });
    } finally {
      await server.close();
    }
  });
});

/** The scenario: an ordinary staging member with a small id in the cases file. */
async function smallIdCases(): Promise<string> {
  return scratchFile("small-id.json", JSON.stringify({ success: { body: { userId: 1000000000 } } }));
}

interface FlawExpectation {
  flaw: AcceptanceFlaw;
  /** Exactly the acceptance cases that fail. */
  caught: string[];
  /** The check that fails first on the case named first, and words of its message. */
  check: "accepted" | "documented-outcome";
  fragment: string;
}

const FLAWS: FlawExpectation[] = [
  {
    flaw: "int64-user-id",
    caught: ["accept:body:userId:maximum", "accept:body:userId:past-64-bit"],
    check: "accepted",
    fragment: "userId at its maximum 9999999999999999999: server error 500 on a valid request",
  },
  {
    flaw: "safe-integer-user-id",
    caught: ["accept:body:userId:maximum", "accept:body:userId:past-53-bit", "accept:body:userId:past-64-bit"],
    check: "documented-outcome",
    fragment: "userId at its maximum 9999999999999999999: answered 400 001_001: a code the spec does not document",
  },
  {
    flaw: "int32-user-id",
    caught: ["accept:body:userId:maximum", "accept:body:userId:past-32-bit", "accept:body:userId:past-53-bit", "accept:body:userId:past-64-bit"],
    check: "accepted",
    fragment: "refused with 422, a status the spec does not document",
  },
  { flaw: "short-name-column", caught: ["accept:body:userName:maxLength", "accept:body:userName:maxLength-non-bmp"], check: "accepted", fragment: "userName at its longest, 100 characters (300 bytes in UTF-8): 홍*…*홍: refused with 422" },
  { flaw: "missing-bank", caught: ["accept:body:bankCode:278"], check: "documented-outcome", fragment: "bankCode 278 (신한투자 — Shinhan Investment (Securities)): answered 400 003_001" },
  { flaw: "composed-hangul-only", caught: ["accept:body:userName:decomposed"], check: "documented-outcome", fragment: "userName in decomposed Hangul (NFD jamo, as macOS sends typed Hangul)" },
  { flaw: "naive-leap-year", caught: ["accept:body:birthDate:leap-day"], check: "documented-outcome", fragment: "birthDate on a leap day, 29 February of a century year (a leap year by the 400-year rule): 2000****: answered 400 001_003" },
  {
    flaw: "numeric-account",
    caught: ["accept:body:bankAccount:maxLength"],
    check: "documented-outcome",
    fragment: "bankAccount at its longest, 20 characters: *…*1555: answered 400 002_001 (Bank account is length over limit or including not-number digit.), the spec's code for breaking bankAccount:pattern, which this request keeps: a valid request refused",
  },
  { flaw: "utf8mb3-names", caught: ["accept:body:userName:non-bmp", "accept:body:userName:maxLength-non-bmp"], check: "accepted", fragment: "userName with a character outside the BMP (U+20BB7, 4 bytes in UTF-8, 2 UTF-16 units): 홍*동: server error 500 on a valid request" },
  { flaw: "invalid-request-code", caught: ["accept:body:userName:minLength"], check: "documented-outcome", fragment: "answered 400 400_000: a code the spec does not document" },
  { flaw: "kst-only", caught: ["accept:header:X-KM-Time-Zone:UTC"], check: "documented-outcome", fragment: "X-KM-Time-Zone UTC: every time header written in UTC, a zone the spec lists: answered 400 001_401" },
  { flaw: "firewall-apostrophe", caught: ["accept:body:userName:punctuation"], check: "accepted", fragment: "userName of five words in Latin letters with an apostrophe and a hyphen, as foreign members' names are: M*…*z: refused with 403" },
  { flaw: "lower-case-correlation-id", caught: ["accept:header:X-KM-Correlation-Id:upper-case"], check: "documented-outcome", fragment: "X-KM-Correlation-Id with upper-case letters (ABCDEF written at position 14 of the value signed): answered 400 001_400" },
  { flaw: "euc-kr-names", caught: ["accept:body:userName:outside-ks-x-1001"], check: "accepted", fragment: "userName with a Hangul syllable outside the 2,350 of KS X 1001 (똠: EUC-KR cannot hold it): 김*: server error 500 on a valid request" },
  {
    flaw: "utf16-name-length",
    caught: ["accept:body:userName:maxLength-non-bmp"],
    check: "accepted",
    fragment: "userName at its longest with a character outside the BMP, 100 characters (101 UTF-16 units, 301 bytes in UTF-8): 홍*…*𠮷: refused with 422",
  },
  { flaw: "letters-only-names", caught: ["accept:body:userName:middle-dot"], check: "documented-outcome", fragment: "userName with a middle dot (U+00B7) between its parts, as a foreign member's name is written in Hangul: 존***스: answered 400 001_002" },
  { flaw: "zero-based-month-table", caught: ["accept:body:birthDate:month-end"], check: "documented-outcome", fragment: "birthDate on 31 January (a days-of-month table counted from 0 reads it as 31 February): 1975****: answered 400 001_003" },
  {
    flaw: "reserialised-token",
    caught: ["accept:body:json:spaced", "accept:body:json:escaped"],
    check: "accepted",
    fragment: "the body's JSON text pretty-printed, a line for each member (as JSON.stringify(v, null, 2) writes it), its members in reverse order: refused with 401",
  },
  {
    flaw: "timestamp-birth-dates",
    caught: ["accept:body:birthDate:last-day", "accept:body:birthDate:first-year", "accept:body:birthDate:last-year"],
    check: "accepted",
    fragment: "birthDate on the last day of a year, the last before 1970, where Unix time and a TIMESTAMP column begin: 1969****: server error 500 on a valid request",
  },
  {
    flaw: "three-word-names",
    caught: ["accept:body:userName:punctuation"],
    check: "documented-outcome",
    fragment: "userName of five words in Latin letters with an apostrophe and a hyphen, as foreign members' names are: M*…*z: answered 400 001_002: a code the spec does not document",
  },
  {
    flaw: "no-line-breaks",
    caught: ["accept:body:json:spaced"],
    check: "documented-outcome",
    fragment: "the body's JSON text pretty-printed, a line for each member (as JSON.stringify(v, null, 2) writes it), its members in reverse order: answered 400 001_400: a code the spec does not document",
  },
  { flaw: "member-order", caught: ["accept:body:json:spaced"], check: "documented-outcome", fragment: "its members in reverse order: answered 400 001_400: a code the spec does not document" },
  {
    flaw: "case-sensitive-header-names",
    caught: ["accept:header:names:lower-case"],
    check: "accepted",
    fragment: "every header's name in small letters (x-km-user-aspid, x-km-correlation-id, x-km-access-key, ...), as HTTP/2 writes them and proxies pass them on: HTTP field names are case-insensitive: refused with 401",
  },
  { flaw: "adults-only", caught: ["accept:body:birthDate:recent"], check: "documented-outcome", fragment: "birthDate of a young member, born in 2015 (a server built for adults only refuses it): 2015****: answered 400 002_010: a code the spec does not document" },
];

describe("over-strict stand-ins, each refusing or crashing on one kind of valid value", () => {
  it.each(FLAWS)("$flaw: exit 1, caught by $caught.0 ($check); every documented and refusal case passes", async ({ flaw, caught, check, fragment }) => {
    const server = await startAcceptanceStandIn(flaw, CREDS);
    let run: CliRun;
    try {
      run = await runCli(["--target", server.url, "--cases", await smallIdCases(), "--concurrency", "16"], TEST_ENV);
    } finally {
      await server.close();
    }
    expect(run.code).toBe(1);
    const report = run.report!;
    expect(report.cases.filter((c) => c.kind !== "acceptance" && c.status !== "passed").map((c) => c.id)).toEqual([]);
    expect(report.cases.filter((c) => c.status === "failed").map((c) => c.id).sort()).toEqual([...caught].sort());
    const first = caseOf(report, caught[0]!);
    const k = first.checks.find((x) => x.name === check)!;
    expect(k).toMatchObject({ ok: false, severity: "error" });
    expect(k.message).toContain(fragment);
    // The terminal names the case, the check and what was refused.
    expect(run.stdout).toContain(`  ${caught[0]}  ${check}: `);
    expect(run.files["junit.xml"]).toContain(`name="${caught[0]} `);
  });

  it("birth-years-1900-2100: refusing the format's first and last year is a warning (the range is the kit's reading); --strict fails it", async () => {
    const server = await startAcceptanceStandIn("birth-years-1900-2100", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--kind", "acceptance", "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(0);
      for (const id of ["accept:body:birthDate:first-year", "accept:body:birthDate:last-year"]) {
        const c = caseOf(run.report, id);
        expect(c.status).toBe("passed");
        expect(c.checks.find((k) => k.name === "documented-outcome")).toMatchObject({ ok: false, severity: "warning" });
      }
      expect(run.report!.summary.warned).toBe(2);
      const strict = await runCli(["--target", server.url, "--only", "accept:body:birthDate:*", "--strict"], TEST_ENV);
      expect(strict.code).toBe(1);
      expect(strict.report!.cases.filter((c) => c.status === "failed").map((c) => c.id)).toEqual(["accept:body:birthDate:first-year", "accept:body:birthDate:last-year"]);
    } finally {
      await server.close();
    }
  });

  it("accept:header:names:lower-case goes out with every name in small letters, Host and Content-Length included, and the faithful server accepts it", async () => {
    const server = await startAcceptanceStandIn(undefined, CREDS);
    try {
      const run = await runCli(["--target", server.url, "--only", "accept:header:names:*"], TEST_ENV);
      expect(run.code).toBe(0);
      expect(caseOf(run.report, "accept:header:names:lower-case")).toMatchObject({ status: "passed", varies: { in: "header", field: "names", what: "lower-case", rule: "field-names" } });
      expect(server.requests).toHaveLength(1);
      const names = server.requests[0]!.headerNames;
      expect(names).toEqual(names.map((n) => n.toLowerCase()));
      expect(names).toEqual(expect.arrayContaining(["host", "content-length", "x-km-tran-token", "x-km-access-key", "content-type", "user-agent"]));
    } finally {
      await server.close();
    }
  });

  it("birth-years-crash: a server error on the format's first and last year fails the run although a refusal there only warns", async () => {
    const server = await startAcceptanceStandIn("birth-years-crash", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--kind", "acceptance", "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(1);
      expect(run.report!.cases.filter((c) => c.status === "failed").map((c) => c.id)).toEqual(["accept:body:birthDate:first-year", "accept:body:birthDate:last-year"]);
      const k = caseOf(run.report, "accept:body:birthDate:first-year").checks.find((x) => x.name === "accepted")!;
      expect(k).toMatchObject({ ok: false, severity: "error" });
      expect(k.message).toContain("on the first day of the format's first year, 0001: 0001****: server error 500 on a valid request");
    } finally {
      await server.close();
    }
  });

  it("exact-content-type: refusing application/json with its charset is a warning (the media-type rule is the kit's reading); --strict fails it", async () => {
    const server = await startAcceptanceStandIn("exact-content-type", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--kind", "acceptance", "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(0);
      const c = caseOf(run.report, "accept:header:Content-Type:charset-utf-8");
      expect(c).toMatchObject({ status: "passed", varies: { in: "header", field: "Content-Type", what: "charset-utf-8", rule: "media-type" } });
      expect(c.checks.find((k) => k.name === "accepted")).toMatchObject({ ok: false, severity: "warning" });
      expect(c.checks.find((k) => k.name === "accepted")!.message).toContain("Content-Type application/json; charset=UTF-8: the spec's media type with the charset JSON is always written in, as many HTTP clients send it: refused with 415");
      expect(server.requests.find((r) => r.headers["content-type"] === "application/json; charset=UTF-8")).toBeDefined();
      expect(run.report!.summary.warned).toBe(1);
      const strict = await runCli(["--target", server.url, "--only", "accept:header:Content-Type:*", "--strict"], TEST_ENV);
      expect(strict.code).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("--fuzz finds an over-strict server too: random valid bodies, the seed printed and kept, the same seed the same requests", async () => {
    const server = await startAcceptanceStandIn("int64-user-id", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--only", "accept:fuzz:*", "--fuzz", "40", "--seed", "7", "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("Fuzz: 40 random valid bodies, seed 7 (--fuzz 40 --seed 7 draws the same bodies)");
      expect(run.report!.fuzz).toEqual({ count: 40, seed: 7 });
      expect(Object.keys(run.report!).slice(0, 5)).toEqual(["target", "startedAt", "durationMs", "summary", "fuzz"]);
      // A failed fuzz case's reproduce command draws the same body again.
      const failedOne = run.report!.cases.find((c) => c.status === "failed")!;
      expect(failedOne.reproduce).toMatch(new RegExp(`--fuzz 40 --seed 7\\b.*--only ${failedOne.id}\\b|--only ${failedOne.id}\\b.*--fuzz 40 --seed 7\\b`));
      expect(run.files["report.html"]).toContain('seed <code class="fuzz-seed">7</code>');
      // Printed at the start and again beside the summary at the end.
      expect(run.stdout.split("--fuzz 40 --seed 7 draws the same bodies")).toHaveLength(3);
      expect(run.report!.cases.map((c) => c.id)).toEqual(Array.from({ length: 40 }, (_, i) => `accept:fuzz:${i + 1}`));
      const failed = run.report!.cases.filter((c) => c.status === "failed");
      expect(failed.length).toBeGreaterThan(0);
      for (const c of failed) {
        expect(BigInt((c.request!.body as { userId: number | bigint }).userId)).toBeGreaterThan(2n ** 63n - 1n);
        // What the body holds, by kind: the id past 2^63 the stand-in crashes on, no personal value.
        expect(c.checks.find((k) => k.name === "accepted")!.message).toMatch(/^a random valid body \(\d+ of 40, seed 7\): .*userId of (19|20) digits \(past 2\^63\).*: server error 500 on a valid request$/);
      }
      const bodies = (requests: readonly ReceivedRequest[]) => requests.map((r) => r.rawBody).sort();
      const first = bodies(server.requests);
      server.requests.length = 0;
      await runCli(["--target", server.url, "--only", "accept:fuzz:*", "--fuzz", "40", "--seed", "7", "--concurrency", "16"], TEST_ENV);
      expect(bodies(server.requests)).toEqual(first);
      // Without --seed one is drawn, printed and kept.
      const drawn = await runCli(["--target", server.url, "--only", "accept:fuzz:1", "--fuzz", "1"], TEST_ENV);
      const seed = drawn.report!.fuzz!.seed;
      expect(Number.isInteger(seed)).toBe(true);
      expect(drawn.stdout).toContain(`--fuzz 1 --seed ${seed} draws the same bodies`);
    } finally {
      await server.close();
    }
  });
});

describe("encrypted mode, the embedded mock's doubles and --help", () => {
  it("changes the plain body inside encData and signs the wrapped bytes: the encrypting sandbox passes every case, its answers encrypted", async () => {
    const keyPair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    const [serverKeys, clientKeys] = [keyPair(), keyPair()];
    const cryptoKeyId = "0123456789abcdef0123456789abcdef";
    const server = await startCryptoStandIn(undefined, CREDS, { cryptoKeyId, serverPrivateKey: serverKeys.privateKey, clientPublicKey: clientKeys.publicKey });
    try {
      const env = { ...TEST_ENV, KONAPLATE_CRYPTO_KEY_ID: cryptoKeyId, KONAPLATE_SERVER_PUBLIC_KEY: serverKeys.publicKey, KONAPLATE_CLIENT_PRIVATE_KEY: clientKeys.privateKey };
      const run = await runCli(["--target", server.url, "--kind", "acceptance", "--concurrency", "16"], env);
      expect(run.code).toBe(0);
      expect(run.report!.summary.warned).toBe(0);
      expect(server.requests.length).toBe(run.report!.cases.length);
      expect(server.requests.every((r) => r.encrypted && r.verdict.tokenOk && !r.verdict.bodyViolations.length)).toBe(true);
      expect(server.requests.some((r) => (r.body as { userId?: unknown }).userId === 9999999999999999999n)).toBe(true);
      expect(validateRequestHeaders(server.requests[0]!.headers)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("against the kit's mock, a verdict on a value Prism holds as a double says the kit's validator judged it", async () => {
    const server = await startFaithfulServer({ secretKey: CREDS.secretKey });
    try {
      const cases = selectRun({ credentials: CREDENTIALS, only: ["accept:body:userId:*"] });
      const report = await runConformance({ target: server.url, credentials: CREDENTIALS, cases, mock: true });
      expect(report.summary.failed).toBe(0);
      expect(caseOf(report, "accept:body:userId:past-64-bit").checks.find((k) => k.name === "accepted")!.message).toContain("the embedded Prism mock reads JSON numbers as doubles");
      expect(caseOf(report, "accept:body:userId:past-32-bit").checks.find((k) => k.name === "accepted")!.message).not.toContain("Prism");
      expect(server.requests.every((r) => r.headers["prefer"] === undefined)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("--help lists every acceptance id and the request count of a full run", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    for (const id of ids(derive().cases)) expect(run.stdout).toContain(id);
    expect(run.stdout).toMatch(/A full run sends (\d+) requests, one per case: 13 documented, (\d+) acceptance and (\d+) refusal cases/);
    expect(Number(/A full run sends (\d+) requests/.exec(run.stdout)![1])).toBeLessThan(120);
    expect(run.stdout).toContain("--fuzz N");
    expect(run.stdout).toContain("--seed S");
  });
});
