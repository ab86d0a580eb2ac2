// Refusal cases: derived from the spec (a rule added to a copy adds its case), each breaking only
// its rule and signed over the exact bytes, judged against stand-ins that each forget one kind of
// refusal — the run must exit 1 naming the case that caught it, while a faithful server passes.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_IDS, CASES } from "../generated/contract.js";
import { countByRule, deriveRefusalCases, type RefusalCase } from "../conformance/refusal/catalog.js";
import { kitSpecDocument, type SpecDocument } from "../conformance/refusal/spec-rules.js";
import { runConformance } from "../conformance/runner.js";
import { deriveContext, selectRun } from "../conformance/selection.js";
import { refusalCasesFor } from "../conformance/kinds/refusal.js";
import { acceptanceCasesFor } from "../conformance/kinds/acceptance.js";
import { notDerivedTable, refusalTable } from "../conformance/refusal/readme-table.js";
import type { CaseReport, Report } from "../conformance/report.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { startRefusalStandIn, type RefusalFlaw } from "./support/refusal-servers.js";
import { removeRunDirs, runCli, TEST_ENV, xmlProblems, type CliRun } from "./support/conformance-run.js";

const CREDS = { secretKey: TEST_ENV.KONAPLATE_SECRET_KEY, accessKey: TEST_ENV.KONAPLATE_ACCESS_KEY, aspId: TEST_ENV.KONAPLATE_ASP_ID };
const CREDENTIALS = { ...CREDS, timeZone: "KST" };
const SUCCESS_BODY = { ...CASES.find((c) => c.id === "success")!.request.body } as Record<string, unknown>;

afterAll(removeRunDirs);

const derive = (doc?: SpecDocument) => deriveRefusalCases({ ...(doc ? { doc } : {}), baseBody: SUCCESS_BODY, credentials: CREDENTIALS });
const ids = (cases: readonly RefusalCase[]) => cases.map((c) => c.id);

