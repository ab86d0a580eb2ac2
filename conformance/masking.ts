// What a report may show. A report is shared with people who must see neither secrets nor personal
// data, and a server may echo what it was sent in any form. So masking is driven by what was SENT:
// every sent value is searched for in the forms the kit can produce or recognise (raw, dashed or
// spaced, full-width digits, \uXXXX, HTML entities, URL encoding, base64, hex, split over two
// fields), masked in place where it can be, and the whole string replaced by a marker where it
// cannot (an encoded form cannot be half-masked). Each case is masked whole as soon as it is judged,
// the report's envelope at the end, field by field without naming fields, before any reporter sees
// it: a new report field or a new reporter cannot forget it.
import { escapeControls } from "../common/control-chars.js";
import { maskName, personalMask } from "../common/personal-masks.js";
import { isSecretHeader, REDACTED } from "../common/secret-headers.js";
import { binaryRuns, decodedRun, decodeLayers, LOOKS_LIKE_TEXT } from "./decoding.js";
import { chars, secretPattern, squeeze, valuePattern } from "./spellings.js";

/** Replaces a whole string (or key) that carries a sent value in a form that cannot be masked in place. */
export const ENCODED_MARKER = "[masked: held sent data in an encoded form]";

/** A personal field's value as a report shows it: masked, or REDACTED when it is not a plain value. */
function maskField(mask: (value: string) => string, value: unknown): unknown {
  if (typeof value === "string") return mask(value);
  if (typeof value === "number" || typeof value === "bigint") return mask(String(value));
  if (value === null || value === undefined) return value;
  return REDACTED;
}

/**
 * A value searched for. A class, not an object literal with a getter: a run learns two for every
 * request it signs, and each literal carried a closure of its own in a slow-mode object, some 600
 * bytes that the collector walked all run long.
 */
class Sought {
  private compiled: RegExp | undefined;

  constructor(
    readonly raw: string,
    readonly replacement: string,
    /** The value squeezed: found in a squeezed decoded view whatever its spelling was. */
    readonly squeezed: string,
    private readonly spellings: (raw: string) => string,
  ) {}

  /** Global: every spelling of the value, for masking in place (built when first needed). */
  get pattern(): RegExp {
    return (this.compiled ??= new RegExp(this.spellings(this.raw), "gi"));
  }
}

export interface PersonalValue {
  field: string;
  value: unknown;
}

/** Longest string kept whole in a report (a message listing thousands of violations); the rest is cut and counted. */
export const MAX_REPORT_STRING = 8_192;

/** A small object masked once for the run has at most this many characters in its keys and values all told. */
const FLAT_KEY_LENGTH = 256;

/**
 * Entries a cache of the Scrubber holds before it starts afresh. Most strings of a long run are
 * met once (a request's token, an answer's date): kept, they would grow the heap the collector
 * walks all run long; the ones that recur (check names, messages, header values) are back in a
 * few cases. Starting afresh is always right: an entry only saves work, and the same text masked
 * again gives the same, or (with a secret learned since) masks more, never less.
 */
const CACHE_ENTRIES = 2_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(key, value);
}

const isLeaf = (v: unknown): v is string | number | bigint => typeof v === "string" || typeof v === "number" || typeof v === "bigint";

/** The key of the units from `from` to `to`, continuing `key` (0 at the start): a 32-bit integer, never a float. */
const extendKey = (key: number, text: string, from: number, to: number): number => {
  for (let i = from; i < to; i++) key = (Math.imul(key, 31) + text.charCodeAt(i)) | 0;
  return key;
};

/**
 * Which keys were seen, by their low `bits` bits. A filter only: a false "may have" costs one Map
 * lookup. Small on purpose: four tables of a million bits (512 KB, beside the 64 KB `starts`
 * table) outgrew a core's cache, so a long --fuzz run missed it at most positions of every text;
 * at 2^16 bits each (8 KB) a few thousand keys set some 7% of them, and the tables stay in cache.
 */
class KeyBits {
  private readonly words: Uint32Array;
  private readonly mask: number;

  constructor(bits: number) {
    this.words = new Uint32Array(2 ** (bits - 5));
    this.mask = 2 ** bits - 1;
  }

