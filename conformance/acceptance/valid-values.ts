// The valid values acceptance cases send, by the spec's keywords: at the edges of each rule (the
// shortest and longest value, the minimum and maximum and the first values past the integer widths
// servers are built with, every enum value, days of the calendar that naive code gets wrong) and text
// real members have where a field takes any text. A rule added to the spec brings its family of
// values; the catalog judges every value valid before it makes a case of it.
import type { Schema } from "../refusal/spec-rules.js";
import type { ValueEdit } from "../refusal/value-edits.js";

export interface ValidValue {
  /** The case id's last part: `maxLength`, `maximum`, `278`, `leap-day`. */
  what: string;
  /** The keyword whose edge the value stands on: its source makes a refusal an error or a warning. */
  rule: string;
  value: unknown;
  /** For a header the signing writes afresh (the correlation id): the edit made to it when signed, not a fixed value. */
  edit?: ValueEdit;
  /** The kind of value in words around the value as a report may show it: `at its maximum 9999999999999999999`. */
  phrase(shown: string): string;
}

/** A rule of a field that makes no case, and why. */
export interface Omitted {
  rule: string;
  why: string;
}

const chars = (s: string) => Array.from(s);

function integerBound(v: unknown): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return null;
}

/** A bigint where a number would lose digits, as the body's other integers are held. */
const exact = (n: bigint): number | bigint => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

/**
 * The integer widths servers store ids in, each as the first value past it: a server built on one
 * refuses (or crashes on) every valid value beyond it. The kit's own knowledge, not the spec's.
 */
export const INTEGER_WIDTHS = [
  { what: "past-32-bit", first: 2n ** 31n, phrase: "just past the signed 32-bit range (2^31)" },
  { what: "past-53-bit", first: 2n ** 53n, phrase: "just past the integers a double holds exactly (2^53)" },
  { what: "past-64-bit", first: 2n ** 63n, phrase: "just past the signed 64-bit range (2^63)" },
] as const;

/** A free-text field's filler: Hangul, 3 bytes each in UTF-8 (the spec's own example name, 002_003). */
const HANGUL = "홍길동";

/** A character outside the BMP (U+20BB7, a real name's 𠮷): one character, two UTF-16 units, four bytes in UTF-8. */
const ASTRAL = "𠮷";

/** Text real members have, for a field that takes any text (no pattern, enum or format). */
const MEMBER_TEXT: readonly { what: string; value: string; phrase: string }[] = [
  { what: "mixed-script", value: "김Anna", phrase: "in Hangul and Latin letters" },
  { what: "inner-space", value: "홍 길동", phrase: "with a space inside" },
  { what: "punctuation", value: "Mary-Jane O'Neil de la Cruz", phrase: "of five words in Latin letters with an apostrophe and a hyphen, as foreign members' names are" },
  { what: "decomposed", value: "홍길동".normalize("NFD"), phrase: "in decomposed Hangul (NFD jamo, as macOS sends typed Hangul)" },
  { what: "non-bmp", value: `홍${ASTRAL}동`, phrase: "with a character outside the BMP (U+20BB7, 4 bytes in UTF-8, 2 UTF-16 units)" },
  { what: "outside-ks-x-1001", value: "김똠", phrase: "with a Hangul syllable outside the 2,350 of KS X 1001 (똠: EUC-KR cannot hold it)" },
  { what: "middle-dot", value: "존·스미스", phrase: "with a middle dot (U+00B7) between its parts, as a foreign member's name is written in Hangul" },
];

const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

function lengthPhrase(edge: string, s: string): (shown: string) => string {
  const n = chars(s).length;
  const bytes = utf8Bytes(s);
  return (shown) => `at its ${edge}, ${n} character${n === 1 ? "" : "s"}${bytes !== n ? ` (${bytes} bytes in UTF-8)` : ""}: ${shown}`;
}

/** A string of `length` characters: the filler's characters over and over. */
const filled = (filler: string, length: number) => {
  const c = chars(filler.length ? filler : "0");
  return Array.from({ length }, (_, i) => c[i % c.length]).join("");
};

const isFreeText = (schema: Schema) => schema.type === "string" && schema.pattern === undefined && schema.enum === undefined && schema.format === undefined;

