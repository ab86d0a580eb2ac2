// Whether a Content-Type says JSON. Three parts of the kit ask, each with its own reason to be strict
// or lenient, so the rule is one function and the strictness its parameter.

/** A Content-Type value split into its media type and parameters (names and the type lower-cased). */
export interface MediaType {
  /** e.g. `application/json`. */
  type: string;
  params: { name: string; value: string }[];
}

export function parseMediaType(value: string): MediaType {
  const [type = "", ...rest] = value.split(";").map((s) => s.trim());
  const params = rest.filter(Boolean).map((p) => {
    // No space around "=" (RFC 9110): `charset = utf-8` is no charset parameter.
    const at = p.indexOf("=");
    const raw = at < 0 ? "" : p.slice(at + 1);
    // A quoted value: the quotes are not part of it.
    const quoted = /^"(.*)"$/.exec(raw);
    return { name: (at < 0 ? p : p.slice(0, at)).toLowerCase(), value: quoted ? quoted[1]! : raw };
  });
  return { type: type.toLowerCase(), params };
}

/** The charset parameter (lower case) when one is given. */
export function charsetOf(media: MediaType): string | undefined {
  return media.params.find((p) => p.name === "charset")?.value.toLowerCase();
}

/**
 * How strict the question is:
 * - `exact`: `application/json` with no parameter but a charset naming UTF-8 (what the spec documents; the
 *   conformance suite holds a server's answer to it);
 * - `utf-8`: `application/json`, other parameters ignored, a charset only if UTF-8 (what the sandbox
 *   accepts of a request);
 * - `any-json`: `application/json` or any `+json` type, parameters ignored (the mock's question: is
 *   this body to be read as JSON at all?).
 */
export type JsonStrictness = "exact" | "utf-8" | "any-json";

/**
 * The labels of UTF-8 in the WHATWG Encoding Standard, which browsers and fetch read as UTF-8:
 * servers write `charset=utf8` too (PHP, MySQL's name for it).
 */
const UTF8_LABELS: ReadonlySet<string> = new Set(["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]);

/** Whether a charset label (any case) names UTF-8. */
export const isUtf8Label = (label: string): boolean => UTF8_LABELS.has(label.trim().toLowerCase());

export function isJsonMediaType(value: string | null | undefined, strictness: JsonStrictness): boolean {
  if (value === null || value === undefined) return false;
  const media = parseMediaType(value);
  if (strictness === "any-json") return /^application\/([a-z0-9.+-]+\+)?json$/.test(media.type);
  if (media.type !== "application/json") return false;
  if (strictness === "exact") return media.params.every((p) => p.name === "charset" && isUtf8Label(p.value));
  const charset = charsetOf(media);
  return charset === undefined || isUtf8Label(charset);
}
