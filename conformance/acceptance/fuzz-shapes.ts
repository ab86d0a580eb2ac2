// What a random body holds, in words a report may show: the kind of each value, never a personal
// value itself (a name is told by its length, scripts and bytes; an account by its digits; a birth
// date as the report masks it). A refused random body then says what in it may have been refused.
import { personalMask } from "../../common/personal-masks.js";
import type { FieldRules } from "../refusal/spec-rules.js";
import { INTEGER_WIDTHS } from "./valid-values.js";

/** The integer widths servers store ids in (the acceptance cases' own), widest first: the widest a value is past. */
const WIDTHS = [...INTEGER_WIDTHS].sort((a, b) => (a.first > b.first ? -1 : 1)).map(({ first }) => [first, `past 2^${first.toString(2).length - 1}`] as const);

const SCRIPTS: readonly (readonly [RegExp, string])[] = [
  [/[\uAC00-\uD7A3]/u, "Hangul"],
  [/[\u1100-\u11FF\u3130-\u318F]/u, "Hangul jamo"],
  [/[A-Za-z]/u, "Latin letters"],
  [/ /u, "spaces"],
  [/[0-9]/u, "digits"],
  // Characters outside the BMP are counted apart.
  [/[^\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318FA-Za-z0-9 \u{10000}-\u{10FFFF}]/u, "other characters"],
];

function integerShape(v: number | bigint): string {
  const n = BigInt(v);
  const digits = String(n < 0n ? -n : n).length;
  const past = WIDTHS.find(([first]) => n >= first)?.[1];
  return `of ${digits} digit${digits === 1 ? "" : "s"}${past ? ` (${past})` : ""}`;
}

/** Where a text's spaces stand, when a server may read them apart: at an end, or several in a row. */
const SPACE_PLACES: readonly (readonly [RegExp, string])[] = [
  [/^ /u, "at its start"],
  [/ $/u, "at its end"],
  [/ {2}/u, "in a row"],
];

function textShape(text: string): string {
  const chars = Array.from(text);
  if (/^[0-9]+$/.test(text)) return `of ${chars.length} digit${chars.length === 1 ? "" : "s"}`;
  const places = SPACE_PLACES.filter(([at]) => at.test(text)).map(([, place]) => place);
  const scripts = SCRIPTS.filter(([re]) => re.test(text)).map(([, name]) => (name === "spaces" && places.length ? `spaces ${places.join(", ")}` : name));
  const astral = chars.filter((c) => c.codePointAt(0)! > 0xffff).length;
  const bytes = Buffer.byteLength(text, "utf8");
  return `of ${chars.length} character${chars.length === 1 ? "" : "s"} (${[...scripts, ...(astral ? [`${astral} outside the BMP`] : [])].join(", ")}; ${bytes} bytes in UTF-8)`;
}

/** Each field of a random body by the kind of its value: `userId of 20 digits (past 2^63), userName of 37 characters (Hangul, spaces; 111 bytes in UTF-8), ...`. */
export function fuzzBodyShape(fields: readonly FieldRules[], body: Readonly<Record<string, unknown>>): string {
  return fields
    .filter((f) => f.field in body)
    .map(({ field, schema }) => {
      const v = body[field];
      if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return `${field} ${integerShape(v)}`;
      if (typeof v !== "string") return `${field} ${typeof v}`;
      if (Array.isArray(schema.enum)) {
        const name = ((schema["x-enumDescriptions"] ?? {}) as Record<string, unknown>)[v];
        return `${field} ${v}${typeof name === "string" ? ` (${name})` : ""}`;
      }
      const mask = personalMask(field);
      // A date is told as the report masks it (its year); any other text by its shape.
      if (mask && typeof schema.format === "string") return `${field} ${mask(v)}`;
      return `${field} ${textShape(v)}`;
    })
    .join(", ");
}
