// Edits that turn a valid value into one that breaks a rule. An edit is kept as an operation (not a
// value) because header values (time, token, correlation id) are only known when the request is
// signed: the edit chosen on a sample is applied to the real value at that moment.

export type ValueEdit =
  | { op: "remove" }
  | { op: "set"; value: unknown }
  | { op: "truncate"; length: number }
  | { op: "extend"; length: number }
  | { op: "replace"; at: number; text: string };

/** Characters tried one position at a time: digits first (they keep digit-only values digit-only). */
const PALETTE = ["0", "1", "2", "3", "5", "9", "A", "z", "-", " ", "가"];
/** Adjacent digit pairs and digit runs are tried on short values only (dates, codes): they reach e.g.
 * a 31st of November or a year 0000, and keep the derivation fast on long values such as the token. */
const PAIR_LIMIT = 10;
const SPAN_LIMIT = 16;

const chars = (s: string) => Array.from(s);

export function applyEdit(edit: ValueEdit, value: unknown): unknown {
  switch (edit.op) {
    case "remove":
      return undefined;
    case "set":
      return edit.value;
    case "truncate":
      return chars(String(value)).slice(0, edit.length).join("");
    case "extend": {
      const c = chars(String(value));
      const source = c.length ? c : ["a"];
      return Array.from({ length: edit.length }, (_, i) => c[i] ?? source[i % source.length]).join("");
    }
    case "replace": {
      const c = chars(String(value));
      const text = chars(edit.text);
      return [...c.slice(0, edit.at), ...text, ...c.slice(edit.at + text.length)].join("");
    }
  }
}

export function describeEdit(edit: ValueEdit): string {
  switch (edit.op) {
    case "remove":
      return "left out";
    case "set":
      return "set to another value";
    case "truncate":
      return `cut to ${edit.length} characters`;
    case "extend":
      return `lengthened to ${edit.length} characters`;
    case "replace":
      return `"${edit.text}" written at position ${edit.at}`;
  }
}

function numericBound(v: unknown): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return null;
}

/** A bigint where a number would lose digits. */
const exactNumber = (n: bigint): number | bigint => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

/** Values of another JSON type, closest to the original first. */
function otherTypes(value: unknown): unknown[] {
  if (typeof value === "string") return [/^[0-9]{1,15}$/.test(value) ? Number(value) : 1, true, null, [value], {}];
  if (typeof value === "number" || typeof value === "bigint") return [String(value), 1.5, true, null, [], {}];
  if (typeof value === "boolean") return [String(value), 1, null];
  if (Array.isArray(value)) return [{}, "", 1, null];
  if (value && typeof value === "object") return [[], "", 1, null];
  return ["", 1, {}];
}

/**
 * Every edit worth trying on a value under a schema, in order of preference: bounds and lengths
 * first, then one character, then spans and digit pairs, then other JSON types.
 */
export function candidateEdits(value: unknown, schema: Record<string, unknown>): ValueEdit[] {
  const edits: ValueEdit[] = [];
  if (typeof value === "number" || typeof value === "bigint") {
    const min = numericBound(schema.minimum);
    const max = numericBound(schema.maximum);
    const exMin = numericBound(schema.exclusiveMinimum);
    const exMax = numericBound(schema.exclusiveMaximum);
    for (const n of [min !== null ? min - 1n : null, max !== null ? max + 1n : null, exMin, exMax, 0n, -1n]) {
      if (n !== null) edits.push({ op: "set", value: exactNumber(n) });
    }
    const multiple = numericBound(schema.multipleOf);
    if (multiple !== null && multiple > 1n) edits.push({ op: "set", value: exactNumber(BigInt(value) + 1n) });
  }
  if (typeof value === "string") {
    const c = chars(value);
    for (let n = c.length - 1; n >= 0; n--) edits.push({ op: "truncate", length: n });
    const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : typeof schema.maxLength === "bigint" ? Number(schema.maxLength) : null;
    edits.push({ op: "extend", length: c.length + 1 });
    if (maxLength !== null && maxLength + 1 > c.length + 1) edits.push({ op: "extend", length: maxLength + 1 });
    for (let at = 0; at < c.length; at++) for (const text of PALETTE) if (text !== c[at]) edits.push({ op: "replace", at, text });
    for (let span = 2; c.length <= SPAN_LIMIT && span <= Math.min(c.length, 8); span++) {
      for (let at = 0; at + span <= c.length; at++) for (const d of ["0", "9"]) edits.push({ op: "replace", at, text: d.repeat(span) });
    }
    if (c.length <= PAIR_LIMIT) {
      for (let at = 0; at + 2 <= c.length; at++) for (let p = 0; p < 100; p++) edits.push({ op: "replace", at, text: String(p).padStart(2, "0") });
    }
  }
  for (const v of otherTypes(value)) edits.push({ op: "set", value: v });
  return edits;
}

/**
 * The edits that can break a keyword at all, by JSON Schema's meaning of it: a length only changes
 * by cutting or lengthening, a type or a bound only by another value. Unknown keywords try every edit.
 */
export function editsFor(rule: string, edits: readonly ValueEdit[]): ValueEdit[] {
  const ops: Partial<Record<string, ValueEdit["op"][]>> = {
    minLength: ["truncate", "extend", "set"],
    maxLength: ["truncate", "extend", "set"],
    type: ["set"],
    minimum: ["set"],
    maximum: ["set"],
    exclusiveMinimum: ["set"],
    exclusiveMaximum: ["set"],
    multipleOf: ["set"],
  };
  const allowed = ops[rule];
  return allowed ? edits.filter((e) => allowed.includes(e.op)) : [...edits];
}
