// The runner's transport against real loopback servers: requests go out with exactly the case's
// headers, compressed answers are decoded within the byte cap, and every way a connection can end
// early is a described failure, never a throw or a hang.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { exchange, type Exchange, type OutgoingRequest } from "../conformance/transport.js";

interface Stand {
  url: string;
  requests: IncomingMessage[];
  /** The raw bytes of each request body, in order. */
  bodies: Buffer[];
  connections: number;
  close(): Promise<void>;
}

const open: Stand[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function stand(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Stand> {
  const sockets = new Set<Socket>();
  const requests: IncomingMessage[] = [];
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks));
      handle(req, res);
    });
  });
  const s: Stand = {
    url: "",
    requests,
    bodies,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on("connection", (socket: Socket) => {
    s.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open-api/x`;
  open.push(s);
  return s;
}

const request = (url: string, headers: Record<string, string> = { "Content-Type": "application/json" }): OutgoingRequest => ({
  url,
  method: "POST",
  headers,
  wire: '{"a":1}',
});

function answered(result: Exchange): Exchange & { answered: true } {
  if (!result.answered) throw new Error(`expected an answer, got: ${result.reason}`);
  return result;
}

function failed(result: Exchange): string {
  if (result.answered) throw new Error(`expected a failure, got status ${result.status}`);
  return result.reason;
}

describe("what goes out", () => {
  it("only the case's headers, names as written, plus Host, Connection and Content-Length; the body byte for byte", async () => {
    const s = await stand((_req, res) => res.end("{}"));
    const sent = { ...request(s.url, { "X-KM-Correlation-Id": "abc", "content-TYPE": "application/json" }), wire: '{"userName":"김코나"}' };
    expect(answered(await exchange(sent, 5_000, 1_000)).status).toBe(200);
    const req = s.requests[0]!;
    const names = req.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names.sort()).toEqual(["Connection", "Content-Length", "Host", "X-KM-Correlation-Id", "content-TYPE"].sort());
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/open-api/x");
    // Hangul: the length counts bytes, not characters.
    expect(req.headers["content-length"]).toBe(String(Buffer.byteLength(sent.wire)));
    expect(s.bodies[0]!.equals(Buffer.from(sent.wire, "utf8"))).toBe(true);
  });

  it("no Content-Type header at all when the case leaves it out (fetch would add text/plain)", async () => {
    const s = await stand((_req, res) => res.end("{}"));
    answered(await exchange(request(s.url, { Accept: "application/json" }), 5_000, 1_000));
    expect(s.requests[0]!.headers["content-type"]).toBeUndefined();
  });

  it("reuses a kept-alive connection for the next case", async () => {
    const s = await stand((_req, res) => res.end("{}"));
    for (let i = 0; i < 3; i++) answered(await exchange(request(s.url), 5_000, 1_000));
    expect(s.requests).toHaveLength(3);
    expect(s.connections).toBe(1);
  });

  it("a kept-alive connection the server closes as the next request arrives: that request goes out again, once, on a new connection", async () => {
    // The server's side of the race: it had closed the idle connection, so the request it never read is lost.
    const served = new WeakMap<Socket, number>();
    const s = await stand((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (n > 1) req.socket.destroy();
      else res.end("{}");
    });
    answered(await exchange(request(s.url), 5_000, 1_000));
    expect(answered(await exchange(request(s.url), 5_000, 1_000)).status).toBe(200);
    expect(s.connections).toBe(2);
    expect(s.requests).toHaveLength(3);
  });

  it("a request reset on a new connection is not sent again: the reset is the finding", async () => {
    const s = await stand((req) => req.socket.destroy());
    expect(failed(await exchange(request(s.url), 5_000, 1_000))).toBe("connection reset by the server (ECONNRESET)");
    expect(s.requests).toHaveLength(1);
  });

  it("a header value Node refuses is 'request not sent', naming the header, never the value", async () => {
    const s = await stand((_req, res) => res.end("{}"));
    const reason = failed(await exchange(request(s.url, { "X-KM-Access-Key": "AK-SECRET\u0001VALUE" }), 5_000, 1_000));
    expect(reason).toMatch(/^request not sent: .*X-KM-Access-Key/);
    expect(reason).not.toContain("SECRET");
    expect(s.requests).toHaveLength(0);
  });

  it("a URL with credentials is refused before anything is sent (Node would send them as Basic auth)", async () => {
    const s = await stand((_req, res) => res.end("{}"));
    const reason = failed(await exchange(request(s.url.replace("http://", "http://user:hunter2@")), 5_000, 1_000));
    expect(reason).toBe("request not sent: the URL carries credentials (user:password@), which are never sent");
    expect(s.requests).toHaveLength(0);
  });

  it("a target that is not http or https is refused before anything is sent", async () => {
    const reason = failed(await exchange(request("ftp://127.0.0.1:1/x"), 5_000, 1_000));
    expect(reason).toBe("request not sent: unsupported protocol ftp: (expected http: or https:)");
  });
});

describe("reading the answer", () => {
  const json = '{"response":{"code":"000_000","description":"정상"}}';
  const encodings: [string, (b: Buffer) => Buffer][] = [
    ["gzip", gzipSync],
    ["x-gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
    ["deflate, br", (b) => brotliCompressSync(deflateSync(b))],
  ];
  it.each(encodings)("Content-Encoding %s is decoded", async (coding, encode) => {
    const s = await stand((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": coding });
      res.end(encode(Buffer.from(json)));
    });
    const result = answered(await exchange(request(s.url), 5_000, 1_000));
    expect(result.text).toBe(json);
    expect(result.oversized).toBeUndefined();
  });

  it("an unknown coding is left as sent", async () => {
    const s = await stand((_req, res) => {
      res.writeHead(200, { "Content-Encoding": "zstd" });
      res.end("not really zstd");
    });
    expect(answered(await exchange(request(s.url), 5_000, 1_000)).text).toBe("not really zstd");
  });

  it("a brotli bomb stops at the cap, counted in decoded bytes", async () => {
    const bomb = brotliCompressSync(Buffer.alloc(64 * 1024 * 1024, "a"));
    expect(bomb.length).toBeLessThan(10_000);
    const s = await stand((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "br" });
      res.end(bomb);
    });
    const result = answered(await exchange(request(s.url), 5_000, 1_048_576));
    expect(result.oversized).toBe(1_048_576);
    expect(result.text).toBe("");
  });

  it("a declared Content-Length over the cap is not read at all", async () => {
    const s = await stand((_req, res) => {
      res.writeHead(200, { "Content-Length": String(2_000) });
      res.write("x".repeat(100)); // the rest never comes: the cap must not wait for it
    });
    expect(answered(await exchange(request(s.url), 5_000, 1_000)).oversized).toBe(1_000);
  });

  it("repeated header names are kept, joined as fetch's Headers joins them", async () => {
    const s = await stand((_req, res) => {
      res.setHeader("X-Many", ["one", "two"]);
      res.end("{}");
    });
    expect(answered(await exchange(request(s.url), 5_000, 1_000)).headers.get("x-many")).toBe("one, two");
  });

  it("a redirect is an answer, never followed", async () => {
    const target = await stand((_req, res) => res.end("{}"));
    const s = await stand((_req, res) => {
      res.writeHead(307, { Location: target.url });
      res.end();
    });
    expect(answered(await exchange(request(s.url), 5_000, 1_000)).status).toBe(307);
    expect(target.requests).toHaveLength(0);
  });
});

describe("connections that end early", () => {
  it("closed before any answer: connection reset", async () => {
    const s = await stand((req) => req.socket.destroy());
    expect(failed(await exchange(request(s.url), 5_000, 1_000))).toBe("connection reset by the server (ECONNRESET)");
  });

  it("closed in the middle of the body: the status seen is named", async () => {
    const s = await stand((req, res) => {
      res.writeHead(200, { "Content-Length": "100" });
      res.write('{"response":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    expect(failed(await exchange(request(s.url), 5_000, 1_000))).toBe(
      "connection closed by the server before the answer was complete (status 200 received; ECONNRESET)",
    );
  });

  it("closed in the middle of a compressed body: the same finding", async () => {
    const gzipped = gzipSync(Buffer.from(`{"response":"${"x".repeat(50_000)}"}`));
    const s = await stand((req, res) => {
      res.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": String(gzipped.length) });
      res.write(gzipped.subarray(0, 40));
      setTimeout(() => req.socket.destroy(), 20);
    });
    expect(failed(await exchange(request(s.url), 5_000, 1_000_000))).toBe(
      "connection closed by the server before the answer was complete (status 200 received; ECONNRESET)",
    );
  });

  it("no answer within the timeout", async () => {
    const s = await stand(() => {});
    const result = await exchange(request(s.url), 300, 1_000);
    expect(failed(result)).toBe("no answer within 300 ms");
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it("time the runner spends busy is not the server's: an answer waiting unread when the timeout fires is read", async () => {
    const s = await stand((_req, res) => setTimeout(() => res.end("{}"), 150));
    const pending = exchange(request(s.url), 300, 1_000);
    // The runner busy (judging other answers) past the timeout, before it could read this one.
    const until = performance.now() + 400;
    while (performance.now() < until);
    const result = answered(await pending);
    expect(result.status).toBe(200);
    expect(result.durationMs).toBeGreaterThan(400);
  });

  it("a body that never finishes within the timeout", async () => {
    const s = await stand((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write("{");
    });
    expect(failed(await exchange(request(s.url), 300, 1_000))).toBe("answer incomplete within 300 ms (status 200 received, body never finished)");
  });

  it("nothing listening: connection refused", async () => {
    const s = await stand(() => {});
    const url = s.url;
    await s.close();
    open.splice(open.indexOf(s), 1);
    expect(failed(await exchange(request(url), 5_000, 1_000))).toBe("connection refused");
  });
});
