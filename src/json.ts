// JSON that keeps every digit: integers past 2^53-1 (userId reaches 9999999999999999999) become
// bigint on the way in and are written back as plain digits on the way out.
import { isInteger, isSafeNumber, parse, stringify } from "lossless-json";

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** Deeper than any envelope; a parser that recurses per level must never meet a hostile 3000. */
export const MAX_JSON_DEPTH = 64;

/** A SyntaxError when arrays/objects nest deeper than MAX_JSON_DEPTH (strings are skipped). */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/**
 * Like JSON.parse, but an unsafe integer is returned as a bigint instead of a rounded number, and
 * nesting past MAX_JSON_DEPTH is a SyntaxError rather than a stack overflow (a RangeError).
 */
export function parseJson(text: string): unknown {
  checkDepth(text);
  return parse(text, null, parseNumber);
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Like JSON.stringify, but bigints are written as JSON numbers with every digit. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError("value cannot be written as JSON");
  return text;
}
