import { describe, expect, it } from "vitest";
import { CASES } from "../generated/contract.js";
import { createHash } from "node:crypto";
import { CONTENT_SECURITY_POLICY, renderHtmlReport } from "../conformance/reporters/html.js";
import { tickStep } from "../conformance/reporters/latency-chart.js";
import { BROKEN_CASE, HOSTILE_MESSAGE, RAW_ACCESS_KEY, RAW_TRAN_TOKEN, sampleReport } from "./support/sample-report.js";
import type { CaseReport } from "../conformance/report.js";

const rowsOf = (html: string) => [...html.matchAll(/<tr class="case (\w+)" data-case-id="([^"]+)" data-status="(\w+)">/g)];
const rowFor = (html: string, id: string) => {
  const start = html.search(new RegExp(`<tr class="case \\w+" data-case-id="${id}"`));
  if (start < 0) throw new Error(`no row for ${id}`);
  return html.slice(start, html.indexOf("</tr>", start));
};

describe("renderHtmlReport", () => {
  it("names the outcome in the page title and the summary", () => {
    const html = renderHtmlReport(sampleReport());
    expect(html).toContain("<title>Konaplate conformance — 12 passed, 1 failed</title>");
    expect(html).toContain('<meta charset="utf-8">');
    // The sample's success case passed with a warning: counted beside the passed ones, and listed.
    expect(html).toMatch(/13 total<\/span>, <span class="count-passed">12 passed<\/span> <span class="count-warned">\(1 with warnings\)<\/span>, <span class="count-failed">1 failed/);
    expect(html).toContain("<li><code>success</code>: correlation-echo</li>");
    expect(html).toContain("2026-11-27T10:15:00.000Z");
    expect(html).toContain("1.23 s");
  });

  it("writes one row per case in catalog order, with selectable id and status", () => {
    const rows = rowsOf(renderHtmlReport(sampleReport()));
    expect(rows.map((r) => r[2])).toEqual(CASES.map((c) => c.id));
    for (const [, cls, id, status] of rows) {
      expect(cls).toBe(status);
      expect(status).toBe(id === BROKEN_CASE ? "failed" : "passed");
    }
  });

  it("shows expected and observed outcome, and spells out the failed check with its message, escaped", () => {
    const html = renderHtmlReport(sampleReport());
    const row = rowFor(html, BROKEN_CASE);
    expect(row).toContain('<td class="expected">400 002_003</td>');
    expect(row).toContain('<span class="mismatch">400 002_004</span>');
    expect(row).toContain('<li class="check-failed" data-check="code"><strong>code</strong>');
    expect(row).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;");
    expect(html).not.toContain(HOSTILE_MESSAGE);
    expect(html).not.toMatch(/<script/i);
    expect(row).toContain('<td class="verdict">FAIL</td>');
  });

  it("shows warnings apart from failures, and they do not fail a case", () => {
    const html = renderHtmlReport(sampleReport());
    const row = rowFor(html, "success");
    expect(row).toContain('data-status="passed"');
    expect(row).toContain('<li class="check-warning" data-check="correlation-echo">');
    expect(row).not.toContain("check-failed");
    expect(row).toContain("2 of 3 checks passed, 1 warning");
  });

  it("keeps Korean titles as text and escapes a hostile target", () => {
    const report = sampleReport('http://evil.example/"><img src=x onerror=alert(1)>');
    const html = renderHtmlReport(report);
    expect(html).toContain("계좌의 예금주 실명과 회원의 실명이 다릅니다.");
    expect(html).not.toContain("<img");
    expect(html).toContain("http://evil.example/&#34;&#62;&#60;img src=x onerror=alert(1)&#62;");
  });

  it("never prints credential header values, whatever their case", () => {
    const report = sampleReport();
    report.cases[1]!.request!.headers["x-km-access-key"] = RAW_ACCESS_KEY;
    const html = renderHtmlReport(report);
    expect(html).not.toContain(RAW_ACCESS_KEY);
    expect(html).not.toContain(RAW_TRAN_TOKEN);
    expect(html).not.toContain(RAW_TRAN_TOKEN.slice(23));
    expect(html).toContain("X-KM-Access-Key: [redacted]");
    expect(html).toContain("x-km-access-key: [redacted]");
    expect(html).toContain("X-KM-Tran-Token: [redacted]");
    expect(html).toContain("X-KM-User-AspId: ASP000000000001");
  });

  it("references nothing outside the page: the only URL is the target, shown as text", () => {
    const target = "http://127.0.0.1:4010";
    const html = renderHtmlReport(sampleReport(target));
    expect(html).toContain(`<code class="target">${target}</code>`);
    const rest = html.split(target).join("");
    expect(rest).not.toMatch(/https?:\/\//i);
    expect(rest).not.toMatch(/<(script|link|img|iframe|object|embed)\b|@import|url\(|\bsrc=|\bhref=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]{43}='$/);
  });

  it("draws one labelled latency bar per case, failed bars apart, with an accessible title and description", () => {
    const html = renderHtmlReport(sampleReport());
    const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
    expect(svg.match(/<rect class="bar bar-/g)).toHaveLength(13);
    expect(svg.match(/<rect class="bar bar-failed"/g)).toHaveLength(1);
    expect(svg).toContain('<title id="latency-title">');
    expect(svg).toMatch(/<desc id="latency-desc">[^<]*13 cases[^<]*1 failed case /);
    expect(svg).toContain(`<text class="bar-label" x="142" y="`);
    for (const c of CASES) expect(svg).toContain(`>${c.id}</text>`);
    expect(svg).toContain(">time (ms)</text>");
    // widths follow the durations: the last (slowest) case has the widest bar
    const widths = [...svg.matchAll(/<rect class="bar [^"]+" x="\d+" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...widths)).toBe(widths[12]);
  });

  it("prints bigint userIds with every digit", () => {
    const report = sampleReport();
    (report.cases[0]!.request!.body as { userId: bigint }).userId = 9999999999999999999n;
    const html = renderHtmlReport(report);
    expect(html).toContain("&#34;userId&#34;:9999999999999999999");
    expect(html).toContain("&#34;userId&#34;:1000000001");
  });

  it("gives a failed case its reproduce command in a read-only field, escaped, and one script the policy allows by its hash", () => {
    const report = sampleReport();
    const broken = report.cases.find((c) => c.id === BROKEN_CASE)!;
    broken.reproduce = `npx konaplate-conformance --only 002_003 --cases 'qa/it'\\''s "cases".json' --report-dir '<out>/reproduce'`;
    report.reproduceEnvironment = ["KONAPLATE_ASP_ID", "KONAPLATE_SECRET_KEY"];
    const html = renderHtmlReport(report);
    expect(rowFor(html, BROKEN_CASE)).toContain(
      `<input class="reproduce-command" type="text" readonly spellcheck="false" value="npx konaplate-conformance --only 002_003 --cases &#39;qa/it&#39;\\&#39;&#39;s &#34;cases&#34;.json&#39; --report-dir &#39;&#60;out&#62;/reproduce&#39;" title="npx konaplate-conformance --only 002_003 --cases &#39;qa/it&#39;\\&#39;&#39;s &#34;cases&#34;.json&#39; --report-dir &#39;&#60;out&#62;/reproduce&#39;">`,
    );
    expect(rowFor(html, BROKEN_CASE)).toContain(`<button type="button" class="copy" hidden>Copy</button>`);
    expect(html.match(/class="reproduce-command"/g)).toHaveLength(1);
    expect(html).toContain("with KONAPLATE_ASP_ID, KONAPLATE_SECRET_KEY set as they were");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = createHash("sha256").update(scripts[0]!).digest("base64");
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'"`);
    // Without a command there is nothing to copy: no script at all.
    expect(renderHtmlReport(sampleReport())).not.toContain("<script");
  });

  it("shows the response-time limit beside every time, marks the answers over it, counts them and draws the limit", () => {
    const sample = sampleReport();
    // As the runner judges them: each case's check response-time; the first case over 100 ms of wall
    // time was within the limit once the runner's own busy time was left out.
    const slowButBusy = sample.cases.find((c) => c.observed.durationMs > 100)!.id;
    const judged = (c: CaseReport): CaseReport => {
      const ok = c.observed.durationMs <= 100 || c.id === slowButBusy;
      return { ...c, checks: [...c.checks, { name: "response-time", ok, message: ok ? "within 100 ms" : "over the 100 ms limit", severity: "error" }] };
    };
    const report = { ...sample, cases: sample.cases.map(judged), maxResponseTimeMs: 100 };
    const html = renderHtmlReport(report);
    const over = report.cases.filter((c) => c.observed.durationMs > 100 && c.id !== slowButBusy);
    expect(over.length).toBeGreaterThan(0);
    expect(over.length).toBeLessThan(report.cases.length);
    for (const c of report.cases) {
      const cell = `<td class="time">${Math.round(c.observed.durationMs)} ms <span class="limit${over.includes(c) ? " over" : ""}">(max 100)</span></td>`;
      expect(rowFor(html, c.id)).toContain(cell);
    }
    expect(html).toContain(`<span class="response-time-limit">100 ms per answer</span> (<code>--max-response-time</code>): ${over.length} case${over.length === 1 ? "" : "s"} over`);
    expect(html).toMatch(/<line class="limit" x1="[\d.]+"[^>]*><title>limit: 100 ms \(--max-response-time\)<\/title><\/line>/);
    expect(renderHtmlReport(sampleReport())).not.toContain('class="limit');
  });

  it("renders an empty run without failing", () => {
    const html = renderHtmlReport({ target: "t", startedAt: "s", durationMs: 0, summary: { total: 0, passed: 0, failed: 0, skipped: 0 }, cases: [] });
    expect(html).toContain("0 passed, 0 failed");
    expect(html).not.toContain("NaN");
    expect(html).not.toContain("Infinity");
  });
});

describe("tickStep", () => {
  it("picks 1, 2 or 5 times a power of ten for about five ticks", () => {
    expect(tickStep(0)).toBe(1);
    expect(tickStep(93)).toBe(20);
    expect(tickStep(110)).toBe(50);
    expect(tickStep(1000)).toBe(200);
    expect(tickStep(4.2)).toBe(1);
  });
});