function lengthValues(schema: Schema, base: unknown, omitted: Omitted[]): ValidValue[] {
  const min = integerBound(schema.minLength);
  const max = integerBound(schema.maxLength);
  if (schema.enum !== undefined) {
    for (const rule of ["minLength", "maxLength"].filter((r) => r in schema)) omitted.push({ rule, why: "every value of the enum keeps it: the enum's values are the cases" });
    return [];
  }
  if (min !== null && min === max) {
    for (const rule of ["minLength", "maxLength"]) omitted.push({ rule, why: `every valid value has ${min} characters, as the base request's has` });
    return [];
  }
  // Free text in Hangul (the names of real members), anything else in the base value's own characters.
  const filler = isFreeText(schema) ? HANGUL : typeof base === "string" ? base : "";
  const out: ValidValue[] = [];
  if (min !== null) {
    const value = filled(filler, Number(min));
    out.push({ what: "minLength", rule: "minLength", value, phrase: lengthPhrase("shortest", value) });
  }
  if (max !== null) {
    const value = filled(filler, Number(max));
    out.push({ what: "maxLength", rule: "maxLength", value, phrase: lengthPhrase("longest", value) });
    // maxLength counts characters: a server counting UTF-16 units (Java, JavaScript) or bytes refuses this one.
    if (isFreeText(schema) && max >= 2n && (min === null || max > min)) {
      const astral = `${filled(filler, Number(max) - 1)}${ASTRAL}`;
      out.push({
        what: "maxLength-non-bmp",
        rule: "maxLength",
        value: astral,
        phrase: (shown) => `at its longest with a character outside the BMP, ${Number(max)} characters (${astral.length} UTF-16 units, ${utf8Bytes(astral)} bytes in UTF-8): ${shown}`,
      });
    }
  }
  return out;
}

function numberValues(schema: Schema): ValidValue[] {
  const integer = schema.type === "integer";
  const exMin = integerBound(schema.exclusiveMinimum);
  const exMax = integerBound(schema.exclusiveMaximum);
  const min = integerBound(schema.minimum) ?? (integer && exMin !== null ? exMin + 1n : null);
  const max = integerBound(schema.maximum) ?? (integer && exMax !== null ? exMax - 1n : null);
  const minRule = schema.minimum !== undefined ? "minimum" : "exclusiveMinimum";
  const maxRule = schema.maximum !== undefined ? "maximum" : "exclusiveMaximum";
  const out: ValidValue[] = [];
  if (min !== null) out.push({ what: "minimum", rule: minRule, value: exact(min), phrase: (v) => `at its minimum ${v}` });
  if (max !== null) out.push({ what: "maximum", rule: maxRule, value: exact(max), phrase: (v) => `at its maximum ${v}` });
  if (integer) {
    for (const width of INTEGER_WIDTHS) {
      if ((min === null || width.first > min) && (max === null || width.first < max)) {
        out.push({ what: width.what, rule: max !== null ? maxRule : minRule, value: exact(width.first), phrase: (v) => `${width.phrase} ${v}` });
      }
    }
  }
  return out;
}

function enumValues(schema: Schema): ValidValue[] {
  if (!Array.isArray(schema.enum)) return [];
  const names = (schema["x-enumDescriptions"] ?? {}) as Record<string, unknown>;
  return schema.enum.map((value) => {
    const name = names[String(value)];
    return { what: String(value), rule: "enum", value, phrase: (v: string) => (typeof name === "string" ? `${v} (${name})` : v) };
  });
}

/**
 * Days of `yyyyMMdd` that naive date code gets wrong: the leap day of a century year (the 400-year
 * rule), the first day of the base value's year, the last day of 1969 (a member born before Unix
 * time, which a TIMESTAMP column or a count of seconds from 1970 cannot hold), 31 January of the base
 * value's year (a 31st where month tables counted from 0 hold 28), a young member's birth date, and
 * the first and last day of the format's range. The days rest on the pattern (they are days of any reading of yyyyMMdd, and members are born
 * on them); the years 0001 and 9999 on the format, whose range is the kit's reading.
 */
