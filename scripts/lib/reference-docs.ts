// The offline API reference page: Redocly's build-docs with the Redoc bundle inlined, then checked
// so that nothing in it is fetched from the network (integrators open it behind firewalls).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ROOT, SPEC_PATH } from "../../common/package-files.js";
import { isObject, readSpec, resolvePointer, stringifyExact, type Json, type JsonObject } from "./spec-source.js";

const run = promisify(execFile);

/** Redoc options: schemas and samples fully expanded so codes, banks and discrepancies show without clicks. */
const REDOC_OPTIONS = { schemasExpansionLevel: "all", jsonSamplesExpandLevel: "all", showExtensions: true };

// The inlined bundle still names Redocly's CDN for its "API docs by" logo; an image that fails to
// load is hidden by Redoc, so `data:,` keeps the page quiet and offline.
const CDN_ASSET = /https:\/\/cdn\.redoc(?:ly)?\.(?:ly|com)\/[^\s"'`)<>]*/g;

/** Markup that would make a browser fetch something: what the page must not contain. */
const FETCHING_MARKUP: readonly [string, RegExp][] = [
  ["<link> to a resource", /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\//i],
  ["<script src>", /<script\b[^>]*\bsrc\s*=/i],
  ["CSS @import of a URL", /@import\s+(?:url\()?["']?(?:https?:)?\/\//i],
  ["CSS url() to the network", /url\(\s*["']?(?:https?:)?\/\//i],
  ["web font host", /fonts\.(?:googleapis|gstatic)\.com/i],
  ["Redocly CDN", /cdn\.redoc(?:ly)?\.(?:ly|com)/i],
];

export function offlineProblems(html: string): string[] {
  return FETCHING_MARKUP.filter(([, pattern]) => pattern.test(html)).map(([what]) => what);
}

export function makeOffline(html: string): string {
  return honestFooter(html.replace(CDN_ASSET, "data:,").replace('<meta charset="utf8" />', '<meta charset="utf-8" />'));
}

// The sidebar footer reads "API docs by" and relies on Redocly's logo image to finish the sentence;
// offline the logo cannot load, so the words say who made the page, in the markup and in the bundle
// that re-renders it.
const FOOTER_WORDS = "API docs by";
const FOOTER_HONEST = "API docs by Redocly";
const FOOTER_SPOTS: readonly [RegExp, string][] = [
  [/<p>API docs by<\/p>/g, `<p>${FOOTER_HONEST}</p>`],
  [/children:`API docs by`/g, `children:\`${FOOTER_HONEST}\``],
];

export function honestFooter(html: string): string {
  const out = FOOTER_SPOTS.reduce((text, [spot, words]) => text.replace(spot, words), html);
  const unfinished = out.split(FOOTER_WORDS).slice(1).filter((rest) => !rest.startsWith(FOOTER_HONEST.slice(FOOTER_WORDS.length)));
  if (unfinished.length) throw new Error(`the page's footer still reads "${FOOTER_WORDS}" with nothing after it (${unfinished.length} place(s)): Redoc's markup changed`);
  return out;
}

// Markdown would read `<17 digits>` as an HTML tag and drop it; a `|` would end the cell.
const mdCell = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\|/g, "\\|");

/** `x-konaplate-discrepancy` as the reader should see it: a small table, not a JSON blob. */
export function discrepancyTable(d: { topic?: unknown; sources?: unknown; decision?: unknown }): string {
  const sources = isObject(d.sources as Json) ? Object.entries(d.sources as JsonObject) : [];
  return [
    `**Where the sources disagree: ${mdCell(String(d.topic ?? ""))}**`,
    "",
    "| Source | What it says |",
    "|---|---|",
    ...sources.map(([source, says]) => `| ${mdCell(source)} | ${mdCell(String(says))} |`),
    `| **this contract** | ${mdCell(String(d.decision ?? ""))} |`,
  ].join("\n");
}

/**
 * The spec reshaped for Redoc, meaning unchanged: discrepancies become tables in the description
 * (Redoc prints object-valued extensions as raw JSON), and `if: {required: [encData]}` with
 * then/else becomes the `oneOf` of its two forms (Redoc does not draw if/then/else at all, so the
 * request body and the answers would vanish from the page). A header shows its own description, not
 * its schema's, so a discrepancy on a referenced header schema is shown with the header.
 */
export function forReaders(doc: JsonObject): JsonObject {
  const referencedDiscrepancy = (node: JsonObject): JsonObject | undefined => {
    const schema = node.schema;
    if (!isObject(schema) || typeof schema.$ref !== "string" || !schema.$ref.startsWith("#/")) return undefined;
    const target = resolvePointer(doc, schema.$ref);
    return isObject(target) && isObject(target["x-konaplate-discrepancy"]) ? target["x-konaplate-discrepancy"] : undefined;
  };
  const walk = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "x-konaplate-discrepancy" || key === "if" || key === "then" || key === "else") continue;
      out[key] = walk(value);
    }
    const own = typeof node.description === "string" ? node.description.trimEnd() : "";
    const direct = node["x-konaplate-discrepancy"];
    const referenced = referencedDiscrepancy(node);
    if (isObject(direct)) out.description = [own, discrepancyTable(direct)].filter(Boolean).join("\n\n");
    else if (referenced && node.in === "header") out.description = [own, discrepancyTable(referenced)].filter(Boolean).join("\n\n");
    // A table in a response header's description stops Redoc 3 from drawing the answer's body
    // below it; one line points to the request header's table instead.
    else if (referenced) out.description = [own, `**Where the sources disagree:** ${mdCell(String(referenced.topic))} (see the request header).`].filter(Boolean).join("\n\n");
    if (node.if !== undefined && node.then !== undefined && node.else !== undefined) {
      // "X if it is X, else Y" reads as X or Y, X first; "if encData then encrypted, else plain"
      // reads as one of the forms, the plain one first.
      const sameAsCondition = JSON.stringify(node.if) === JSON.stringify(node.then);
      if (sameAsCondition) out.anyOf = [walk(node.then), walk(node.else)];
      else out.oneOf = [walk(node.else), walk(node.then)];
    }
    return out;
  };
  return walk(doc) as JsonObject;
}

/** `path = digits` for every integer in `value` that a JavaScript number would round. */
function unsafeIntegers(value: Json, path = ""): string[] {
  if (typeof value === "bigint") return value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER) ? [`${path || "value"} = ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeIntegers(v, `${path}[${i}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => unsafeIntegers(v, path ? `${path}.${k}` : k));
  return [];
}

/**
 * Redoc holds the spec as JavaScript numbers, so it shows 9007199254740993 as 9007199254740992.
 * The page cannot show those digits; each example that has such a number says so, with the exact value.
 */
export function withExactValueNotes(doc: JsonObject): JsonObject {
  const walk = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: JsonObject = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    if ("value" in node && ("summary" in node || "description" in node)) {
      const exact = unsafeIntegers(node.value!);
      if (exact.length) {
        const note = `This page shows integers past 2^53-1 rounded (JavaScript numbers); the exact values are ${exact.map((e) => `\`${e}\``).join(", ")}.`;
        out.description = [typeof node.description === "string" ? node.description.trimEnd() : "", note].filter(Boolean).join("\n\n");
      }
    }
    return out;
  };
  return walk(doc) as JsonObject;
}

/** Builds the reference page for `spec` into `output`; throws naming what would still go online. */
export async function buildReferenceDocs(output: string, spec = SPEC_PATH): Promise<string> {
  mkdirSync(dirname(output), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "konaplate-docs-"));
  try {
    const annotated = join(scratch, "openapi.json");
    writeFileSync(annotated, stringifyExact(forReaders(withExactValueNotes(readSpec(spec)))));
    return await buildPage(annotated, output);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildPage(spec: string, output: string): Promise<string> {
  const redocly = `${ROOT}node_modules/.bin/redocly`;
  const args = ["build-docs", spec, "--output", output, "--inlineBundle", "--openapi", JSON.stringify(REDOC_OPTIONS)];
  // Telemetry off: otherwise the page is built with browser telemetry enabled and the CLI phones home.
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  try {
    await run(redocly, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`redocly build-docs failed: ${stderr.trim() || String(err)}`);
  }
  const html = makeOffline(readFileSync(output, "utf8"));
  const problems = offlineProblems(html);
  if (problems.length) throw new Error(`${output} would load from the network: ${problems.join(", ")}`);
  writeFileSync(output, html);
  return output;
}