describe("derivation from the spec", () => {
  const { cases, notDerived } = derive();

  it("makes the issue's cases with stable, readable ids", () => {
    const all = ids(cases);
    for (const id of [
      "refuse:header:X-KM-Access-Key:missing",
      "refuse:header:X-KM-User-AspId:minLength",
      "refuse:header:X-KM-Tran-Time:pattern",
      "refuse:header:X-KM-Tran-Token:pattern",
      "refuse:body:bankAccount:pattern",
      "refuse:body:bankAccount:missing",
      "refuse:body:userId:type",
      "refuse:body:userId:maximum",
      "refuse:body:bankCode:enum",
      "refuse:body:not-json",
      "refuse:body:empty",
      "refuse:content-type",
      "refuse:auth:wrong-secret",
      "refuse:auth:body-changed",
      "refuse:auth:token-time",
      "refuse:auth:access-key",
      "refuse:auth:asp-id",
      "refuse:time:hour-old",
      "refuse:time:hour-ahead",
    ]) {
      expect(all).toContain(id);
    }
    expect(new Set(all).size).toBe(all.length);
    // One wave at --concurrency 64: the benchmark's goal depends on it.
    expect(all.length + CASE_IDS.length).toBeLessThanOrEqual(64);
  });

  it("every required header and field gets a missing case; the optional header none", () => {
    for (const h of ["X-KM-User-AspId", "X-KM-Correlation-Id", "X-KM-Access-Key", "X-KM-Tran-Token", "X-KM-Tran-Time", "X-KM-Time-Zone"]) expect(ids(cases)).toContain(`refuse:header:${h}:missing`);
    expect(ids(cases)).not.toContain("refuse:header:X-KM-Crypto-Key-Id:missing");
    for (const f of ["bankAccount", "bankCode", "birthDate", "userId", "userName"]) expect(ids(cases)).toContain(`refuse:body:${f}:missing`);
  });

  it("breaks exactly its own rule where a value can; otherwise names every rule it breaks", () => {
    const byId = new Map(cases.map((c) => [c.id, c]));
    expect(byId.get("refuse:body:bankAccount:pattern")!.breaks).toEqual(["bankAccount:pattern"]);
    expect(byId.get("refuse:body:userName:minLength")!.breaks).toEqual(["userName:minLength"]);
    expect(byId.get("refuse:header:X-KM-Tran-Time:pattern")!.breaks).toEqual(["X-KM-Tran-Time:pattern"]);
    // A wrong type for bankCode is never in its enum: the case says it breaks both.
    expect(byId.get("refuse:body:bankCode:type")!.breaks).toEqual(["bankCode:type", "bankCode:enum"]);
    expect(byId.get("refuse:body:bankCode:type")!.title).toContain("no value breaks bankCode:type alone");
    // minLength 1 on a digits pattern: the empty string breaks the pattern too, which has its own
    // case, so a refusal would prove nothing: no case, and the reason is stated.
    expect(byId.has("refuse:body:bankAccount:minLength")).toBe(false);
    expect(notDerived).toContainEqual({ target: "bankAccount", rule: "minLength", why: expect.stringContaining("also breaks bankAccount:pattern") });
    expect(notDerived.map((n) => `${n.target}:${n.rule}`)).not.toContain("bankAccount:pattern");
    // Every field or header case breaks its own rule first: refuse:<group>:<target>:<rule>.
    for (const c of cases.filter((x) => x.id.split(":").length === 4)) {
      const [, , target, rule] = c.id.split(":");
      expect(c.breaks[0], c.id).toBe(`${target}:${rule === "missing" ? "required" : rule}`);
    }
  });

  it("derives the spec's calendar rule for birthDate from its format: a real shape, an impossible date", () => {
    const format = cases.find((c) => c.id === "refuse:body:birthDate:format")!;
    expect(format.breaks).toEqual(["birthDate:format"]);
    const value = (format.plan as { body: { birthDate: string } }).body.birthDate;
    expect(value).toMatch(/^[0-9]{8}$/);
    expect(value).not.toBe(SUCCESS_BODY.birthDate);
    // The kit's mock runs the kit's validator in front of Prism, so it judges the kit's own format.
    expect(format.mockCannotJudge).toBeUndefined();
  });

  it("keeps every digit of the userId bound and expects the spec's code where it names one", () => {
    const maximum = cases.find((c) => c.id === "refuse:body:userId:maximum")!;
    expect(maximum.plan).toMatchObject({ kind: "body", body: { userId: 10000000000000000000n } });
    // The kit's mock counts every digit (its exact validator runs beside Prism's float compare).
    expect(maximum.mockCannotJudge).toBeUndefined();
    expect(cases.find((c) => c.id === "refuse:body:bankAccount:pattern")!.expected.code).toBe("002_001");
    expect(cases.find((c) => c.id === "refuse:body:userName:maxLength")!.expected.code).toBeNull();
  });

  it("a rule added to a copy of the spec adds its case; a removed one removes it", () => {
    const copy = structuredClone(kitSpecDocument()) as SpecDocument;
    const schemas = (copy.components as { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> }).schemas;
    schemas.VerifyAccountHolderRequest!.properties.userName!.pattern = "^[^0-9]*$";
    schemas.VerifyAccountHolderRequest!.properties.nickname = { type: "string", format: "email" };
    delete schemas.VerifyAccountHolderRequest!.properties.userName!.maxLength;
    const base = { ...SUCCESS_BODY, nickname: "kona@example.com" };
    const derived = deriveRefusalCases({ doc: copy, baseBody: base, credentials: CREDENTIALS }).cases;
    const before = ids(derive().cases);
    const after = ids(derived);
    expect(after).toContain("refuse:body:userName:pattern");
    expect(after).toContain("refuse:body:nickname:format");
    expect(after).toContain("refuse:body:nickname:type");
    expect(after).not.toContain("refuse:body:nickname:missing");
    expect(before).toContain("refuse:body:userName:maxLength");
    expect(after).not.toContain("refuse:body:userName:maxLength");
    expect(derived.find((c) => c.id === "refuse:body:userName:pattern")!.breaks).toEqual(["userName:pattern"]);
    expect(derived.find((c) => c.id === "refuse:body:nickname:format")!.breaks).toEqual(["nickname:format"]);
    expect(after.length).toBe(before.length + 3 - 1);
  });

  it("README states the count per rule exactly as derived", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const { cases: derived, notDerived: none } = derive();
    expect(readme).toContain(refusalTable(derived));
    expect(readme).toContain(notDerivedTable(none));
    expect(countByRule(cases).reduce((n, [, k]) => n + k, 0)).toBe(cases.length);
  });
});

