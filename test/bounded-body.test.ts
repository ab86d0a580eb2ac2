// The answer cap against real local servers: plain, chunked, gzip and brotli bombs, a lying length.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { BodyTooLargeError, isValidByteCap, readBoundedText } from "../src/bounded-body.js";
import { MAX_JSON_DEPTH, parseJson } from "../src/json.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const MiB = 1_048_576;

describe("readBoundedText", () => {
  it("returns a small answer whole, multi-byte characters split across chunks intact", async () => {
    const url = await serve((_req, res) => {
      const bytes = Buffer.from('{"name":"김코나"}', "utf8");
      res.write(bytes.subarray(0, 11)); // splits 김 (3 bytes) in the middle
      setTimeout(() => res.end(bytes.subarray(11)), 20);
    });
    expect(await readBoundedText(await fetch(url), 1024)).toBe('{"name":"김코나"}');
  });

  it("stops a chunked answer without a length at the cap", async () => {
    let written = 0;
    const url = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 64 * MiB && res.write(chunk)) written += chunk.length;
        if (written < 64 * MiB) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    await expect(readBoundedText(await fetch(url), MiB)).rejects.toBeInstanceOf(BodyTooLargeError);
    // Reading stopped: the server could not have pushed the whole 64 MiB through.
    expect(written).toBeLessThan(32 * MiB);
  });

  it("refuses a declared length past the cap before reading", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": String(2 * MiB) });
      res.write("{");
      // never sends the rest: a reader that waited for it would hang
    });
    await expect(readBoundedText(await fetch(url), MiB)).rejects.toThrow(/larger than 1048576 bytes/);
  });

  it.each([
    ["gzip", (b: Buffer) => gzipSync(b)],
    ["br", (b: Buffer) => brotliCompressSync(b)],
  ] as const)("counts decoded bytes of a %s bomb", async (encoding, compress) => {
    const bomb = compress(Buffer.alloc(50 * MiB, 0x20));
    expect(bomb.length).toBeLessThan(MiB / 4);
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-encoding": encoding, "content-length": String(bomb.length) });
      res.end(bomb);
    });
    await expect(readBoundedText(await fetch(url), MiB)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it("accepts exactly the cap", async () => {
    const url = await serve((_req, res) => res.end(Buffer.alloc(1000, 0x61)));
    expect((await readBoundedText(await fetch(url), 1000)).length).toBe(1000);
    await expect(readBoundedText(await fetch(url), 999)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it("knows a usable cap", () => {
    expect([1, MiB].every(isValidByteCap)).toBe(true);
    expect([0, 0.5, -1, 2 ** 40, Number.NaN, "1"].some(isValidByteCap)).toBe(false);
  });
});

describe("parseJson nesting", () => {
  it("refuses nesting past the limit with a SyntaxError, not a stack overflow", () => {
    const deep = "[".repeat(3000) + "]".repeat(3000);
    expect(() => parseJson(deep)).toThrow(SyntaxError);
    expect(() => parseJson(deep)).toThrow(`deeper than ${MAX_JSON_DEPTH}`);
  });

  it("accepts nesting up to the limit and ignores brackets inside strings", () => {
    const ok = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    expect(() => parseJson(ok)).not.toThrow();
    expect(parseJson(`{"a":"${"[".repeat(500)}\\"{"}`)).toEqual({ a: `${"[".repeat(500)}"{` });
  });
});
