// Header values a run would send that cannot go out as given. Checked before anything is sent, with
// one message per rule: an HTTP library's own error may quote the value (fetch's `Headers.append:
// "AK…" is an invalid header value`), and the value may be a credential. These messages name the
// header and the rule, never the value.
import type { Credentials } from "../src/signing.js";
import { UsageError } from "../common/cli-flags.js";
import type { CaseOverride } from "./catalog.js";

/** RFC 9110 token characters: what a header name may consist of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Why Node's http (or fetch) would refuse or alter this value, or undefined when it goes out as given. */
export function headerValueProblem(value: string): string | undefined {
  if (/[\r\n\0]/.test(value)) return "a header value may not contain a line break (CR, LF) or NUL";
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) return "a header value may not contain control characters other than TAB (U+0001 to U+001F, U+007F)";
  if (/[^\u0000-\u00ff]/.test(value)) return "a header value may hold only Latin-1 characters (U+0000 to U+00FF; no Hangul, no emoji)";
  if (/^[ \t]|[ \t]$/.test(value)) return "a header value may not begin or end with a space or tab (a server would strip it)";
  return undefined;
}

/** Every override header of every case: a valid name, a value that goes out unchanged. */
export function checkHeaderOverrides(overrides: Readonly<Record<string, CaseOverride>>, source: string): void {
  for (const [id, override] of Object.entries(overrides)) {
    for (const [name, value] of Object.entries(override.headers ?? {})) {
      if (!TOKEN.test(name)) {
        throw new UsageError(`${source}: "${id}".headers: a header name may hold only letters, digits and !#$%&'*+-.^_\`|~ (got ${JSON.stringify(name).slice(0, 80)})`);
      }
      const problem = headerValueProblem(value);
      if (problem) throw new UsageError(`${source}: "${id}".headers["${name}"]: ${problem}; the value is not shown`);
    }
  }
}

/** The environment's values that become headers (AspId, access key, crypto key id, time zone). */
export function checkCredentialHeaders(credentials: Credentials, cryptoKeyId?: string): void {
  const sources: [string, string | undefined][] = [
    ["KONAPLATE_ASP_ID", credentials.aspId],
    ["KONAPLATE_ACCESS_KEY", credentials.accessKey],
    ["KONAPLATE_CRYPTO_KEY_ID", cryptoKeyId],
  ];
  for (const [variable, value] of sources) {
    const problem = value === undefined ? undefined : headerValueProblem(value);
    if (problem) throw new UsageError(`${variable}: ${problem}; the value is not shown`);
  }
}
