// The masking component alone: every spelling of a sent value a server might echo, each masked in
// place or its whole string replaced by the marker, and nothing else touched.
import { describe, expect, it } from "vitest";
import { escapeControls } from "../common/control-chars.js";
import { REDACTED } from "../common/secret-headers.js";
import { ENCODED_MARKER, MAX_REPORT_STRING, Scrubber } from "../conformance/masking.js";

const ACCESS_KEY = "AKLEAKCANARY0000000000000000000000000042";
const SECRET_KEY = "SKLEAKCANARY-secret-9f8e7d6c5b4a";
const NAME = "김코나";
const ACCOUNT = "333015555557";
const BIRTH = "19751112";
const SENT = { userId: 9007199254740993n, userName: NAME, birthDate: BIRTH, bankCode: "003", bankAccount: ACCOUNT };

const scrub = new Scrubber([ACCESS_KEY, SECRET_KEY], Scrubber.personalValues(SENT));

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const unicodeEscaped = (s: string) => Array.from(s, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
const decimalEntities = (s: string) => Array.from(s, (c) => `&#${c.codePointAt(0)};`).join("");
const hexEntities = (s: string) => Array.from(s, (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`).join("");
const fullWidth = (s: string) => Array.from(s, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
const percentAll = (s: string) => Array.from(Buffer.from(s, "utf8"), (b) => `%${b.toString(16).toUpperCase()}`).join("");

/** Each row: how the value was written, the text, and what it must become (exact or the marker). */
const inPlace: [string, string, string][] = [
  ["raw account", `acct ${ACCOUNT}.`, "acct ********5557."],
  ["dashed account", "acct 3330-1555-5557.", "acct ********5557."],
  ["spaced account", "acct 3 3 3 0 1 5 5 5 5 5 5 7!", "acct ********5557!"],
  ["dotted birth date", "born 1975.11.12", "born 1975****"],
  ["dashed birth date", "born 1975-11-12", "born 1975****"],
  ["full-width account", `acct ${fullWidth(ACCOUNT)}`, "acct ********5557"],
  ["full-width birth date", `born ${fullWidth(BIRTH)}`, "born 1975****"],
  ["URL-encoded name", `name=${encodeURIComponent(NAME)}&x=1`, "name=김*나&x=1"],
  ["URL-encoded name, lower-case hex", `name=${encodeURIComponent(NAME).toLowerCase()}`, "name=김*나"],
  ["percent-encoded digits", `a=${percentAll(ACCOUNT)}`, "a=********5557"],
  ["\\u-escaped name", `name: ${unicodeEscaped(NAME)}`, "name: 김*나"],
  ["\\u-escaped digits", `acct: ${unicodeEscaped(ACCOUNT)}`, "acct: ********5557"],
  ["decimal entities", `<b>${decimalEntities(NAME)}</b>`, "<b>김*나</b>"],
  ["hex entities", `<b>${hexEntities(NAME)}</b>`, "<b>김*나</b>"],
  ["named entities as separators", "3330&hyphen;1555&nbsp;5557", "********5557"],
  ["split by a line break", `${ACCOUNT.slice(0, 5)}\n${ACCOUNT.slice(5)}`, "********5557"],
  ["name split by a line break", "김코\n나", "김*나"],
  ["split by an HTML line break", `${ACCOUNT.slice(0, 6)}<br/>${ACCOUNT.slice(6)}`, "********5557"],
  ["zero-width and control characters inside", `3330\u200b1555\u001b5557`, "********5557"],
  ["a secret", `key=${ACCESS_KEY}`, `key=${REDACTED}`],
  ["a secret URL-encoded", `s=${encodeURIComponent(SECRET_KEY)}`, `s=${REDACTED}`],
];

const marked: [string, string][] = [
  ["base64 of the name", b64(NAME)],
  ["url-safe base64 of the name", b64url(NAME)],
  ["base64 of the account", `id=${b64(ACCOUNT)}`],
  ["base64 of the birth date", b64(BIRTH)],
  ["base64 of the whole body", b64(JSON.stringify(SENT, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))],
  ["url-safe base64 of the whole body", b64url(`{"userName":"${NAME}","bankAccount":"${ACCOUNT}"}`)],
  ["base64 of a JSON fragment", `token ${b64(`{"n":"${NAME}"}`)} end`],
  ["base64 glued to a prefix", `xy${b64(`..${ACCOUNT}..`)}`],
  ["base64 wrapped over lines", b64(`{"account":"${ACCOUNT}","more":"${"x".repeat(80)}"}`).replace(/(.{20})/g, "$1\n")],
  ["base64 of base64", b64(b64(`acct=${ACCOUNT}`))],
  ["hex of the name", Buffer.from(NAME).toString("hex")],
  ["double URL encoding", encodeURIComponent(encodeURIComponent(NAME))],
  ["entity of an entity", decimalEntities(NAME).replace(/&/g, "&amp;")],
  ["base64 of the access key", b64(ACCESS_KEY)],
  ["base64 of the secret key", b64url(`secret=${SECRET_KEY}`)],
];

describe("Scrubber.text", () => {
  it.each(inPlace)("masks in place: %s", (_how, text, expected) => {
    expect(scrub.text(text)).toBe(expected);
  });

  it.each(marked)("replaces the whole string: %s", (_how, text) => {
    expect(scrub.text(text)).toBe(ENCODED_MARKER);
  });

  it("masks a Latin name written with named, decimal or hex entities", () => {
    const latin = new Scrubber([], [{ field: "userName", value: "Zoë Kim" }]);
    expect(latin.text("<p>Zo&euml; Kim</p>")).toBe("<p>Z*****m</p>");
    expect(latin.text("Zo&#235; Kim / Zo&#xEB;&nbsp;Kim")).toBe("Z*****m / Z*****m");
  });

  it("leaves text without a sent value alone, codes, times and the masks themselves included", () => {
    for (const text of ["002_003", "261127101500-0a1b2c3", "Fri, 27 Nov 2026 10:15:00 GMT", "********5557 김*나 1975****", "Names are not matched.", "application/json; charset=utf-8", b64("hello world, nothing here")]) {
      expect(scrub.text(text)).toBe(text);
    }
  });
});

describe("Scrubber.value", () => {
  it("masks personal values written as JSON numbers, under any key", () => {
    expect(scrub.value({ acct: 333015555557, born: 19751112n, id: 9007199254740993n })).toEqual({ acct: "********5557", born: "1975****", id: 9007199254740993n });
  });

  it("masks object keys and header names", () => {
    const out = scrub.value({ [ACCOUNT]: "a", [`x-echo-${NAME}`]: "b", [b64(NAME)]: "c" }) as Record<string, string>;
    expect(Object.keys(out)).toEqual(["********5557", "x-echo-김*나", ENCODED_MARKER]);
    expect(Object.values(out)).toEqual(["a", "b", "c"]);
  });

  it("marks both parts of a value split over two fields", () => {
    expect(scrub.value({ a: ACCOUNT.slice(0, 6), b: ACCOUNT.slice(6), c: "kept" })).toEqual({ a: ENCODED_MARKER, b: ENCODED_MARKER, c: "kept" });
    expect(scrub.value(["김", "코나", "x"])).toEqual([ENCODED_MARKER, ENCODED_MARKER, "x"]);
  });

  it("joins no personal field masked by its name to its neighbours: what its mask shows is no part of a split value", () => {
    // The account's mask shows 5557; joined to the next field it would spell another sent account.
    const other = new Scrubber([], [...Scrubber.personalValues(SENT), { field: "bankAccount", value: "5557000001" }]);
    expect(other.value({ bankAccount: ACCOUNT, note: "000001" })).toEqual({ bankAccount: "********5557", note: "000001" });
    expect(other.value({ a: "5557", note: "000001" })).toEqual({ a: ENCODED_MARKER, note: ENCODED_MARKER });
  });

  it("keeps a server's __proto__ key as an ordinary key, masked like any other", () => {
    const parsed = JSON.parse(`{"__proto__": {"acct": "${ACCOUNT}"}, "constructor": "kept", "a": 1}`) as unknown;
    const out = scrub.shown(parsed) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__", "constructor", "a"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"acct":"********5557"},"constructor":"kept","a":1}');
  });

  it("redacts secret headers by name wherever they appear", () => {
    expect(scrub.value({ "X-KM-Access-Key": "anything", "x-km-tran-token": "KMV1:..." })).toEqual({ "X-KM-Access-Key": REDACTED, "x-km-tran-token": REDACTED });
  });
});

describe("Scrubber.cutPoint", () => {
  it("never cuts inside a sent value or a base64 run going past the limit", () => {
    const text = `${"a ".repeat(45)}${ACCOUNT} tail`;
    expect(scrub.cutPoint(text, 95)).toBe(90);
    const blob = `head ${b64(`${"z".repeat(30)}${ACCOUNT}`)} tail`;
    expect(scrub.cutPoint(blob, 20)).toBe(5);
    expect(scrub.cutPoint("short", 20)).toBe(5);
  });
});

describe("Scrubber.shown", () => {
  it("cuts a very long string before masking, never through a sent value, and says how much was left out", () => {
    const long = `${"violation; ".repeat(744)}${ACCOUNT}${"; more".repeat(2000)}`;
    const shown = scrub.shown({ message: long }).message;
    expect(shown.length).toBeLessThan(MAX_REPORT_STRING + 100);
    expect(shown).not.toContain(ACCOUNT.slice(0, 4));
    expect(shown).toMatch(/… \(\d+ more characters not kept\)$/);
  });

  it("escapes control characters in every field and key, keeping line breaks only in a body text", () => {
    const shown = scrub.shown({ code: "\u001b[31mX\n", body: "line 1\nline 2\u0007", "k\u001b": 1 });
    expect(shown).toEqual({ code: "\\u001B[31mX\\n", body: "line 1\nline 2\\u0007", "k\\u001B": 1 });
  });

  it("masks a small object met again exactly as the first time, into a copy of its own, its values' kinds kept", () => {
    const s = new Scrubber([ACCESS_KEY], Scrubber.personalValues(SENT));
    const check = { name: "code", ok: false, message: `echoed ${ACCOUNT} and ${NAME}`, severity: "error" };
    const first = s.shown({ ...check });
    const again = s.shown({ ...check });
    expect(first).toEqual({ name: "code", ok: false, message: "echoed ********5557 and 김*나", severity: "error" });
    expect(again).toEqual(first);
    again.message = "changed";
    expect(s.shown({ ...check }).message).toBe("echoed ********5557 and 김*나");
    // Same text, another kind of value: each keeps its own.
    expect(s.shown({ status: 400, code: "400" })).toEqual({ status: 400, code: "400" });
    expect(s.shown({ status: "400", code: 400 })).toEqual({ status: "400", code: 400 });
    // Keys and values never run together: "ab" + "c" is not "a" + "bc".
    expect(s.shown({ ab: "c" })).toEqual({ ab: "c" });
    expect(s.shown({ a: "bc" })).toEqual({ a: "bc" });
    // Escaping is part of what was asked: value() leaves control characters as they are.
    expect(s.value({ code: "X\u0007" })).toEqual({ code: "X\u0007" });
    expect(s.shown({ code: "X\u0007" })).toEqual({ code: "X\\u0007" });
    expect(s.value({ code: "X\u0007" })).toEqual({ code: "X\u0007" });
  });
});

describe("many sent values (a run with --fuzz)", () => {
  it("finds each of thousands wherever it is, short names and long numbers alike, and leaves other text alone", () => {
    const bodies = Array.from({ length: 1500 }, (_, i) => ({ userName: `가${String.fromCharCode(0xac00 + (i % 11172))}`, bankAccount: String(10_000_000 + i * 7919) }));
    const many = new Scrubber([], bodies.flatMap((b) => Scrubber.personalValues(b)));
    expect(many.text(`holder ${bodies[1234]!.userName} ok`)).toBe(`holder ${bodies[1234]!.userName[0]}* ok`);
    expect(many.text(`acct ${bodies[777]!.bankAccount}.`)).toBe(`acct ****${bodies[777]!.bankAccount.slice(-4)}.`);
    expect(many.text(`a ${bodies[3]!.bankAccount} and ${bodies[1499]!.userName}`)).toBe(`a ****${bodies[3]!.bankAccount.slice(-4)} and ${bodies[1499]!.userName[0]}*`);
    expect(many.text("Bank account is not found. 002_007 at 20261204031129")).toBe("Bank account is not found. 002_007 at 20261204031129");
  });
});

describe("numbers sent outside personal fields", () => {
  // The spec's 002_007 account is twelve nines; the largest userId is nineteen: the id holds the account.
  const sent = [{ userId: 9999999999999999999n, userName: NAME, bankAccount: "999999999999" }];
  const plainAware = new Scrubber([], sent.flatMap((b) => Scrubber.personalValues(b)), sent.flatMap((b) => Scrubber.plainNumbers(b)));

  it("are kept whole where written whole, while the personal value inside them is still masked anywhere else", () => {
    expect(Scrubber.plainNumbers(sent[0])).toEqual(["9999999999999999999"]);
    expect(plainAware.text("userId at its maximum 9999999999999999999: answered 400")).toBe("userId at its maximum 9999999999999999999: answered 400");
    expect(plainAware.shown({ userId: 9999999999999999999n, bankAccount: "999999999999", note: "acct 999999999999" })).toEqual({
      userId: 9999999999999999999n,
      bankAccount: "********9999",
      note: "acct ********9999",
    });
    // A longer run, or the account beside the id, is not the number sent.
    expect(plainAware.text("99999999999999999990")).not.toContain("99999999999999999990");
    expect(plainAware.text("9999999999999999999 999999999999")).toBe("9999999999999999999 ********9999");
    // Without the plain number the id reads as the account inside it (the old behaviour, on the safe side).
    expect(new Scrubber([], Scrubber.personalValues(sent[0])).text("9999999999999999999")).not.toBe("9999999999999999999");
  });
});

describe("escapeControls", () => {
  it("makes ESC, OSC, BEL, CR, C1 and bidi characters visible; keeps line breaks only in multi-line text", () => {
    const hostile = "\u001b[2J\u001b]0;title\u0007\r\n13 passed\u009b31m\u202e\u2066";
    const single = escapeControls(hostile);
    expect(single).toBe("\\u001B[2J\\u001B]0;title\\u0007\\r\\n13 passed\\u009B31m\\u202E\\u2066");
    expect(escapeControls(hostile, true)).toContain("\n13 passed");
    expect(escapeControls(single)).toBe(single);
  });
});

describe("Scrubber.learn: secrets made while a run goes on", () => {
  const token = (n: number) => `KMV1:2026120310000${String(n).padStart(4, "0")}:${Buffer.from(`hmac-${n}-`.padEnd(32, "x")).toString("base64")}`;

  it("redacts a learned value from then on, in place or in any spelling, however many were learned", () => {
    const scrub = new Scrubber(["AK00000000000000000000000000000000000001"]);
    // Seen before the values existed: nothing to mask, and remembered as such.
    expect(scrub.text("refused: no token")).toBe("refused: no token");
    const tokens = Array.from({ length: 40 }, (_, i) => token(i));
    scrub.learn(tokens);
    for (const i of [0, 17, 39]) {
      expect(scrub.text(`refused: token ${tokens[i]} is wrong`)).toBe("refused: token [redacted] is wrong");
      expect(scrub.text(`refused: ${encodeURIComponent(tokens[i]!)}`)).toBe("refused: [redacted]");
      expect(scrub.text(`refused: ${Buffer.from(`got ${tokens[i]}`).toString("base64")}`)).toBe(ENCODED_MARKER);
    }
    expect(scrub.text("refused: no token")).toBe("refused: no token");
  });

  it("finds each of many values that share their first characters, whatever their lengths, and two values written alike", () => {
    // Accounts and learned values starting with the same year, of several lengths: one may hold another.
    const accounts = Array.from({ length: 300 }, (_, i) => `2026${String(i).padStart(3 + (i % 5), "0")}`);
    const scrub = new Scrubber([], [...accounts.map((value) => ({ field: "bankAccount", value })), { field: "userName", value: "AB-12" }, { field: "userName", value: "ab12" }]);
    scrub.learn(Array.from({ length: 300 }, (_, i) => `2026120310${String(i).padStart(12, "0")}`));
    expect(scrub.text(`acct ${accounts[7]} and ${accounts[298]}`)).toBe(`acct ${"*".repeat(accounts[7]!.length - 4)}${accounts[7]!.slice(-4)} and ${"*".repeat(accounts[298]!.length - 4)}${accounts[298]!.slice(-4)}`);
    expect(scrub.text(`token part 2026120310${String(299).padStart(12, "0")}.`)).toBe("token part [redacted].");
    // Written alike once squeezed: the longer spelling masks both.
    expect(scrub.text("name ab12, AB-12")).toBe("name A***2, A***2");
    expect(scrub.text("year 2026 only, 2025000001")).toBe("year 2026 only, 2025000001");
  });

  it("ignores values too short to tell apart from other text", () => {
    const scrub = new Scrubber([]);
    scrub.learn(["short", "KST"]);
    expect(scrub.text("short KST")).toBe("short KST");
  });
});
