// The per-case latency chart of report.html: inline SVG (no script, no external resource), one
// horizontal bar per case so long case ids stay readable, failed cases coloured apart.
import type { CaseReport } from "../report.js";
import { escapeHtml } from "./html-escape.js";

const LABEL_WIDTH = 150;
const PLOT_WIDTH = 560;
const VALUE_WIDTH = 80;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const TOP = 34;
const AXIS_HEIGHT = 40;

/** A round tick step (1, 2 or 5 × 10^n) giving about five ticks up to `max`. */
export function tickStep(max: number): number {
  if (!(max > 0)) return 1;
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
  return step ?? 10 * magnitude;
}

const ms = (value: number) => (value >= 100 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1));

/** `limitMs` (--max-response-time) is drawn as a dashed line across the bars. */
export function renderLatencyChart(cases: readonly CaseReport[], limitMs?: number): string {
  const longest = Math.max(0, ...cases.map((c) => c.observed.durationMs));
  const reach = Math.max(longest, limitMs ?? 0);
  const step = tickStep(reach);
  const axisMax = Math.max(step, Math.ceil(reach / step) * step);
  const x = (value: number) => LABEL_WIDTH + (Math.max(0, value) / axisMax) * PLOT_WIDTH;
  const plotBottom = TOP + cases.length * (BAR_HEIGHT + BAR_GAP);
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const height = plotBottom + AXIS_HEIGHT;
  const failed = cases.filter((c) => c.status === "failed").length;

  const bars = cases.map((c, i) => {
    const y = TOP + i * (BAR_HEIGHT + BAR_GAP);
    const barWidth = Math.max(1, x(c.observed.durationMs) - LABEL_WIDTH);
    const label = `${c.id}: ${ms(c.observed.durationMs)} ms, ${c.status}`;
    return [
      `<g class="bar-row" data-case-id="${escapeHtml(c.id)}" data-status="${c.status}">`,
      `<text class="bar-label" x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT - 5}" text-anchor="end">${escapeHtml(c.id)}</text>`,
      `<rect class="bar bar-${c.status}" x="${LABEL_WIDTH}" y="${y}" width="${barWidth.toFixed(1)}" height="${BAR_HEIGHT}"><title>${escapeHtml(label)}</title></rect>`,
      `<text class="bar-value" x="${(LABEL_WIDTH + barWidth + 6).toFixed(1)}" y="${y + BAR_HEIGHT - 5}">${ms(c.observed.durationMs)} ms</text>`,
      `</g>`,
    ].join("");
  });

  const ticks: string[] = [];
  for (let value = 0; value <= axisMax + step / 2; value += step) {
    const tx = x(value).toFixed(1);
    ticks.push(
      `<line class="grid" x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${plotBottom}"/>` +
        `<text class="tick" x="${tx}" y="${plotBottom + 16}" text-anchor="middle">${ms(value)}</text>`,
    );
  }

  const limit =
    limitMs === undefined
      ? []
      : [
          `<line class="limit" x1="${x(limitMs).toFixed(1)}" y1="${TOP - 6}" x2="${x(limitMs).toFixed(1)}" y2="${plotBottom}"><title>limit: ${ms(limitMs)} ms (--max-response-time)</title></line>`,
        ];
  const description =
    `Horizontal bar chart of the response time of each of ${cases.length} cases in milliseconds; ` +
    `${failed} failed case${failed === 1 ? "" : "s"} drawn in red, passed cases in green. Longest: ${ms(longest)} ms.` +
    (limitMs === undefined ? "" : ` A dashed line marks the limit of ${ms(limitMs)} ms.`);
  return [
    `<svg class="latency-chart" role="img" aria-labelledby="latency-title latency-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title id="latency-title">Latency per case (ms)</title>`,
    `<desc id="latency-desc">${escapeHtml(description)}</desc>`,
    `<text class="chart-heading" x="${LABEL_WIDTH}" y="16">Latency per case${limitMs === undefined ? "" : ` (dashed line: the limit, ${ms(limitMs)} ms)`}</text>`,
    ...ticks,
    `<line class="axis" x1="${LABEL_WIDTH}" y1="${plotBottom}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y2="${plotBottom}"/>`,
    ...bars,
    ...limit,
    `<text class="axis-title" x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${plotBottom + 34}" text-anchor="middle">time (ms)</text>`,
    `</svg>`,
  ].join("\n");
}
