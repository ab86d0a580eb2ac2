// The one signing implementation shared by the client and the conformance runner.
import { describe, expect, it } from "vitest";
import { correlationId, signedHeaders, tranTime, tranToken, wallClock17 } from "../src/signing.js";
import { parseJson, stringifyJson } from "../src/json.js";
import { validateRequestHeaders } from "../src/validation.js";

const instant = new Date("2026-11-24T14:59:59.123Z");

describe("request time", () => {
  it("is wall clock in the configured zone, computed from the instant alone", () => {
    expect(wallClock17(instant, "KST")).toBe("20261124235959123");
    expect(wallClock17(instant, "UTC")).toBe("20261124145959123");
    expect(tranTime(instant, "KST")).toBe("20261124235959");
  });

  it("rolls over the year in KST before UTC does", () => {
    expect(tranTime(new Date("2026-12-31T15:00:00.000Z"), "KST")).toBe("20270101000000");
    expect(tranTime(new Date("2026-12-31T15:00:00.000Z"), "UTC")).toBe("20261231150000");
  });

  it("refuses a zone it cannot compute, naming the field", () => {
    expect(() => tranTime(instant, "PST")).toThrow(/timeZone: "PST" is not supported/);
  });
});

describe("integrity token", () => {
  it("is KMV1, the 17-digit time and Base64 HMAC-SHA256 of the exact body (RFC 4231-style known vector)", () => {
    const token = tranToken("key", "The quick brown fox jumps over the lazy dog", instant, "KST");
    expect(token).toBe("KMV1:20261124235959123:97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
    expect(token).toHaveLength(67);
  });

  it("changes when one byte of the body changes", () => {
    expect(tranToken("k", '{"userId":9999999999999999999}', instant, "KST")).not.toBe(tranToken("k", '{"userId":9999999999999999998}', instant, "KST"));
  });
});

describe("signed headers", () => {
  const credentials = { aspId: "KONAPLATEASP001", accessKey: "A".repeat(40), secretKey: "never-shown", timeZone: "KST" };

  it("satisfy every request header rule of the spec, with one instant for time and token", () => {
    const headers = signedHeaders(credentials, "{}", instant);
    expect(validateRequestHeaders(headers)).toEqual([]);
    expect(headers["X-KM-Tran-Token"]!.slice(5, 19)).toBe(headers["X-KM-Tran-Time"]);
    expect(headers["X-KM-Correlation-Id"]!.slice(0, 12)).toBe("261124235959");
    expect(headers).not.toHaveProperty("X-KM-Crypto-Key-Id");
    expect(JSON.stringify(headers)).not.toContain("never-shown");
  });

  it("add X-KM-Crypto-Key-Id when encrypting", () => {
    expect(signedHeaders({ ...credentials, cryptoKeyId: "c".repeat(32) }, "{}", instant)["X-KM-Crypto-Key-Id"]).toBe("c".repeat(32));
  });

  it("give consecutive calls distinct correlation ids", () => {
    const a = correlationId(instant, "KST");
    const b = correlationId(instant, "KST");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^261124235959-[0-9a-f]{7}$/);
  });
});

describe("lossless JSON", () => {
  it("reads integers past 2^53 as bigint and safe ones as numbers", () => {
    expect(parseJson('{"userId":9999999999999999999,"n":42,"f":1.5}')).toEqual({ userId: 9999999999999999999n, n: 42, f: 1.5 });
    expect(parseJson("9007199254740993")).toBe(9007199254740993n);
  });

  it("writes bigints as JSON numbers with every digit", () => {
    expect(stringifyJson({ userId: 9999999999999999999n, name: "김코나" })).toBe('{"userId":9999999999999999999,"name":"김코나"}');
  });

  it("round-trips a body byte for byte", () => {
    const text = '{"userId":12345678901234567890,"bankAccount":"333015555557"}';
    expect(stringifyJson(parseJson(text))).toBe(text);
  });
});
