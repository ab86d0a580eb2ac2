// Both pages as a person sees them: opened in Debian's headless Chromium, with every request that
// would leave the machine recorded and refused.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../conformance/cli.js";
import type { Report } from "../conformance/report.js";
import { BANK_CODES, BANKS, CASES, CODE_MESSAGES, DOCUMENTED_CODES, OPERATION, REQUEST_HEADERS } from "../generated/contract.js";
import { buildReferenceDocs } from "../scripts/lib/reference-docs.js";
import { parseJson, stringifyJson } from "../src/json.js";
import { launchBrowser, openOffline, type OfflinePage } from "./support/browser.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";

const SECRET_KEY = "browser-test-secret-key";
const BROKEN_CASE = "002_003";
const brokenBody = stringifyJson(CASES.find((c) => c.id === BROKEN_CASE)!.request.body);
const RAW_PERSONAL_DATA = ["333015555557", "김코나", "19751112"];

const silent = () => new Writable({ write: (_chunk, _enc, done) => done() });

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "konaplate-browser-"));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report.html of a real run with one case broken", () => {
  let server: FaithfulServer;
  let report: Report;
  let view: OfflinePage;

  beforeAll(async () => {
    server = await startFaithfulServer({
      secretKey: SECRET_KEY,
      // A server that answers the name mismatch case with the wrong code.
      respond: (request) =>
        stringifyJson(request.body) === brokenBody
          ? { status: 400, body: { response: { code: "002_004", description: CODE_MESSAGES["002_004"].message } } }
          : undefined,
    });
    const env = {
      KONAPLATE_ASP_ID: "KONAPLATEASP001",
      KONAPLATE_ACCESS_KEY: "AK00000000000000000000000000000000000001",
      KONAPLATE_SECRET_KEY: SECRET_KEY,
      KONAPLATE_TIME_ZONE: "KST",
    };
    const reportDir = join(dir, "report");
    const exit = await main(["--target", server.url, "--report-dir", reportDir], env, { stdout: silent(), stderr: silent() });
    expect(exit).toBe(1);
    report = parseJson(readFileSync(join(reportDir, "report.json"), "utf8")) as Report;
    view = await openOffline(browser, join(reportDir, "report.html"));
  });

  afterAll(async () => {
    await view?.close();
    await server?.close();
  });

  it("says the outcome in its title", async () => {
    expect(report.summary).toEqual({ total: 13, passed: 12, failed: 1 });
    expect(await view.page.title()).toBe("Konaplate conformance — 12 passed, 1 failed");
  });

  it("has one row per case, in catalog order", async () => {
    const ids = await view.page.locator("tr[data-case-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-case-id")));
    expect(ids).toEqual(CASES.map((c) => c.id));
  });

  it("highlights the failed row and shows its failed check's message", async () => {
    const failed = view.page.locator(`tr[data-case-id="${BROKEN_CASE}"]`);
    const passed = view.page.locator('tr[data-case-id="success"]');
    expect(await failed.getAttribute("data-status")).toBe("failed");
    const look = (row: typeof failed) => row.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await look(failed)).not.toBe(await look(passed));
    const verdictColour = (row: typeof failed) => row.locator(".verdict").evaluate((el) => getComputedStyle(el).color);
    expect(await verdictColour(failed)).not.toBe(await verdictColour(passed));

    const failedChecks = report.cases.find((c) => c.id === BROKEN_CASE)!.checks.filter((c) => !c.ok && c.severity !== "warning");
    expect(failedChecks.length).toBeGreaterThan(0);
    for (const check of failedChecks) {
      const item = failed.locator(`li.check-failed[data-check="${check.name}"]`);
      await expect.poll(() => item.isVisible()).toBe(true);
      expect(await item.innerText()).toContain(check.message);
    }
    expect(await failed.innerText()).toContain("002_004");
  });

  it("shows no raw personal data, even with every detail opened", async () => {
    await view.page.locator("details").evaluateAll((all) => all.forEach((d) => d.setAttribute("open", "")));
    const text = await view.page.locator("body").innerText();
    const html = await view.page.content();
    expect(text).toContain("Request body");
    for (const raw of RAW_PERSONAL_DATA) {
      expect(text).not.toContain(raw);
      expect(html).not.toContain(raw);
    }
    expect(html).not.toContain("AK00000000000000000000000000000000000001");
  });

  it("draws one latency bar per case, the failed one in another colour", async () => {
    const bars = view.page.locator("svg.latency-chart rect.bar");
    expect(await bars.count()).toBe(13);
    const fill = (selector: string) => view.page.locator(selector).first().evaluate((el) => getComputedStyle(el).fill);
    expect(await fill("rect.bar-failed")).not.toBe(await fill("rect.bar-passed"));
    expect(await view.page.locator("svg.latency-chart title").first().textContent()).toMatch(/latency/i);
  });

  it("fetched nothing from the network", () => {
    expect(view.outsideRequests).toEqual([]);
    expect(view.refusedByPolicy).toEqual([]);
  });
});

describe("the API reference page", () => {
  let view: OfflinePage;

  beforeAll(async () => {
    const file = await buildReferenceDocs(join(dir, "docs", "index.html"));
    view = await openOffline(browser, file);
    // Redoc renders client-side: open the operation from the overview, then wait for it.
    await view.page.locator("a", { hasText: OPERATION.path }).first().click();
    await view.page.getByText("Responses", { exact: true }).first().waitFor();
  });

  afterAll(async () => {
    await view?.close();
  });

  const pageText = () => view.page.locator("body").innerText();

  it("shows the endpoint and every request header", async () => {
    const text = await pageText();
    expect(text).toContain(OPERATION.path);
    for (const header of REQUEST_HEADERS) expect(text).toContain(header.name);
  });

  it("lists all 29 bank codes with their names", async () => {
    const text = await pageText();
    expect(BANK_CODES).toHaveLength(29);
    for (const code of BANK_CODES) {
      expect(text).toContain(code);
      expect(text).toContain(`${BANKS[code].ko} — ${BANKS[code].en}`);
    }
  });

  it("shows every documented response code with its message", async () => {
    await view.page.getByRole("tab", { name: "400", exact: true }).first().click();
    await view.page.getByText("002_009", { exact: true }).first().waitFor();
    const text = await pageText();
    for (const code of DOCUMENTED_CODES) {
      expect(text).toContain(code);
      expect(text).toContain(CODE_MESSAGES[code].message);
    }
  });

  it("offers every documented case as an example", async () => {
    await view.page.locator("button", { hasText: CASES[0]!.title }).first().click();
    const items = await view.page.getByRole("menuitem").allInnerTexts();
    for (const c of CASES) expect(items.map((t) => t.trim())).toContain(c.title);
    await view.page.keyboard.press("Escape");
  });

  it("fetched nothing from the network", () => {
    expect(view.outsideRequests).toEqual([]);
  });
});
