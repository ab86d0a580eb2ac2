// Personal data as a report or a log line may show it: a mask per personal field of the request
// body. Shared by the conformance reports and the sandbox's log line, so both mask alike.

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

/** The personal fields, by lower-case name, with their masks. */
const PERSONAL_FIELDS: Readonly<Record<string, (value: string) => string>> = {
  bankaccount: maskAccount,
  username: maskName,
  birthdate: maskBirthDate,
};

/** Field names already looked up: a report repeats the same few dozen keys in every case. */
const maskOfKey = new Map<string, ((value: string) => string) | null>();

/** The mask of a personal field name, any letter case (own keys only: `constructor` or `__proto__` are not fields). */
export function personalMask(key: string): ((value: string) => string) | undefined {
  let mask = maskOfKey.get(key);
  if (mask === undefined) {
    const name = key.toLowerCase();
    mask = Object.hasOwn(PERSONAL_FIELDS, name) ? PERSONAL_FIELDS[name]! : null;
    if (key.length <= 64 && maskOfKey.size < 10_000) maskOfKey.set(key, mask);
  }
  return mask ?? undefined;
}