  add(key: number): void {
    const at = key & this.mask;
    this.words[at >>> 5]! |= 1 << (at & 31);
  }

  /** False: no key added has these low bits. */
  mayHave(key: number): boolean {
    const at = key & this.mask;
    return (this.words[at >>> 5]! & (1 << (at & 31))) !== 0;
  }
}

/** The items whose first `width` units are their key: which keys there are, and the lengths under each. */
interface Shelf {
  width: number;
  keys: KeyBits;
  lengths: Map<number, number[]>;
}

/**
 * Which of many strings a text holds, in one pass over the text: each string is filed under its
 * first code units (eight for a string that long, else four, else two) and its length, and found
 * by its exact text, so a position of the text costs a few bit tests however many strings there
 * are. A run with --fuzz 1000 sends some 3000 personal values and learns some 2000 token parts:
 * one alternation of them all cost a regular expression a scan per value; strings compared one by
 * one under their first units cost a scan of every request time of the run wherever a date was
 * written; and a thousand accounts and birth dates take a fifth of all four-digit starts.
 */
class StringIndex<T extends { squeezed: string; raw: string }> {
  /** Whether any item starts with this code unit: most positions of a text stop here. */
  private readonly starts = new Uint8Array(0x10000);
  /** The first four units of every item that long: where none starts, the shelves of four and eight have nothing. */
  private readonly fourStarts = new KeyBits(16);
  /** Longest width first: an item goes on the first shelf it is long enough for. */
  private readonly shelves: readonly Shelf[] = [8, 4, 2].map((width) => ({ width, keys: new KeyBits(16), lengths: new Map<number, number[]>() }));
  /** The items by their squeezed text (two raw values may squeeze alike). */
  private readonly exact = new Map<string, T[]>();
  size = 0;

  add(item: T): void {
    this.size++;
    const { squeezed } = item;
    this.starts[squeezed.charCodeAt(0)] = 1;
    if (squeezed.length >= 4) this.fourStarts.add(extendKey(0, squeezed, 0, 4));
    const shelf = this.shelves.find((s) => squeezed.length >= s.width)!;
    const key = extendKey(0, squeezed, 0, shelf.width);
    shelf.keys.add(key);
    const lengths = shelf.lengths.get(key);
    if (!lengths) shelf.lengths.set(key, [squeezed.length]);
    else if (!lengths.includes(squeezed.length)) lengths.push(squeezed.length);
    const same = this.exact.get(squeezed);
    if (same) same.push(item);
    else this.exact.set(squeezed, [item]);
  }

  /** The items `text` holds, longest first (so one that holds another is replaced whole); with `any`, the first found. */
  in(text: string, any = false): T[] {
    let found: T[] | undefined;
    const { starts, fourStarts } = this;
    const [eight, four, two] = this.shelves as [Shelf, Shelf, Shelf];
    const end = text.length;
    for (let i = 0; i + 1 < end; i++) {
      const first = text.charCodeAt(i);
      if (starts[first] === 0) continue;
      const key2 = (Math.imul(first, 31) + text.charCodeAt(i + 1)) | 0;
      if (two.keys.mayHave(key2)) found = this.match(text, i, two.lengths.get(key2), found);
      if (i + 4 <= end) {
        const key4 = (Math.imul((Math.imul(key2, 31) + text.charCodeAt(i + 2)) | 0, 31) + text.charCodeAt(i + 3)) | 0;
        if (fourStarts.mayHave(key4)) {
          if (four.keys.mayHave(key4)) found = this.match(text, i, four.lengths.get(key4), found);
          if (i + 8 <= end) {
            const key8 = extendKey(key4, text, i + 4, i + 8);
            if (eight.keys.mayHave(key8)) found = this.match(text, i, eight.lengths.get(key8), found);
          }
        }
      }
      if (any && found) return found.slice(0, 1);
    }
    return found ? found.sort((a, b) => b.raw.length - a.raw.length) : [];
  }