function calendarValues(schema: Schema, base: unknown): ValidValue[] {
  const day = schema.pattern !== undefined ? "pattern" : "format";
  const year = typeof base === "string" && /^[0-9]{4}/.test(base) && base.slice(0, 4) !== "0000" ? base.slice(0, 4) : "2000";
  return [
    { what: "leap-day", rule: day, value: "20000229", phrase: (v) => `on a leap day, 29 February of a century year (a leap year by the 400-year rule): ${v}` },
    { what: "first-day", rule: day, value: `${year}0101`, phrase: (v) => `on the first day of a year: ${v}` },
    { what: "last-day", rule: day, value: "19691231", phrase: (v) => `on the last day of a year, the last before 1970, where Unix time and a TIMESTAMP column begin: ${v}` },
    { what: "month-end", rule: day, value: `${year}0131`, phrase: (v) => `on 31 January (a days-of-month table counted from 0 reads it as 31 February): ${v}` },
    { what: "recent", rule: day, value: "20150615", phrase: (v) => `of a young member, born in 2015 (a server built for adults only refuses it): ${v}` },
    { what: "first-year", rule: "format", value: "00010101", phrase: (v) => `on the first day of the format's first year, 0001: ${v}` },
    { what: "last-year", rule: "format", value: "99991231", phrase: (v) => `on the last day of the format's last year, 9999: ${v}` },
  ];
}

/** Values per format the kit knows (SPEC_FORMATS); a format without a family makes no case of its own. */
const FORMAT_VALUES: Readonly<Record<string, (schema: Schema, base: unknown) => ValidValue[]>> = {
  "date-yyyymmdd": calendarValues,
};

/** A string of digits (an account number): a leading zero is kept, never read as a number. */
function digitValues(schema: Schema, base: unknown): ValidValue[] {
  if (schema.enum !== undefined || schema.format !== undefined || typeof base !== "string" || !/^[0-9]{2,}$/.test(base)) return [];
  return [{ what: "leading-zero", rule: schema.pattern !== undefined ? "pattern" : "type", value: `0${base.slice(1)}`, phrase: (v) => `with a leading zero: ${v}` }];
}

function textValues(schema: Schema): ValidValue[] {
  if (!isFreeText(schema)) return [];
  return MEMBER_TEXT.map((t) => ({ what: t.what, rule: "type", value: t.value, phrase: (v) => `${t.phrase}: ${v}` }));
}

/**
 * A header value's letters in each case where its pattern takes both (the correlation id's hex):
 * `ABCDEF` or `fedcba` written where it keeps the value valid (`valid` judges it). Other letters in
 * each, so the two ids differ however a server compares them: one that refuses a repeated id
 * case-insensitively (a `_ci` column) would otherwise refuse the second as a replay.
 */
export function letterCaseValues(sample: string, valid: (value: string) => boolean): ValidValue[] {
  const out: ValidValue[] = [];
  for (const [what, text] of [["upper-case", "ABCDEF"], ["lower-case", "fedcba"]] as const) {
    const c = chars(sample);
    for (let at = c.length - text.length; at >= 0; at--) {
      const value = [...c.slice(0, at), ...text, ...c.slice(at + text.length)].join("");
      if (!valid(value)) continue;
      out.push({ what, rule: "pattern", value, edit: { op: "replace", at, text }, phrase: () => `with ${what} letters (${text} written at position ${at} of the value signed)` });
      break;
    }
  }
  return out;
}

/** Every valid value worth sending for one field or header, family by family (`extra` first), and the rules no family covers. */
export function validValues(schema: Schema, rules: readonly string[], base: unknown, extra: readonly ValidValue[] = []): { values: ValidValue[]; omitted: Omitted[] } {
  const omitted: Omitted[] = [];
  const format = typeof schema.format === "string" ? FORMAT_VALUES[schema.format] : undefined;
  const values = [
    ...extra,
    ...lengthValues(schema, base, omitted),
    ...numberValues(schema),
    ...enumValues(schema),
    ...(format ? format(schema, base) : []),
    ...digitValues(schema, base),
    ...textValues(schema),
  ];
  const covered = new Set([...values.map((v) => v.rule), ...omitted.map((o) => o.rule)]);
  for (const rule of rules) {
    if (covered.has(rule)) continue;
    if (rule === "type") omitted.push({ rule, why: "every value has it: the other cases vary the value within it" });
    else if (rule === "pattern" && schema.enum !== undefined) omitted.push({ rule, why: "every value of the enum keeps it: the enum's values are the cases" });
    else if (rule === "format") omitted.push({ rule, why: `the kit knows no edges of format ${String(schema.format)}` });
    else omitted.push({ rule, why: "the spec cannot tell which values are valid at its edges" });
  }
  return { values, omitted };
}