describe("selection: --kind and --only with a trailing *", () => {
  it("runs every kind by default, documented first, refusal cases last", () => {
    const run = selectRun({ credentials: CREDENTIALS });
    expect(run.slice(0, CASE_IDS.length).map((c) => c.id)).toEqual([...CASE_IDS]);
    const accepting = acceptanceCasesFor(deriveContext({ credentials: CREDENTIALS }));
    expect(run.length).toBe(CASE_IDS.length + accepting.length + derive().cases.length);
    expect(run.slice(-derive().cases.length).map((c) => c.id)).toEqual(ids(derive().cases));
  });

  it("picks one kind, or a prefix", () => {
    expect(selectRun({ credentials: CREDENTIALS, kind: "documented" }).map((c) => c.id)).toEqual([...CASE_IDS]);
    expect(selectRun({ credentials: CREDENTIALS, kind: "refusal" }).every((c) => c.kind === "refusal")).toBe(true);
    expect(selectRun({ credentials: CREDENTIALS, only: ["refuse:auth:*"] }).map((c) => c.id)).toEqual([
      "refuse:auth:wrong-secret",
      "refuse:auth:body-changed",
      "refuse:auth:token-time",
      "refuse:auth:access-key",
      "refuse:auth:asp-id",
    ]);
    expect(selectRun({ credentials: CREDENTIALS, only: ["success", "refuse:body:userId:*"] }).map((c) => c.id)).toEqual([
      "success",
      "refuse:body:userId:missing",
      "refuse:body:userId:type",
      "refuse:body:userId:minimum",
      "refuse:body:userId:maximum",
    ]);
  });

  it("says which ids and kinds exist when --only matches nothing", () => {
    expect(() => selectRun({ credentials: CREDENTIALS, only: ["refuse:nope:*"] })).toThrow(/unknown case id refuse:nope:\*.*refuse:auth:\*/);
    expect(() => selectRun({ credentials: CREDENTIALS, kind: "documented", only: ["refuse:auth:*"] })).toThrow(/match(es)? no documented case/);
  });

  it("builds refusal cases on the success case after --cases overrides", () => {
    const refusal = refusalCasesFor(deriveContext({ overrides: { success: { body: { userName: "이몽룡", bankCode: "010" }, headers: { "X-Test": "1" } } }, credentials: CREDENTIALS }));
    const pattern = refusal.find((c) => c.id === "refuse:body:bankAccount:pattern")!;
    expect(pattern.baseBody).toMatchObject({ userName: "이몽룡", bankCode: "010" });
    // The base's own break (an older bank code) is not counted against each case.
    expect(pattern.breaks).toEqual(["bankAccount:pattern"]);
    expect(pattern.overrideHeaders).toEqual({ "X-Test": "1" });
  });
});

