// Sent values as patterns: each character in any of its textual forms, anything a person would
// read past (spaces, dashes, line breaks, zero-width and control characters) allowed in between.
// The masking of reports (masking.ts) finds a value by its squeezed form and masks it in place
// through these patterns.
import { ENTITY_OF_CHAR } from "./decoding.js";

/** The characters of a value (code points, so a surrogate pair is one). */
export const chars = (value: string) => Array.from(value);

const SEPARATOR =
  // eslint-disable-next-line no-control-regex
  /(?:[\s\-._/,:'\u0000-\u001F\u007F-\u009F\u00A0\u00AD\u061C\u200B-\u200F\u2010-\u2015\u2028-\u202E\u2060-\u2069\uFEFF]|&(?:nbsp|hyphen|dash|ndash|mdash|period|comma|colon|sol|lowbar|apos|NewLine|Tab|ZeroWidthSpace|ensp|emsp|thinsp);|&#0*(?:160|45|46|32);|&#x0*(?:a0|2d|2e|20);|%20|%2d|%2e|\\[nrt]|<br\s*\/?>)*/
    .source;

// The same separators as one character class, removed before comparing; their escaped spellings
// (`\n` as two characters, `<br>`) go first, and only from text that has a backslash or `<`: one
// class without alternation or case folding is what keeps squeezing a whole report cheap.
const SQUEEZE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\s\-._/,:'\u0000-\u001F\u007F-\u009F\u00A0\u00AD\u061C\u200B-\u200F\u2010-\u2015\u2028-\u202E\u2060-\u2069\uFEFF]+/g;
const SQUEEZE_SPELLED = /\\[nrt]|<br\s*\/?>/gi;
/** Lower-case ASCII letters and digits only: nothing to remove, fold or lower. */
const ALREADY_SQUEEZED = /^[a-z0-9]*$/;

/** Text reduced to what a reader compares: separators gone, one letter case, compatibility forms folded. */
export function squeeze(text: string): string {
  if (ALREADY_SQUEEZED.test(text)) return text;
  let out = /[^\x00-\x7f]/.test(text) ? text.normalize("NFKC") : text;
  if (out.includes("\\") || out.includes("<")) out = out.replace(SQUEEZE_SPELLED, "");
  return out.replace(SQUEEZE_CHARS, "").toLowerCase();
}

export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

function characterForms(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const forms = [escapeRegex(ch)];
  if (cp >= 0x21 && cp <= 0x7e) forms.push(String.fromCharCode(cp + 0xfee0)); // full-width
  const units = Array.from({ length: ch.length }, (_, i) => ch.charCodeAt(i));
  forms.push(units.map((u) => `\\\\u${hex(u, 4)}`).join(""), `\\\\u\\{0*${cp.toString(16)}\\}`);
  forms.push(`&#0*${cp};?`, `&#x0*${cp.toString(16)};?`);
  const named = ENTITY_OF_CHAR.get(ch);
  if (named) forms.push(`&${named};`);
  forms.push(Array.from(Buffer.from(ch, "utf8"), (b) => `%${hex(b, 2)}`).join(""));
  return `(?:${forms.join("|")})`;
}

/**
 * Secrets (40-character keys, PEM lines) in place only as written or URL-encoded: a per-character
 * pattern of a whole PEM would cost seconds to compile. Any other spelling of a secret is still
 * found by decoding, and its whole string replaced by the marker.
 */
export function secretPattern(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded === value ? escapeRegex(value) : `${escapeRegex(value)}|${escapeRegex(encoded)}`;
}

/** A separator inside the value itself (the space in `Zoë Kim`) may be spelt as any separator. */
export function valuePattern(value: string): string {
  return chars(value)
    .filter((c) => squeeze(c) !== "")
    .map(characterForms)
    .join(SEPARATOR);
}