  /** `found` with the items of one of `lengths` that start at `at`. */
  private match(text: string, at: number, lengths: number[] | undefined, found: T[] | undefined): T[] | undefined {
    if (lengths === undefined) return found;
    for (const length of lengths) {
      if (at + length > text.length) continue;
      const items = this.exact.get(text.slice(at, at + length));
      if (items) for (const item of items) if (!found?.includes(item)) (found ??= []).push(item);
    }
    return found;
  }
}

/** Stands for a sent number while a text is searched: a private-use character, neither a digit nor a separator. */
const PLAIN_HELD = "\uE000";
const PLAIN_HELD_ALL = new RegExp(PLAIN_HELD, "g");

/**
 * Removes what must never be shown: every secret replaced by `[redacted]`, every personal value
 * that was sent replaced by its mask, in whatever form a server echoed it.
 */
export class Scrubber {
  private readonly sought: Sought[] = [];
  private readonly memo = new Map<string, string>();
  private readonly runs = new Map<string, boolean>();
  private readonly squeezedLeaves = new Map<string, string>();
  private readonly joinedFound = new Map<string, Sought[]>();
  private readonly flatMemo = new Map<string, Record<string, unknown>>();
  /** Which sought values (those given and those learned) squeezed text holds, in one pass. */
  private readonly index = new StringIndex<Sought>();
  private readonly seen = new Set<string>();
  /**
   * Numbers sent outside personal fields (a userId): a run of digits equal to one is that number,
   * never a personal value inside it (userId 9999999999999999999 holds the account 999999999999).
   */
  private readonly plain: ReadonlySet<string>;

  constructor(secrets: readonly (string | undefined)[], personal: readonly PersonalValue[] = [], plain: readonly string[] = []) {
    this.plain = new Set(plain.filter((p) => /^[0-9]{6,}$/.test(p)));
    const add = (raw: string, replacement: string, spellings: (raw: string) => string) => {
      const sought = this.soughtValue(raw, replacement, spellings);
      if (sought) this.sought.push(sought);
    };
    for (const secret of secrets) {
      if (!secret || secret.length < 4) continue;
      add(secret, REDACTED, secretPattern);
      // A PEM is also recognisable by its base64 body lines.
      for (const line of secret.split(/\r?\n/)) {
        if (line.length >= 16 && !line.startsWith("-----")) add(line, REDACTED, secretPattern);
      }
    }
    for (const { field, value } of personal) {
      const mask = personalMask(field);
      if (!mask || !isLeaf(value)) continue;
      const raw = String(value);
      // Short digit strings would also match unrelated numbers (codes, times); names are short by nature.
      const minimum = mask === maskName ? 2 : 6;
      if (chars(raw).length >= minimum) add(raw, mask(raw), valuePattern);
    }
    // Longest first, so a value that contains another is replaced whole.
    this.sought.sort((a, b) => b.raw.length - a.raw.length);
    for (const sought of this.sought) this.index.add(sought);
  }

  /** A value to search for, once per raw value; undefined when seen already or too short to tell apart. */
  private soughtValue(raw: string, replacement: string, spellings: (raw: string) => string): Sought | undefined {
    if (this.seen.has(raw)) return undefined;
    this.seen.add(raw);
    const squeezed = squeeze(raw);
    if (squeezed.length < 2) return undefined;
    return new Sought(raw, replacement, squeezed, spellings);
  }

  /**
   * Secrets the run makes as it goes: each request's token and JWE strings, known only once the
   * request is signed. From now on they are redacted wherever a server echoes them, in every
   * spelling the other secrets are found in. What was masked before stays right: no text seen
   * before a value was made can hold it (a token or a JWE cannot be guessed before it exists), so
   * the caches need no clearing.
   */
  learn(secrets: readonly string[]): void {
    for (const secret of secrets) {
      if (secret.length < 16) continue;
      const sought = this.soughtValue(secret, REDACTED, secretPattern);
      if (sought) this.index.add(sought);
    }
  }

  /** Whether squeezed text holds any sought or learned value: the question nearly every string answers no. */
  private holdsAny(plain: string): boolean {
    return this.index.in(plain, true).length > 0;
  }

  /** Which sought values squeezed `plain` text holds, longest first; one scan answers the usual "none". */
  private soughtIn(plain: string): Sought[] {
    return this.index.in(plain);
  }

