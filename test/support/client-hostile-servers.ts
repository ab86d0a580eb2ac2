// Servers that attack the client on purpose: redirects to other origins, endless and compressed
// bodies, echoes of the request in every header. Each one records what reached it, so a test can
// prove that another origin received nothing at all.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface HostileServer {
  url: string;
  port: number;
  /** TCP connections accepted, requests read: both stay 0 on a server nobody may reach. */
  connections: number;
  requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
  /** Connections whose socket closed before the server finished writing (the client hung up). */
  hangUps: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, server: HostileServer) => void;

async function listen(server: Server, handler: Handler, scheme: "http" | "https"): Promise<HostileServer> {
  const state: HostileServer = {
    url: "",
    port: 0,
    connections: 0,
    requests: [],
    hangUps: 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  server.on(scheme === "https" ? "secureConnection" : "connection", () => state.connections++);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      state.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.on("close", () => {
        if (!res.writableFinished) state.hangUps++;
      });
      handler(req, res, body, state);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `${scheme}://127.0.0.1:${state.port}`;
  return state;
}

export function startHostileServer(handler: Handler): Promise<HostileServer> {
  return listen(createHttpServer(), handler, "http");
}

export interface TestCertificate {
  key: string;
  cert: string;
}

/** A throw-away self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI; null without openssl. */
export async function selfSignedCertificate(): Promise<TestCertificate | null> {
  const dir = await mkdtemp(join(tmpdir(), "konaplate-tls-"));
  try {
    await promisify(execFile)("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ]);
    return { key: await readFile(join(dir, "key.pem"), "utf8"), cert: await readFile(join(dir, "cert.pem"), "utf8") };
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function startHostileHttpsServer(certificate: TestCertificate, handler: Handler): Promise<HostileServer> {
  return listen(createHttpsServer(certificate), handler, "https");
}

/**
 * Writes `chunk` again and again, honouring backpressure, until the client hangs up: an answer
 * without end. Whatever stream `out` is (the response, or a compressor piped into it).
 */
export function writeForever(out: NodeJS.WritableStream, chunk: Buffer, res: ServerResponse): void {
  let open = true;
  res.on("close", () => {
    open = false;
  });
  const pump = () => {
    while (open && out.write(chunk)) {
      /* keep writing until the buffer is full */
    }
    if (open) out.once("drain", pump);
  };
  pump();
}
