// Both pages as a person sees them: opened in Debian's headless Chromium, with every request that
// would leave the machine recorded and refused.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Writable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../conformance/cli.js";
import type { Report } from "../conformance/report.js";
import { BANK_CODES, BANKS, CASES, CODE_MESSAGES, DOCUMENTED_CODES, OPERATION, REQUEST_HEADERS } from "../generated/contract.js";
import { buildModel } from "../scripts/lib/contract-model.js";
import { buildReferenceDocs, discrepancyTable, forReaders, honestFooter, makeOffline, offlineProblems, withExactValueNotes } from "../scripts/lib/reference-docs.js";
import { readSpec } from "../scripts/lib/spec-source.js";
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
    const exit = await main(["--target", server.url, "--kind", "documented", "--report-dir", reportDir], env, { stdout: silent(), stderr: silent() });
    expect(exit).toBe(1);
    report = parseJson(readFileSync(join(reportDir, "report.json"), "utf8")) as Report;
    view = await openOffline(browser, join(reportDir, "report.html"));
  });

  afterAll(async () => {
    await view?.close();
    await server?.close();
  });

  it("says the outcome in its title", async () => {
    expect(report.summary).toEqual({ total: 13, passed: 12, failed: 1, skipped: 0, warned: 0 });
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

  it("copies the failed case's reproduce command with its Copy button: the page's one script, allowed by its hash", async () => {
    const command = report.cases.find((c) => c.id === BROKEN_CASE)!.reproduce!;
    expect(command).toMatch(/^npx --no-install konaplate-conformance --only 002_003 --target /);
    const row = view.page.locator(`tr[data-case-id="${BROKEN_CASE}"]`);
    const field = row.locator("input.reproduce-command");
    expect(await field.inputValue()).toBe(command);
    expect(await field.evaluate((el) => (el as HTMLInputElement).readOnly)).toBe(true);
    await view.page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const button = row.locator("button.copy");
    // Shown by the script: a refused script would leave it hidden.
    await expect.poll(() => button.isVisible()).toBe(true);
    await button.click();
    await expect.poll(() => button.innerText()).toBe("Copied");
    expect(await view.page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    expect(await view.page.locator("button.copy").count()).toBe(1);
    expect(await view.page.locator("dd.reproduce-note").innerText()).toContain("KONAPLATE_ACCESS_KEY, KONAPLATE_SECRET_KEY");
  });

  it("without script, the command is still there to select, and no dead button shows", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(join(dir, "report", "report.html")).href);
      const row = page.locator(`tr[data-case-id="${BROKEN_CASE}"]`);
      expect(await row.locator("input.reproduce-command").isVisible()).toBe(true);
      expect(await row.locator("button.copy").isVisible()).toBe(false);
    } finally {
      await context.close();
    }
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
    // Redoc routes each operation to #/<tag>/<operationId in lower case> and renders it client-side.
    const spec = JSON.parse(readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8")) as {
      paths: Record<string, Record<string, { tags: string[] }>>;
    };
    const tag = spec.paths[OPERATION.path]![OPERATION.method.toLowerCase()]!.tags[0]!;
    view = await openOffline(browser, file, `#/${tag}/${OPERATION.operationId.toLowerCase()}`);
    await view.page.getByText("Responses", { exact: true }).first().waitFor();
  });

  afterAll(async () => {
    await view?.close();
  });

  // Redoc 3 sometimes leaves a nested schema empty after a tab switch although it shows as expanded;
  // its own "Collapse all" / "Expand all" button redraws it, as a reader would do.
  const redrawSchemas = async () => {
    const toggle = view.page.locator('[data-testid="schema-expand-all-button"]:visible').first();
    if ((await toggle.count()) === 0) return;
    await toggle.click();
    if (/expand/i.test(await toggle.innerText())) await toggle.click();
  };

  /** Polls until the page shows every one of `wanted` (Redoc renders after load); the rest on failure. */
  const expectShown = async (wanted: readonly string[], redraw = false) => {
    const body = view.page.locator("body");
    await expect.poll(async () => {
      const text = await body.innerText();
      const missing = wanted.filter((w) => !text.includes(w));
      if (missing.length && redraw) await redrawSchemas();
      return missing;
    }, { timeout: 10_000 }).toEqual([]);
  };

  it("shows the endpoint and every request header", async () => {
    await expectShown([OPERATION.path, ...REQUEST_HEADERS.map((h) => h.name)]);
  });

  it("lists all 29 bank codes with their names", async () => {
    expect(BANK_CODES).toHaveLength(29);
    await expectShown(BANK_CODES.flatMap((code) => [code, `${BANKS[code].ko} — ${BANKS[code].en}`]));
  });

  it("shows every documented response code with its message", async () => {
    // A click before Redoc has hydrated the server-rendered markup does nothing: click until selected.
    const tab = view.page.getByRole("tab", { name: "400", exact: true }).first();
    await expect.poll(async () => {
      await tab.click();
      return tab.getAttribute("aria-selected");
    }, { timeout: 10_000 }).toBe("true");
    await expectShown(DOCUMENTED_CODES.flatMap((code) => [code, `${CODE_MESSAGES[code].message} — ${CODE_MESSAGES[code].ko}`]), true);
  });

  it("offers every documented case as an example", async () => {
    const picker = view.page.locator("button", { hasText: CASES[0]!.title }).first();
    const menu = view.page.getByRole("menuitem");
    await expect.poll(async () => {
      if ((await menu.count()) === 0) await picker.click();
      const items = (await menu.allInnerTexts()).map((t) => t.trim());
      return CASES.map((c) => c.title).filter((title) => !items.includes(title));
    }, { timeout: 10_000 }).toEqual([]);
    await view.page.keyboard.press("Escape");
  });

  it("states the exact digits of the 2^53+1 userId that Redoc can only show rounded", async () => {
    const userId = String((CASES[0]!.request.body as { userId: bigint }).userId);
    expect(BigInt(userId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    await expectShown([`userId = ${userId}`]);
  });

  it("finishes the sidebar footer's sentence: it names who made the page", async () => {
    const footer = view.page.locator('a[href="https://redocly.com/redoc/"]').first();
    await expect.poll(() => footer.innerText(), { timeout: 10_000 }).toBe("API docs by Redocly");
  });

  it("shows every discrepancy as a table of sources and the decision, never as raw JSON", async () => {
    const { discrepancies } = buildModel(readSpec());
    expect(discrepancies.length).toBeGreaterThanOrEqual(7);
    await expectShown(discrepancies.map((d) => `Where the sources disagree: ${d.topic}`), true);
    const tables = await view.page.locator("table").evaluateAll((all) =>
      all.map((t) => Array.from(t.querySelectorAll("tr")).map((r) => Array.from(r.querySelectorAll("th,td")).map((c) => (c as HTMLElement).innerText.trim()))),
    );
    // Markdown code spans show without their backticks.
    const shown = (markdown: string) => markdown.replace(/`/g, "");
    for (const d of discrepancies) {
      const table = tables.find((rows) => rows.some((cells) => cells[0] === "this contract" && cells[1] === shown(d.decision)));
      expect(table, d.topic).toBeDefined();
      expect(table![0], d.topic).toEqual(["Source", "What it says"]);
      for (const [source, says] of Object.entries(d.sources)) expect(table, `${d.topic}: ${source}`).toContainEqual([source, shown(says)]);
    }
    const text = await view.page.locator("body").innerText();
    expect(text).not.toContain("konaplate-discrepancy");
    expect(text).not.toContain('"decision"');
  });

  // Last among the page's checks: it changes the examples on show, which the checks above read.
  it("shows the codeless cases' answers as placeholders, not as Konaplate's", async () => {
    const tab = (status: string) => view.page.getByRole("tab", { name: status, exact: true }).last();
    await expect.poll(async () => {
      await tab("400").click();
      return tab("400").getAttribute("aria-selected");
    }, { timeout: 10_000 }).toBe("true");
    const codeless = CASES.filter((c) => c.expected.code === null);
    expect(codeless.map((c) => c.id)).toEqual(["system-delay", "non-participant"]);
    const menu = view.page.getByRole("menuitem");
    for (const c of codeless) {
      // The answer panel's example picker: the only button naming a 400 title.
      const picker = view.page.locator("button", { hasText: /^400 - / }).last();
      const option = menu.filter({ hasText: c.title });
      await expect.poll(async () => {
        if ((await menu.count()) === 0) await picker.click();
        return option.count();
      }, { timeout: 10_000 }).toBe(1);
      await option.click();
      await expectShown(["Placeholder answer, not Konaplate's", "PLACEHOLDER: no code is documented for this case"]);
      expect(await picker.innerText()).toBe(c.title);
    }
    await tab("200").click();
  });

  it("fetched nothing from the network", () => {
    expect(view.outsideRequests).toEqual([]);
  });
});

describe("the reference page's reshaping for readers", () => {
  it("turns a discrepancy into a table that keeps <, & and | as text", () => {
    const table = discrepancyTable({ topic: "t", sources: { seed: "a | b", guideline: "KMV1:<17 digits> & c" }, decision: "d\ne" });
    expect(table.split("\n")).toEqual([
      "**Where the sources disagree: t**",
      "",
      "| Source | What it says |",
      "|---|---|",
      "| seed | a \\| b |",
      "| guideline | KMV1:&lt;17 digits&gt; &amp; c |".replace("&gt;", ">"),
      "| **this contract** | d e |",
    ]);
  });

  it("moves discrepancies into descriptions and draws if/then/else as the oneOf of its forms", () => {
    const doc = {
      a: { description: "kept", "x-konaplate-discrepancy": { topic: "t", sources: { seed: "s" }, decision: "d" } },
      b: { if: { required: ["encData"] }, then: { $ref: "#/enc" }, else: { $ref: "#/plain" }, description: "body" },
    };
    const out = forReaders(doc) as Record<string, Record<string, unknown>>;
    expect(out.a).toEqual({ description: `kept\n\n${discrepancyTable(doc.a["x-konaplate-discrepancy"])}` });
    expect(out.b).toEqual({ description: "body", oneOf: [{ $ref: "#/plain" }, { $ref: "#/enc" }] });
  });

  it("refuses a footer that would still end in nothing", () => {
    expect(honestFooter('<a><p>API docs by</p></a>children:`API docs by`')).toBe('<a><p>API docs by Redocly</p></a>children:`API docs by Redocly`');
    expect(() => honestFooter("<span>API docs by</span>")).toThrow(/footer/);
  });
});

describe("exact-value notes of the reference page", () => {
  it("adds the exact digits to an example whose integers a JavaScript number would round, and only to it", () => {
    const doc = {
      a: { summary: "big", value: { userId: 9007199254740993n, nested: [{ n: 12345678901234567890n }] } },
      b: { summary: "small", description: "kept", value: { userId: 9007199254740991n } },
    };
    const out = withExactValueNotes(doc) as typeof doc & { a: { description?: string } };
    expect(out.a.description).toContain("`userId = 9007199254740993`, `nested[0].n = 12345678901234567890`");
    expect(out.b).toEqual(doc.b);
  });
});

describe("offline check of the reference page", () => {
  it("names every kind of markup that would fetch from the network", () => {
    expect(offlineProblems('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">')).toEqual(["<link> to a resource", "web font host"]);
    expect(offlineProblems('<script type="module" src="https://cdn.redocly.com/redoc/v3/bundles/redoc.standalone.js"></script>')).toEqual(["<script src>", "Redocly CDN"]);
    expect(offlineProblems("<style>@import url(//example.com/a.css); b { background: url('https://x/y.png') }</style>")).toEqual(["CSS @import of a URL", "CSS url() to the network"]);
    expect(offlineProblems('<a href="https://redocly.com/redoc/">API docs by</a><svg xmlns="http://www.w3.org/2000/svg"></svg>')).toEqual([]);
  });

  it("replaces Redocly's CDN logo by an image that never loads from anywhere", () => {
    const html = makeOffline('src:e?`https://cdn.redoc.ly/redoc/logo-mini-full.svg`:`https://cdn.redoc.ly/redoc/logo-mini.svg`');
    expect(html).toBe("src:e?`data:,`:`data:,`");
    expect(offlineProblems(html)).toEqual([]);
  });
});