  /** Numbers of a request body outside its personal fields (userId), for the Scrubber constructor. */
  static plainNumbers(body: unknown): string[] {
    const out: string[] = [];
    const walk = (node: unknown) => {
      if (typeof node === "number" || typeof node === "bigint") out.push(String(node));
      else if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") for (const [key, value] of Object.entries(node)) if (!personalMask(key)) walk(value);
    };
    walk(body);
    return out;
  }

  /** Personal values of a request body, for the Scrubber constructor. */
  static personalValues(body: unknown): PersonalValue[] {
    const out: PersonalValue[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (personalMask(key)) out.push({ field: key, value });
          else walk(value);
        }
      }
    };
    walk(body);
    return out;
  }

  /** The sought values readable in `text` once every textual encoding is undone. */
  private present(text: string, decoded = decodeLayers(text)): Sought[] {
    return this.soughtIn(squeeze(decoded));
  }

  /** True when a sent value can still be read out of `text` by decoding it. */
  private readable(text: string): boolean {
    const decoded = decodeLayers(text);
    return this.present(text, decoded).length > 0 || this.hidden(text, decoded, 0);
  }

  /** True when a base64 or hex run in `text` (or its decoded form) reveals a sent value. */
  private hidden(text: string, decoded: string, depth: number): boolean {
    for (const run of binaryRuns(text)) if (this.runReadable(run, depth)) return true;
    if (decoded !== text) for (const run of binaryRuns(decoded)) if (this.runReadable(run, depth)) return true;
    return false;
  }

  /** Memoised per run: the same words and ids recur in every case of a report. */
  private runReadable(run: string, depth: number): boolean {
    const key = `${depth}:${run}`;
    let found = this.runs.get(key);
    if (found === undefined) {
      found = decodedRun(run).some((blob) => this.blobReadable(blob, depth + 1));
      remember(this.runs, key, found);
    }
    return found;
  }

  /**
   * A decoded blob: searched as it is; only a blob that reads as text is decoded further and searched
   * for base64 inside (base64 of base64, of a JSON fragment with \u escapes). Garbage stops here.
   */
  private blobReadable(blob: string, depth: number): boolean {
    if (this.holdsAny(squeeze(blob))) return true;
    if (!LOOKS_LIKE_TEXT.test(blob)) return false;
    const decoded = decodeLayers(blob);
    if (decoded !== blob && this.present(blob, decoded).length) return true;
    return depth < 2 && this.hidden(blob, decoded, depth);
  }

  /** Free text: each sent value masked in place; a string that still reveals one becomes ENCODED_MARKER. */
  text(value: string): string {
    if (!this.index.size) return value;
    // Reports repeat short strings (check names, severities, header values, titles) case after case.
    const known = this.memo.get(value);
    if (known !== undefined) return known;
    const out = this.scrubText(value);
    if (value.length <= 512) remember(this.memo, value, out);
    return out;
  }

  private scrubText(value: string): string {
    // A sent number (a userId) alone: nothing else to search.
    if (this.plain.has(value)) return value;
    // A sent number written whole is set aside while the rest is searched, then put back.
    const held = this.holdPlain(value);
    if (!held) return this.searched(value);
    return this.searched(held.text).replace(PLAIN_HELD_ALL, () => held.numbers.shift() ?? "");
  }

  /** `text` with each run of digits that is a sent plain number replaced by PLAIN_HELD, and those numbers in order. */
  private holdPlain(text: string): { text: string; numbers: string[] } | undefined {
    if (!this.plain.size || !/[0-9]{6}/.test(text) || text.includes(PLAIN_HELD)) return undefined;
    const numbers: string[] = [];
    const rest = text.replace(/[0-9]+/g, (run) => (this.plain.has(run) ? (numbers.push(run), PLAIN_HELD) : run));
    return numbers.length ? { text: rest, numbers } : undefined;
  }

  private searched(value: string): string {
    const decoded = decodeLayers(value);
    const found = this.present(value, decoded);
    if (!found.length) return this.hidden(value, decoded, 0) ? ENCODED_MARKER : value;
    let out = value;
    // Every in-place spelling decodes to the value, so only values present decoded need the (costly) patterns.
    for (const s of found) out = out.replace(s.pattern, s.replacement);
    return this.readable(out) ? ENCODED_MARKER : out;
  }

  /** A JSON-like value: personal fields masked by name, every key, string and number scrubbed. */
  value(node: unknown): unknown {
    return this.walk(node, false, undefined);
  }

  /**
   * One walk does both jobs of a report: scrubbing, and (with `escape`) control characters made
   * visible, so a report of thousands of strings is rebuilt once. Leaves are escaped only after
   * splitAcross has seen them as the server sent them.
   */
  private walk(node: unknown, escape: boolean, key: string | undefined): unknown {
    if (isLeaf(node)) return this.finished(this.leaf(node), escape, key);
    if (Array.isArray(node)) {
      const items = this.splitAcross(node.map((n) => (isLeaf(n) ? this.leaf(n) : this.walk(n, escape, undefined))));
      return escape ? items.map((item) => this.finished(item, true, undefined)) : items;
    }
    if (node && typeof node === "object") {
      const keys = Object.keys(node);
      // Every case's report repeats the same small objects (a check's result, the envelope of an
      // answer, what was expected): one masked copy of each serves them all.
      const object = node as Record<string, unknown>;
      const flat = this.flatKey(object, keys, escape);
      if (flat === undefined) return this.walkObject(object, keys, escape);
      let out = this.flatMemo.get(flat);
      if (out === undefined) {
        out = this.walkObject(object, keys, escape);
        remember(this.flatMemo, flat, out);
      }
      // A copy: a report's objects are its own, whatever a reader does with one.
      return { ...out };
    }
    return node;
  }

  /**
   * What identifies a small object of leaves (strings, numbers, booleans, null) for flatMemo: every
   * key and value with its kind and length, so no two objects share one; undefined for any other.
   */
  private flatKey(node: Record<string, unknown>, keys: readonly string[], escape: boolean): string | undefined {
    if (keys.length > 12) return undefined;
    let key = escape ? "e" : "v";
    for (const k of keys) {
      if (k === "__proto__") return undefined;
      const v = node[k];
      const kind = typeof v === "string" ? "s" : typeof v === "number" ? "n" : typeof v === "boolean" ? "b" : v === null ? "z" : undefined;
      if (kind === undefined) return undefined;
      const text = String(v);
      key += `\u0000${k.length}:${k}${kind}${text.length}:${text}`;
      if (key.length > FLAT_KEY_LENGTH) return undefined;
    }
    return key;
  }

  private walkObject(node: Record<string, unknown>, keys: string[], escape: boolean): Record<string, unknown> {
    const names = keys.map((k) => (escape ? escapeControls(this.text(k)) : this.text(k)));
    // Keys are unique; a masked or escaped one may meet another: it gets primes, nothing is lost.
    if (names.some((name, i) => name !== keys[i])) {
      const taken = new Set<string>();
      names.forEach((name, i) => {
        while (taken.has(name)) name += "'";
        taken.add(name);
        names[i] = name;
      });
    }
    const maskedByName: boolean[] = [];
    const values = keys.map((k, i) => {
      const v = node[k];
      const mask = personalMask(k);
      if (mask) return (maskedByName[i] = true), maskField(mask, v);
      if (isLeaf(v)) return isSecretHeader(k) ? REDACTED : this.leaf(v);
      return this.walk(v, escape, k);
    });
    const split = this.splitAcross(values, maskedByName);
    const out: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = this.finished(split[i], escape, keys[i]);
      // Defined, not assigned: a server's "__proto__" key stays an ordinary key.
      if (name === "__proto__") Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      else out[name] = value;
    });
    return out;
  }

  /** A string, number or bigint scrubbed; a number stays a number unless it had to be masked. */
  private leaf(node: string | number | bigint): unknown {
    if (typeof node === "string") return this.text(this.capped(node));
    const digits = String(node);
    const scrubbed = this.text(digits);
    return scrubbed === digits ? node : scrubbed;
  }

  /** A raw `body` text keeps its line breaks; every other string shows its control characters escaped. */
  private finished(value: unknown, escape: boolean, key: string | undefined): unknown {
    return escape && typeof value === "string" ? escapeControls(value, key === "body") : value;
  }

  /** A value split over sibling fields (`"333015"`, `"555557"`): each part becomes ENCODED_MARKER. */
  private splitAcross(items: unknown[], maskedByName: readonly boolean[] = []): unknown[] {
    const spans: { index: number; start: number; end: number }[] = [];
    const parts: string[] = [];
    let joined = "";
    items.forEach((item, index) => {
      if (!isLeaf(item)) return;
      // A sent number is no part of a personal value split over siblings; nor is a personal field
      // masked by its name, which stands as one asterisk: what its mask shows (a year, four digits)
      // joined to a neighbour would only mark the neighbour, and a body of random values would
      // make every join a new text to search.
      const part = maskedByName[index] ? "*" : (this.holdPlain(String(item))?.text ?? String(item));
      const start = joined.length;
      joined += part;
      parts.push(part);
      spans.push({ index, start, end: joined.length });
    });
    if (spans.length < 2) return items;
    // Parts of one value are written plainly (each part alone was already searched in every spelling).
    // The same sibling values recur (a case's request is masked before its answer and again after).
    let found = this.joinedFound.get(joined);
    if (found === undefined) {
      found = this.soughtIn(this.squeezedJoin(parts, joined));
      if (joined.length <= 2_048) remember(this.joinedFound, joined, found);
    }
    if (!found.length) return items;
    const out = [...items];
    for (const s of found) {
      for (const m of joined.matchAll(s.pattern)) {
        const from = m.index;
        const to = from + m[0].length;
        for (const span of spans) if (span.start < to && span.end > from) out[span.index] = ENCODED_MARKER;
      }
    }
    return out;
  }

  /**
   * squeeze(joined), from the squeezed leaves when that is the same thing: plain ASCII parts (no
   * `\\n` or `<br>` that could span two parts, no compatibility form to fold across a boundary).
   * The same header values, severities and check names recur in every case, so a leaf is squeezed once.
   */
  private squeezedJoin(parts: readonly string[], joined: string): string {
    if (/[^\x00-\x7f]|\\|</.test(joined)) return squeeze(joined);
    let out = "";
    for (const part of parts) {
      let squeezed = this.squeezedLeaves.get(part);
      if (squeezed === undefined) {
        squeezed = squeeze(part);
        if (part.length <= 512) remember(this.squeezedLeaves, part, squeezed);
      }
      out += squeezed;
    }
    return out;
  }

  /** At most MAX_REPORT_STRING characters, cut before masking (bounded work) where no sent value is split. */
  private capped(text: string): string {
    if (text.length <= MAX_REPORT_STRING) return text;
    const cut = this.cutPoint(text, MAX_REPORT_STRING);
    return `${text.slice(0, cut)}… (${text.length - cut} more characters not kept)`;
  }

  /**
   * Where to cut `text` to keep at most `limit` characters without keeping part of a sent value:
   * never inside a match, never inside a base64/hex-looking run that goes on past the cut.
   */
  cutPoint(text: string, limit: number): number {
    if (text.length <= limit) return text.length;
    let cut = limit;
    const from = Math.max(0, limit - 4_096);
    const window = text.slice(from, limit + 4_096);
    for (const s of this.present(window)) {
      for (const m of window.matchAll(s.pattern)) {
        const start = from + m.index;
        if (start < cut && start + m[0].length > cut) cut = start;
      }
    }
    if (cut > 0 && /[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut--; // never half a surrogate pair
    const token = /[A-Za-z0-9+/_=-]/;
    if (cut > 0 && token.test(text[cut - 1]!) && token.test(text[cut]!)) {
      while (cut > 0 && token.test(text[cut - 1]!)) cut--;
    }
    return cut;
  }

  /**
   * Any part of a report (the envelope, one case) as it may be shown: every key, string and number
   * scrubbed, secret headers redacted, control characters made visible, long strings cut. Fields
   * added later are covered without being named here.
   */
  shown<T>(node: T): T {
    return this.walk(node, true, undefined) as T;
  }
}
