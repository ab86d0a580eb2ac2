// Other spellings of the same JSON text, as other clients write it: the same value to any JSON
// parser, other bytes on the wire (and under the token). Python's json.dumps writes both by default.
import { stringifyJson } from "../src/json.js";

/** `spaced`: a space after every `:` and `,`; `escaped`: every character outside ASCII as a \uXXXX escape. */
export type JsonForm = "spaced" | "escaped";

/** `value` written in `form`; numbers keep every digit. */
export function jsonText(value: unknown, form: JsonForm): string {
  return form === "spaced" ? spaced(value) : escaped(stringifyJson(value));
}

function spaced(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spaced).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${stringifyJson(k)}: ${spaced(v)}`).join(", ")}}`;
  }
  return stringifyJson(value);
}

/** Outside a string no character is beyond ASCII, so every one there is escaped (a pair of escapes outside the BMP). */
const escaped = (text: string): string => text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