describe("against a faithful stand-in", () => {
  let server: FaithfulServer;
  let run: CliRun;
  beforeAll(async () => {
    server = await startRefusalStandIn(undefined, CREDS);
    run = await runCli(["--target", server.url], TEST_ENV);
  });
  afterAll(() => server.close());

  it("exits 0: every documented case passes and every refusal case is refused", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = run.report!;
    expect(report.summary).toEqual({ total: report.cases.length, passed: report.cases.length, failed: 0, skipped: 0, warned: 0 });
    expect(report.cases.filter((c) => c.kind === "documented").map((c) => c.id)).toEqual([...CASE_IDS]);
    expect(report.cases.filter((c) => c.kind === "refusal").length).toBe(derive().cases.length);
  });

  it("sent every refusal request signed over the exact bytes, breaking only its rule", () => {
    const byCorrelation = new Map(server.requests.map((r) => [r.headers["x-km-correlation-id"], r]));
    for (const c of run.report!.cases.filter((x) => x.kind === "refusal")) {
      const correlation = Object.entries(c.request!.headers).find(([k]) => k.toLowerCase() === "x-km-correlation-id")?.[1];
      const received = correlation === undefined ? undefined : byCorrelation.get(correlation);
      if (!received) continue; // the correlation-id cases themselves
      const v = received.verdict;
      const tokenCase = /refuse:(auth:(wrong-secret|body-changed|token-time)|header:X-KM-Tran-(Token|Time):)/.test(c.id);
      if (!tokenCase && !c.id.startsWith("refuse:body:not-json") && !c.id.startsWith("refuse:body:empty")) expect(v.tokenOk, c.id).toBe(true);
      if (c.id.startsWith("refuse:body:")) expect(v.headerViolations, c.id).toEqual([]);
      if (c.id.startsWith("refuse:header:")) {
        expect(v.bodyViolations, c.id).toEqual([]);
        expect(new Set(v.headerViolations.map((x) => x.path)), c.id).toEqual(new Set([c.id.split(":")[2]]));
      }
      if (c.id.startsWith("refuse:auth:")) expect([v.headerViolations, v.bodyViolations], c.id).toEqual([[], []]);
      expect(received.headers["prefer"], c.id).toBeUndefined();
    }
    const tokenTime = server.requests.find((r) => r.verdict.hmacOk && !r.verdict.tokenOk && r.verdict.headerViolations.length === 0);
    expect(tokenTime).toBeDefined();
  });

  it("writes kind and breaks into report.json, one junit suite per kind, its own html section", () => {
    const refusal = run.report!.cases.find((c) => c.id === "refuse:body:bankAccount:pattern")!;
    expect(refusal).toMatchObject({ kind: "refusal", status: "passed", breaks: ["bankAccount:pattern"], expected: { status: 400, code: "002_001" } });
    expect(refusal.checks.map((k) => k.name)).toEqual(["answered", "refused", "not-success", "code", "correlation-echo"]);
    expect(run.report!.cases[0]!.kind).toBe("documented");
    const junit = run.files["junit.xml"]!;
    expect(xmlProblems(junit)).toEqual([]);
    expect(junit.match(/<testsuite /g)).toHaveLength(3);
    expect(junit).toContain('<testsuite name="konaplate.conformance.refusal"');
    expect(run.files["report.html"]).toContain('<h2 id="refusal-cases">Refusal cases</h2>');
    expect(run.stdout).toContain("Refusal cases");
    // The body sent for the case is masked like any other.
    expect(JSON.stringify(refusal.request?.body)).not.toContain("33015555557");
  });
});

interface FlawExpectation {
  flaw: RefusalFlaw;
  caughtBy: string;
  check: string;
  fragment: string;
}

const FLAWS: FlawExpectation[] = [
  { flaw: "ignores-token", caughtBy: "refuse:auth:wrong-secret", check: "refused", fragment: "accepted with 200" },
  { flaw: "ignores-token-time", caughtBy: "refuse:auth:token-time", check: "refused", fragment: "accepted with 200" },
  { flaw: "any-access-key", caughtBy: "refuse:auth:access-key", check: "refused", fragment: "X-KM-Access-Key:credential" },
  { flaw: "any-asp-id", caughtBy: "refuse:auth:asp-id", check: "refused", fragment: "accepted with 200" },
  // Its pattern is the kit's inference (a warning, below); leaving the header out breaks the page's own rule.
  { flaw: "ignores-time-zone-header", caughtBy: "refuse:header:X-KM-Time-Zone:missing", check: "refused", fragment: "accepted with 200" },
  { flaw: "correlation-id-optional", caughtBy: "refuse:header:X-KM-Correlation-Id:missing", check: "refused", fragment: "accepted with 200" },
  { flaw: "accepts-invalid-body", caughtBy: "refuse:body:birthDate:pattern", check: "not-success", fragment: "answered code 000_000" },
  { flaw: "500-on-bad-input", caughtBy: "refuse:body:userName:minLength", check: "refused", fragment: "server error 500 on bad input" },
  { flaw: "float-user-id", caughtBy: "refuse:body:userId:maximum", check: "refused", fragment: "userId:maximum" },
  { flaw: "wrong-code-for-bad-account", caughtBy: "refuse:body:bankAccount:pattern", check: "code", fragment: "expected code 002_001 (the spec's code for bankAccount:pattern), got 002_007" },
  { flaw: "success-code-on-refusal", caughtBy: "refuse:header:X-KM-Access-Key:missing", check: "not-success", fragment: "answered code 000_000" },
  {
    flaw: "processes-invalid-body",
    caughtBy: "refuse:body:birthDate:pattern",
    check: "refused",
    fragment: "answered 400 002_007 (Bank account is not found.), a documented outcome: the request that breaks birthDate:pattern was processed, not refused",
  },
];

