// JSON that keeps every digit: integers past 2^53-1 (userId reaches 9999999999999999999) become
// bigint on the way in and are written back as plain digits on the way out.
import { isInteger, isSafeNumber, parse, stringify } from "lossless-json";

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** Like JSON.parse, but an unsafe integer is returned as a bigint instead of a rounded number. */
export function parseJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** Like JSON.stringify, but bigints are written as JSON numbers with every digit. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError("value cannot be written as JSON");
  return text;
}
