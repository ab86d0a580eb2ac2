// A suite that cannot fail is worthless: against servers that each break one rule, the run must
// exit 1, name the case and the failing check, say exactly what it saw, and still write every report.
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../mock/prism.js";
import type { CaseReport, Report } from "../conformance/report.js";
import { removeRunDirs, runCli, TEST_ENV, xmlProblems, type CliRun } from "./support/conformance-run.js";
import { startAnswerFault, startTransportFault, type AnswerFault, type TestServer, type TransportFault } from "./support/fault-servers.js";

afterAll(removeRunDirs);

const TWO_CASES = ["--only", "success,002_003"];

async function against(server: TestServer | { url: string; close(): Promise<void> }, extra: string[] = []): Promise<CliRun> {
  try {
    const only = extra.includes("--only") ? [] : TWO_CASES;
    return await runCli(["--target", server.url, ...only, ...extra], TEST_ENV);
  } finally {
    await server.close();
  }
}

function caseOf(report: Report | undefined, id: string): CaseReport {
  const found = report?.cases.find((c) => c.id === id);
  if (!found) throw new Error(`case ${id} missing from report.json`);
  return found;
}

function check(c: CaseReport, name: string) {
  const found = c.checks.find((k) => k.name === name);
  if (!found) throw new Error(`check ${name} missing from case ${c.id}`);
  return found;
}

function expectFailure(run: CliRun, id: string, checkName: string, fragment: string): void {
  expect(run.code).toBe(1);
  const c = caseOf(run.report, id);
  expect(c.status).toBe("failed");
  const k = check(c, checkName);
  expect(k.ok).toBe(false);
  expect(k.message).toContain(fragment);
  // Every check is listed, even after a fault, in the stable order.
  expect(c.checks.map((x) => x.name)).toEqual(["answered", "status", "content-type", "body-parses", "body-schema", "code", "response-headers", "correlation-echo"]);
  // Every report is written whatever the fault; junit names the failing check.
  expect(Object.keys(run.files).sort()).toEqual(["junit.xml", "report.html", "report.json"]);
  expect(xmlProblems(run.files["junit.xml"]!)).toEqual([]);
  expect(run.files["junit.xml"]).toContain(`${checkName}: `);
  expect(run.stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ passed, [1-9]\d* failed$/);
}

const transportFaults: [TransportFault, string, string, string][] = [
  ["reset", "success", "answered", "connection reset by the server (ECONNRESET)"],
  ["html", "002_003", "body-parses", "body is HTML, not JSON"],
  ["empty", "success", "body-parses", "empty body"],
  ["status-500", "002_003", "body-schema", "status 500 is not documented"],
  ["json-as-text", "002_003", "content-type", "expected application/json, got text/plain"],
  ["no-correlation-header", "002_003", "response-headers", "X-KM-Correlation-Id is required"],
];

describe("transport and framing faults", () => {
  it.each(transportFaults)("%s: %s fails %s", async (fault, id, checkName, fragment) => {
    const run = await against(await startTransportFault(fault));
    expectFailure(run, id, checkName, fragment);
  });

  it("500: the status check fails too, naming both statuses", async () => {
    const run = await against(await startTransportFault("status-500"));
    expect(check(caseOf(run.report, "002_003"), "status").message).toBe("expected status 400, got 500");
  });

  it("html: a wrong content type and status are reported beside the parse failure", async () => {
    const run = await against(await startTransportFault("html"));
    const c = caseOf(run.report, "success");
    expect(check(c, "content-type").message).toBe("expected application/json, got text/html");
    expect(check(c, "body-schema").message).toBe("not checked: body did not parse");
  });

  it("hang: the case fails after the timeout, the run returns and every check is listed", async () => {
    const run = await against(await startTransportFault("hang"), ["--timeout", "500"]);
    expectFailure(run, "success", "answered", "no answer within 500 ms");
    const c = caseOf(run.report, "002_003");
    expect(c.checks.slice(1).every((k) => !k.ok && k.message === "not checked: no answer")).toBe(true);
    // Bounded by the timeout (a generous multiple, not a speed goal): no case waits for the hang.
    expect(c.observed.durationMs).toBeLessThan(5_000);
    expect(c.observed.status).toBeNull();
  });

  it("refused: nothing listens on the port", async () => {
    const port = await freePort();
    const run = await runCli(["--target", `http://127.0.0.1:${port}`, ...TWO_CASES], TEST_ENV);
    expectFailure(run, "002_003", "answered", "connection refused");
  });
});

const answerFaults: [AnswerFault, string, string, string][] = [
  ["wrong-code", "002_003", "code", "expected code 002_003, got 002_007"],
  ["200-for-error", "002_003", "status", "expected status 400, got 200"],
  ["malformed-correlation-header", "002_003", "response-headers", "X-KM-Correlation-Id must"],
  ["missing-envelope", "002_003", "body-schema", "response is required"],
  ["description-number", "002_003", "body-schema", "response.description must be string"],
];

describe("contract faults of an otherwise faithful server", () => {
  it.each(answerFaults)("%s: %s fails %s", async (fault, id, checkName, fragment) => {
    const run = await against(await startAnswerFault(fault, TEST_ENV.KONAPLATE_SECRET_KEY));
    expectFailure(run, id, checkName, fragment);
  });

  it("200 for an error: the code check names the code received as well", async () => {
    const run = await against(await startAnswerFault("200-for-error", TEST_ENV.KONAPLATE_SECRET_KEY));
    expect(check(caseOf(run.report, "002_003"), "code").message).toBe("expected code 002_003, got 000_000");
    expect(caseOf(run.report, "success").status).toBe("passed");
  });

  it("missing envelope: the code check says there is no code", async () => {
    const run = await against(await startAnswerFault("missing-envelope", TEST_ENV.KONAPLATE_SECRET_KEY));
    expect(check(caseOf(run.report, "002_003"), "code").message).toBe("no response.code (string) in the body");
  });

  it("a correlation id not echoed is a warning only: the case still passes", async () => {
    const run = await against(await startAnswerFault("other-correlation-id", TEST_ENV.KONAPLATE_SECRET_KEY), ["--only", "success"]);
    expect(run.code).toBe(0);
    const success = caseOf(run.report, "success");
    expect(success.status).toBe("passed");
    expect(check(success, "correlation-echo")).toMatchObject({ ok: false, severity: "warning" });
    expect(check(success, "correlation-echo").message).toContain("not echoed");
    // A case with a warning gets a reproduce command too, shown in junit.xml's output (the target is
    // named, so it never falls back to the embedded mock).
    expect(success.reproduce).toBe(`npx --no-install konaplate-conformance --only success --target ${run.report!.target} --report-dir ${run.dir}/reproduce`);
    expect(run.files["junit.xml"]).toContain(`reproduce: ${success.reproduce}\nRun a reproduce command from the folder this run was started in`);
  });
});