function caseOf(report: Report | undefined, id: string): CaseReport {
  const c = report?.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

describe("stand-ins that each forget one kind of refusal", () => {
  it.each(FLAWS)("$flaw: exit 1, caught by $caughtBy ($check), documented cases all pass", async ({ flaw, caughtBy, check, fragment }) => {
    const server = await startRefusalStandIn(flaw, CREDS);
    let run: CliRun;
    try {
      run = await runCli(["--target", server.url, "--concurrency", "16"], TEST_ENV);
    } finally {
      await server.close();
    }
    expect(run.code).toBe(1);
    expect(run.report!.cases.filter((c) => c.kind === "documented").every((c) => c.status === "passed")).toBe(true);
    const caught = caseOf(run.report, caughtBy);
    expect(caught.status).toBe("failed");
    const k = caught.checks.find((x) => x.name === check)!;
    expect(k.ok).toBe(false);
    expect(k.message).toContain(fragment);
    // The terminal names the case that caught it, with the check and what it saw.
    expect(run.stdout).toContain(`  ${caughtBy}  ${check}: `);
    expect(run.files["junit.xml"]).toContain(`name="${caughtBy} `);
  });

  it("processes-invalid-body: only the code the spec gives the broken rule counts as a refusal (002_001 for a bad account)", async () => {
    const server = await startRefusalStandIn("processes-invalid-body", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--kind", "refusal", "--only", "refuse:body:*"], TEST_ENV);
      expect(run.code).toBe(1);
      expect(caseOf(run.report, "refuse:body:bankAccount:pattern")).toMatchObject({ status: "passed", observed: { status: 400, code: "002_001" } });
      const processed = run.report!.cases.filter((c) => c.checks.some((k) => k.name === "refused" && !k.ok && k.message.includes("was processed, not refused")));
      expect(processed.map((c) => c.id)).toContain("refuse:body:userName:minLength");
      for (const c of processed) expect(c.observed).toMatchObject({ status: 400, code: "002_007" });
    } finally {
      await server.close();
    }
  });

  it("html-401-refusals: a 401 HTML page is still a refusal (the envelope is only a warning)", async () => {
    const server = await startRefusalStandIn("html-401-refusals", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--kind", "refusal"], TEST_ENV);
      expect(run.code).toBe(0);
      const c = caseOf(run.report, "refuse:body:userId:type");
      expect(c.observed.status).toBe(401);
      expect(c.checks.find((k) => k.name === "code")).toMatchObject({ ok: false, severity: "warning" });
    } finally {
      await server.close();
    }
  });

  it("accepts-stale-time: an hour-old or future Tran-Time accepted is a warning, never a failure", async () => {
    const server = await startRefusalStandIn("accepts-stale-time", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--only", "refuse:time:*"], TEST_ENV);
      expect(run.code).toBe(0);
      for (const id of ["refuse:time:hour-old", "refuse:time:hour-ahead"]) {
        const c = caseOf(run.report, id);
        expect(c.status).toBe("passed");
        expect(c.checks.find((k) => k.name === "refused")).toMatchObject({ ok: false, severity: "warning" });
      }
    } finally {
      await server.close();
    }
  });
});

/** Flaws against rules of the kit's own reading: a warning by default, a failure with --strict. */
const KIT_READING_FLAWS: { flaw: RefusalFlaw; caughtBy: string; breaks: string }[] = [
  { flaw: "accepts-impossible-date", caughtBy: "refuse:body:birthDate:format", breaks: "birthDate:format" },
  { flaw: "looks-up-impossible-date", caughtBy: "refuse:body:birthDate:format", breaks: "birthDate:format" },
  { flaw: "ignores-time-zone-pattern", caughtBy: "refuse:header:X-KM-Time-Zone:pattern", breaks: "X-KM-Time-Zone:pattern" },
  { flaw: "ignores-content-type", caughtBy: "refuse:content-type", breaks: "Content-Type:application/json" },
];

describe("rules of the kit's own reading (inferred in the spec, or the kit's knowledge)", () => {
  it("are marked in the spec and make warning-only cases whose title says so; the page's and the guideline's rules make errors", () => {
    const byId = new Map(derive().cases.map((c) => [c.id, c]));
    for (const [id, source] of [
      ["refuse:body:birthDate:format", "inferred"],
      ["refuse:header:X-KM-Time-Zone:pattern", "inferred"],
      ["refuse:content-type", "kit"],
      ["refuse:time:hour-old", "kit"],
    ] as const) {
      expect(byId.get(id), id).toMatchObject({ source, warningOnly: true });
      expect(byId.get(id)!.title).toMatch(/warning only\)$/);
    }
    for (const [id, source] of [
      ["refuse:body:birthDate:pattern", "seed"],
      ["refuse:header:X-KM-Time-Zone:missing", "seed"],
      ["refuse:auth:wrong-secret", "guideline"],
      ["refuse:header:X-KM-Tran-Token:pattern", "guideline"],
      ["refuse:body:userId:maximum", "seed"],
    ] as const) {
      expect(byId.get(id), id).toMatchObject({ source, warningOnly: false });
    }
  });

  it("a mark the derivation cannot read is refused with the place named", () => {
    const doc = structuredClone(kitSpecDocument()) as SpecDocument;
    const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    (schemas.VerifyAccountHolderRequest!.properties as Record<string, Record<string, unknown>>).userName!["x-konaplate-rule-sources"] = { pattern: "inferred" };
    expect(() => derive(doc)).toThrow(/field userName: x-konaplate-rule-sources names pattern, which is no rule of the schema/);
  });

  it("a server error on a case of the kit's reading is an error all the same: no value may crash a server", async () => {
    const server = await startRefusalStandIn("500-on-bad-input", CREDS);
    try {
      const run = await runCli(["--target", server.url, "--only", "refuse:header:X-KM-Time-Zone:*"], TEST_ENV);
      expect(run.code).toBe(1);
      const c = caseOf(run.report, "refuse:header:X-KM-Time-Zone:pattern");
      expect(c).toMatchObject({ status: "failed", title: expect.stringMatching(/warning only\)$/) });
      expect(c.checks.find((k) => k.name === "refused")).toMatchObject({ ok: false, severity: "error", message: expect.stringContaining("server error 500 on bad input") });
    } finally {
      await server.close();
    }
  });

  it.each(KIT_READING_FLAWS)("$flaw: exit 0 with $caughtBy passed and its warning counted; --strict: exit 1 with it failed", async ({ flaw, caughtBy, breaks }) => {
    const server = await startRefusalStandIn(flaw, CREDS);
    try {
      const run = await runCli(["--target", server.url, "--concurrency", "16"], TEST_ENV);
      expect(run.code).toBe(0);
      const c = caseOf(run.report, caughtBy);
      expect(c.status).toBe("passed");
      expect(c.checks.find((k) => k.name === "refused")).toMatchObject({ ok: false, severity: "warning", message: expect.stringContaining(breaks) });
      expect(run.report!.summary.warned).toBeGreaterThanOrEqual(1);
      const summary = run.stdout.trimEnd().split("\n").at(-1)!;
      expect(summary).toMatch(new RegExp(`^${run.report!.summary.passed} passed \\(${run.report!.summary.warned} with warnings\\), 0 failed$`));
      expect(run.stdout).toContain(`  ${caughtBy}  refused: `);
      expect(run.files["junit.xml"]).toMatch(/<property name="cases-with-warnings" value="[1-9]/);
      expect(run.files["report.html"]).toContain(`<li><code>${caughtBy}</code>: refused`);

      const strict = await runCli(["--target", server.url, "--concurrency", "16", "--strict", "--only", caughtBy], TEST_ENV);
      expect(strict.code).toBe(1);
      expect(caseOf(strict.report, caughtBy).status).toBe("failed");
      expect(caseOf(strict.report, caughtBy).checks.find((k) => k.name === "refused")).toMatchObject({ ok: false, severity: "error" });
    } finally {
      await server.close();
    }
  });
});

