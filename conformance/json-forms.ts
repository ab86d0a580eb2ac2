// Other spellings of the same JSON text, as other clients write it: the same value to any JSON
// parser, other bytes on the wire (and under the token).
import { stringifyJson } from "../src/json.js";

/**
 * `spaced`: pretty-printed, a line for each member indented by two spaces and a space after every
 * `:` (as JSON.stringify(v, null, 2) and Python's json.dumps(v, indent=2) write it), the members in
 * reverse order (a JSON object's members have none); `escaped`: every character outside ASCII as a
 * \uXXXX escape (as Python's json.dumps writes it by default).
 */
export type JsonForm = "spaced" | "escaped";

/** `value` written in `form`; numbers keep every digit. */
export function jsonText(value: unknown, form: JsonForm): string {
  return form === "spaced" ? spaced(value, "") : escaped(stringifyJson(value));
}

function spaced(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => inner + spaced(v, inner)).join(",\n")}\n${indent}]` : "[]";
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).reverse();
    return members.length ? `{\n${members.map(([k, v]) => `${inner}${stringifyJson(k)}: ${spaced(v, inner)}`).join(",\n")}\n${indent}}` : "{}";
  }
  return stringifyJson(value);
}

/** Outside a string no character is beyond ASCII, so every one there is escaped (a pair of escapes outside the BMP). */
const escaped = (text: string): string => text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
