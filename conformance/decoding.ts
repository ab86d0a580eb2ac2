// Decoding: what a reader could turn back into a sent value without a key. The masking of reports
// (masking.ts) searches each string as it would read once every textual encoding is undone, and
// each base64 or hex run as what it decodes to.

/** HTML named entities a value (or a separator inside it) may be written with: punctuation and Latin-1. */
const LATIN1_NAMES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest " +
  "Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";
const NAMED_ENTITIES = new Map<string, string>([
  ...LATIN1_NAMES.split(" ").map((name, i) => [name, String.fromCharCode(0xa0 + i)] as [string, string]),
  ...Object.entries({
    amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", excl: "!", num: "#", dollar: "$", percnt: "%", lpar: "(", rpar: ")", ast: "*",
    plus: "+", comma: ",", period: ".", sol: "/", colon: ":", semi: ";", equals: "=", quest: "?", commat: "@", lsqb: "[", bsol: "\\",
    rsqb: "]", Hat: "^", lowbar: "_", grave: "`", lcub: "{", verbar: "|", rcub: "}", hyphen: "\u2010", dash: "\u2010", ndash: "\u2013",
    mdash: "\u2014", NewLine: "\n", Tab: "\t", ZeroWidthSpace: "\u200B", ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009",
  }),
]);
/** The entity name of a character, for spelling a value the way a server may have written it. */
export const ENTITY_OF_CHAR = new Map<string, string>();
for (const [name, c] of NAMED_ENTITIES) if (!ENTITY_OF_CHAR.has(c)) ENTITY_OF_CHAR.set(c, name);

const fromCodePoint = (cp: number, fallback: string) => (cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback);

function decodeOnce(text: string): string {
  return text
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})/g, (m, braced?: string, four?: string) => fromCodePoint(parseInt(braced ?? four!, 16), m))
    .replace(/&#[xX]([0-9a-fA-F]{1,6});?|&#([0-9]{1,7});?/g, (m, hex?: string, dec?: string) => fromCodePoint(hex ? parseInt(hex, 16) : Number(dec), m))
    .replace(/&([A-Za-z][A-Za-z0-9]{1,31});/g, (m, name: string) => NAMED_ENTITIES.get(name) ?? m)
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ""), "hex").toString("utf8"))
    .normalize("NFKC");
}

/** Every textual encoding undone, layer after layer (double URL encoding, `&amp;#51;`, ...). */
export function decodeLayers(text: string): string {
  if (!/[%&\\\u0080-\uFFFF]/.test(text)) return text; // plain ASCII without escapes: nothing to undo
  let out = text;
  for (let i = 0; i < 4; i++) {
    const next = decodeOnce(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Printable text (ASCII or any letter): what base64 of base64, or of a JSON fragment, decodes to. */
export const LOOKS_LIKE_TEXT = /^[\t\n\r\x20-\x7e\p{L}\p{N}\p{P}\p{Zs}]*$/u;

/** Runs that may be base64 (standard or URL-safe) or hex, line breaks inside removed. */
export function binaryRuns(text: string): string[] {
  if (text.length < 8) return [];
  const compact = text.replace(/(?:\s|\\[nrt])+/g, "");
  return [...compact.matchAll(/[A-Za-z0-9+/_-]{8,}/g)].map((m) => m[0]);
}

/** What a run decodes to, as base64 at every alignment (a prefix may be glued to it) and as hex. */
export function decodedRun(run: string): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 4 && run.length - offset >= 8; offset++) out.push(Buffer.from(run.slice(offset), "base64").toString("utf8"));
  for (const [hexRun] of run.matchAll(/[0-9a-fA-F]{12,}/g)) {
    for (let offset = 0; offset < 2; offset++) out.push(Buffer.from(hexRun.slice(offset), "hex").toString("utf8"));
  }
  return out;
}