describe("encrypted mode and --help", () => {
  it("breaks the plain body inside encData and signs the wrapped bytes: a faithful server refuses every case", async () => {
    const serverKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const clientKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = (key: KeyObject, type: "spki" | "pkcs8") => key.export({ type, format: "pem" }).toString();
    const server = await startFaithfulServer({
      secretKey: CREDS.secretKey,
      credentials: { accessKey: CREDS.accessKey, aspId: CREDS.aspId },
      serverPrivateKeyPem: pem(serverKeys.privateKey, "pkcs8"),
      clientPublicKeyPem: pem(clientKeys.publicKey, "spki"),
      cryptoKeyId: "0123456789abcdef0123456789abcdef",
    });
    try {
      const env = {
        ...TEST_ENV,
        KONAPLATE_CRYPTO_KEY_ID: "0123456789abcdef0123456789abcdef",
        KONAPLATE_SERVER_PUBLIC_KEY: pem(serverKeys.publicKey, "spki"),
        KONAPLATE_CLIENT_PRIVATE_KEY: pem(clientKeys.privateKey, "pkcs8"),
      };
      const run = await runCli(["--target", server.url, "--kind", "refusal", "--concurrency", "16"], env);
      expect(run.code).toBe(0);
      const pattern = server.requests.find((r) => (r.body as { bankAccount?: string } | undefined)?.bankAccount === "A33015555557");
      expect(pattern?.encrypted).toBe(true);
      expect(pattern?.verdict.tokenOk).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("--help says how many requests a full run sends", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    const refusal = derive().cases.length;
    const accepting = acceptanceCasesFor(deriveContext({ credentials: CREDENTIALS })).length;
    const total = CASE_IDS.length + accepting + refusal;
    expect(run.stdout).toContain(`A full run sends ${total} requests, one per case: ${CASE_IDS.length} documented, ${accepting} acceptance and ${refusal} refusal cases`);
    expect(run.stdout).toContain("--kind KIND");
  });
});

describe("against the embedded mock's rules", () => {
  it("skips what a mock cannot judge, with the reason, and sends no Prefer on refusal requests", async () => {
    const server = await startFaithfulServer({ secretKey: CREDS.secretKey });
    try {
      const cases = selectRun({ credentials: CREDENTIALS, kind: "refusal" });
      const report = await runConformance({ target: server.url, credentials: CREDENTIALS, cases, mock: true, concurrency: 16 });
      const skipped = report.cases.filter((c) => c.status === "skipped");
      expect(skipped.map((c) => c.id).sort()).toEqual(
        [
          "refuse:auth:access-key",
          "refuse:auth:asp-id",
          "refuse:auth:body-changed",
          "refuse:auth:token-time",
          "refuse:auth:wrong-secret",
          "refuse:time:hour-ahead",
          "refuse:time:hour-old",
        ].sort(),
      );
      expect(report.summary.skipped).toBe(skipped.length);
      for (const c of skipped) {
        expect(c.reason).toMatch(/embedded Prism mock/);
        expect(c.checks).toEqual([]);
      }
      expect(server.requests.length).toBe(cases.length - skipped.length);
      expect(server.requests.every((r) => r.headers["prefer"] === undefined)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
