// What a report may show. Personal data is masked by field name wherever it is found (request,
// observed body, messages); secrets are never shown at all. A report is shared with people who
// must not see either, so masking happens before any reporter sees the data.

export const REDACTED = "[redacted]";

/** Request headers whose values are, or are derived from, the project's secrets. */
const SECRET_HEADERS = new Set(["x-km-access-key", "x-km-tran-token", "authorization", "proxy-authorization", "cookie", "set-cookie"]);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

const chars = (value: string) => Array.from(value);

/** Account number: only the last 4 characters stay, e.g. `********5557`. */
export function maskAccount(value: string): string {
  const c = chars(value);
  if (c.length <= 4) return "*".repeat(c.length);
  return "*".repeat(c.length - 4) + c.slice(-4).join("");
}

/** Name: first and last character stay, e.g. `김*나`; a 2-character name keeps its first: `김*`. */
export function maskName(value: string): string {
  const c = chars(value);
  if (c.length <= 1) return "*".repeat(c.length);
  if (c.length === 2) return `${c[0]}*`;
  return `${c[0]}${"*".repeat(c.length - 2)}${c[c.length - 1]}`;
}

/** Birth date: the year only, e.g. `1975****`. */
export function maskBirthDate(value: string): string {
  const c = chars(value);
  if (c.length <= 4) return "*".repeat(c.length);
  return c.slice(0, 4).join("") + "*".repeat(c.length - 4);
}

const PERSONAL_FIELDS: Readonly<Record<string, (value: string) => string>> = {
  bankaccount: maskAccount,
  username: maskName,
  birthdate: maskBirthDate,
};

function maskField(mask: (value: string) => string, value: unknown): unknown {
  if (typeof value === "string") return mask(value);
  if (typeof value === "number" || typeof value === "bigint") return mask(String(value));
  if (value === null || value === undefined) return value;
  return REDACTED;
}

/**
 * Removes what must never be shown from free text: every secret replaced by `[redacted]`, every
 * personal value that was sent replaced by its mask (a server may echo them in HTML or messages).
 */
export class Scrubber {
  private readonly replacements: [string, string][] = [];

  constructor(secrets: readonly (string | undefined)[], personal: readonly { field: string; value: unknown }[] = []) {
    for (const secret of secrets) {
      if (!secret || secret.length < 4) continue;
      this.replacements.push([secret, REDACTED]);
      // A PEM is also recognisable by its base64 body lines.
      for (const line of secret.split(/\r?\n/)) {
        if (line.length >= 16 && !line.startsWith("-----")) this.replacements.push([line, REDACTED]);
      }
    }
    for (const { field, value } of personal) {
      const mask = PERSONAL_FIELDS[field.toLowerCase()];
      if (!mask || (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint")) continue;
      const raw = String(value);
      // Short digit strings would also match unrelated numbers (codes, times); names are short by nature.
      const minimum = mask === maskName ? 2 : 6;
      if (raw.length >= minimum) this.replacements.push([raw, mask(raw)]);
    }
    // Longest first, so a value that contains another is replaced whole.
    this.replacements.sort((a, b) => b[0].length - a[0].length);
  }

  /** Personal values of a request body, for the Scrubber constructor. */
  static personalValues(body: unknown): { field: string; value: unknown }[] {
    const out: { field: string; value: unknown }[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (PERSONAL_FIELDS[key.toLowerCase()]) out.push({ field: key, value });
          else walk(value);
        }
      }
    };
    walk(body);
    return out;
  }

  text(value: string): string {
    let out = value;
    for (const [raw, masked] of this.replacements) out = out.split(raw).join(masked);
    return out;
  }

  /** A JSON-like value with personal fields masked by name and every string scrubbed. */
  value(node: unknown): unknown {
    if (typeof node === "string") return this.text(node);
    if (Array.isArray(node)) return node.map((n) => this.value(n));
    if (node && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, v]) => {
          const mask = PERSONAL_FIELDS[key.toLowerCase()];
          return [key, mask ? maskField(mask, v) : this.value(v)];
        }),
      );
    }
    return node;
  }

  /** Headers with secret-bearing ones replaced by `[redacted]` and the rest scrubbed. */
  headers(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, v]) => [name, isSecretHeader(name) ? REDACTED : this.text(v)]),
    );
  }
}
