// A new kind of case is one module and one line in the registry: this test registers a throwaway
// kind and a throwaway check, runs them through the real runner against the faithful server and the
// reporters, and takes both out again. Nothing in the runner or the reporters names a kind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CASES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders } from "../src/signing.js";
import { registerCheck, checkNamesFor } from "../conformance/checks/registry.js";
import type { CaseKind, ConformanceCase } from "../conformance/kinds/kind.js";
import { caseKinds, registerKind } from "../conformance/kinds/registry.js";
import { runConformance } from "../conformance/runner.js";
import { selectRun } from "../conformance/selection.js";
import { renderHtmlReport } from "../conformance/reporters/html.js";
import { renderJunitReport, renderTerminalReport } from "../conformance/reporters/index.js";
import { parseArgs } from "../conformance/config.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { TEST_ENV } from "./support/conformance-run.js";

const CREDENTIALS = { aspId: TEST_ENV.KONAPLATE_ASP_ID, accessKey: TEST_ENV.KONAPLATE_ACCESS_KEY, secretKey: TEST_ENV.KONAPLATE_SECRET_KEY, timeZone: "KST" };

interface ProbeCase extends ConformanceCase {
  kind: "probe";
  body: Record<string, unknown>;
}

/** A kind that sends the success body with one bank code changed: valid, so the server answers a documented outcome. */
const probeKind: CaseKind<ProbeCase> = {
  name: "probe",
  idPrefix: "probe:",
  checks: ["status", "code", "probe-body-echo"],
  presentation: {
    heading: "Probe cases (a throwaway kind)",
    section: { heading: "Probe cases", id: "probe-cases", note: "registered by a test" },
    junitClassname: "konaplate.conformance.probe",
    expected: (c) => `probe ${c.expected.status}`,
    statusAsExpected: (c) => c.observed.status === c.expected.status,
  },
  derive: ({ base }) =>
    ["003", "088"].map((bankCode) => ({
      kind: "probe" as const,
      id: `probe:bank:${bankCode}`,
      title: `bank ${bankCode}`,
      expected: { status: bankCode === "003" ? 200 : 400, code: bankCode === "003" ? "000_000" : "002_007" },
      body: { ...base.body, bankCode },
    })),
  idHint: (cases) => cases.map((c) => c.id),
  async build(kase, { credentials }) {
    const wire = stringifyJson(kase.body);
    return { headers: { "Content-Type": "application/json", ...signedHeaders(credentials, wire) }, wire };
  },
  requestBody: (kase) => kase.body,
  reportFields: (kase) => ({ breaks: [`probe:${String(kase.body.bankCode)}`] }),
};

describe("a kind of case registered by a module of its own", () => {
  let server: FaithfulServer;
  const unregister: (() => void)[] = [];
  beforeAll(async () => {
    server = await startFaithfulServer({ secretKey: CREDENTIALS.secretKey });
  });
  afterEach(() => unregister.splice(0).forEach((off) => off()));
  afterAll(() => server.close());

  const register = () => {
    unregister.push(registerKind(probeKind));
    unregister.push(
      registerCheck({
        name: "probe-body-echo",
        severity: () => "warning",
        run: ({ kase, sentHeaders }) => ({ ok: kase.id.startsWith("probe:") && "X-KM-Tran-Token" in sentHeaders, message: `probe check saw ${kase.id}` }),
      }),
    );
  };

  it("is selected, sent, judged by its checks and reported in every report, with nothing else changed", async () => {
    register();
    expect(caseKinds().map((k) => k.name)).toEqual(["documented", "refusal", "probe"]);
    expect(parseArgs(["--kind", "probe"]).kind).toBe("probe");
    const cases = selectRun({ credentials: CREDENTIALS, kind: "probe" });
    expect(cases.map((c) => c.id)).toEqual(["probe:bank:003", "probe:bank:088"]);
    // --only reaches it by its prefix; the documented kind is untouched.
    expect(selectRun({ credentials: CREDENTIALS, only: ["probe:*", "success"] }).map((c) => c.id)).toEqual(["success", "probe:bank:003", "probe:bank:088"]);

    const report = await runConformance({ target: server.url, credentials: CREDENTIALS, cases });
    expect(report.summary).toEqual({ total: 2, passed: 2, failed: 0, skipped: 0, warned: 0 });
    const [first, second] = report.cases;
    expect(first).toMatchObject({ id: "probe:bank:003", kind: "probe", status: "passed", observed: { status: 200, code: "000_000" }, breaks: ["probe:003"] });
    expect(first!.checks.map((c) => c.name)).toEqual(["answered", "status", "code", "probe-body-echo"]);
    expect(first!.checks.at(-1)).toEqual({ name: "probe-body-echo", ok: true, message: "probe check saw probe:bank:003", severity: "warning" });
    expect(second).toMatchObject({ observed: { status: 400, code: "002_007" }, status: "passed" });
    // The request the kind built is the one the server received, signed over its bytes.
    expect(server.requests.map((r) => r.verdict.tokenOk)).toEqual([true, true]);
    // Personal values of the kind's bodies are masked like any other case's.
    expect(stringifyJson(first!.request)).not.toContain(String(CASES[0]!.request.body.bankAccount));
    expect(stringifyJson(first!.request)).toContain("********5557");

    const terminal = renderTerminalReport(report);
    expect(terminal).toContain("probe:bank:003  probe 200");
    expect(renderJunitReport(report)).toContain('<testsuite name="konaplate.conformance.probe" tests="2"');
    const html = renderHtmlReport(report);
    expect(html).toContain('<h2 id="probe-cases">Probe cases</h2>');
    expect(html).toContain('<table class="cases" data-kind="probe">');
  });

  it("takes nothing with it when it goes: the registry is as before", () => {
    register();
    unregister.splice(0).forEach((off) => off());
    expect(caseKinds().map((k) => k.name)).toEqual(["documented", "refusal"]);
    expect(() => parseArgs(["--kind", "probe"])).toThrow(/--kind must be one of documented, refusal, got "probe"/);
    expect(() => selectRun({ credentials: CREDENTIALS, only: ["probe:*"] })).toThrow(/unknown case id probe:\*/);
  });

  it("a kind or check of a name already taken is refused", () => {
    expect(() => registerKind({ ...probeKind, name: "refusal" })).toThrow(/kind named refusal is registered already/);
    expect(() => registerCheck({ name: "code", severity: () => "error", run: () => ({ ok: true, message: "" }) })).toThrow(/check named code is registered already/);
  });

  it("a run-wide check joins every case of every kind while the run turns it on", async () => {
    unregister.push(registerCheck({ name: "probe-everywhere", everyCase: (run) => !run.mock, severity: () => "error", run: () => ({ ok: true, message: "seen" }) }));
    expect(checkNamesFor(["refused"], { mock: false })).toEqual(["answered", "refused", "probe-everywhere"]);
    expect(checkNamesFor(["refused"], { mock: true })).toEqual(["answered", "refused"]);
    const cases = selectRun({ credentials: CREDENTIALS, only: ["success", "refuse:body:empty"] });
    const report = await runConformance({ target: server.url, credentials: CREDENTIALS, cases });
    for (const c of report.cases) expect(c.checks.at(-1)).toMatchObject({ name: "probe-everywhere", ok: true });
  });
});
