// A full conformance run (13 cases) against a server that takes 100 ms per answer, compared with one
// signed request to that same server: with enough concurrency the run should cost about one answer.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { runConformance } from "../conformance/runner.js";
import { CASES, OPERATION } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders } from "../src/signing.js";
import { startFaithfulServer } from "../test/support/faithful-server.js";
import { MOCK_CREDENTIALS } from "../conformance/config.js";
import type { BenchRow } from "./run.js";
import { fmt, interleaved } from "./timing.js";

const ANSWER_DELAY_MS = 100;
const ROUNDS = 5;

// Placeholders of valid shape: the benchmarks talk only to their own loopback servers.
const credentials = MOCK_CREDENTIALS;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The faithful server behind a front that holds every answer for ANSWER_DELAY_MS. */
async function startSlowServer() {
  const faithful = await startFaithfulServer({ secretKey: credentials.secretKey });
  const front = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length")) as Record<string, string>;
      const [answer] = await Promise.all([
        fetch(`${faithful.url}${req.url ?? "/"}`, { method: req.method ?? "POST", headers, body: new Uint8Array(body) }),
        new Promise((resolve) => setTimeout(resolve, ANSWER_DELAY_MS)),
      ]);
      const payload = Buffer.from(await answer.arrayBuffer());
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== "content-length" && name !== "transfer-encoding") answerHeaders[name] = value;
      });
      res.writeHead(answer.status, answerHeaders);
      res.end(payload);
    })().catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  const { port } = front.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await faithful.close();
    },
  };
}

export default async function (): Promise<BenchRow[]> {
  const server = await startSlowServer();
  try {
    const body = stringifyJson(CASES[0]!.request.body);
    const single = async () => {
      const answer = await fetch(`${server.url}${OPERATION.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...signedHeaders(credentials, body) },
        body,
      });
      await answer.arrayBuffer();
    };
    const run = (concurrency: number) => async () => {
      const report = await runConformance({ target: server.url, credentials, concurrency });
      if (report.summary.failed) throw new Error(`bench run: ${report.summary.failed} case(s) failed against the faithful server`);
    };
    const t = await interleaved(ROUNDS, { single, c13: run(13), c4: run(4) });
    const setting = `server answers after ${ANSWER_DELAY_MS} ms; medians of ${ROUNDS} interleaved rounds`;
    return [
      {
        name: "conformance: 13 cases at concurrency 13 vs 1 signed request",
        ratio: t.c13 / t.single,
        goal: 1.5,
        detail: `run ${fmt(t.c13)} vs single ${fmt(t.single)}; ${setting}`,
      },
      {
        name: "conformance: 13 cases at default concurrency 4 vs 1 signed request (reported)",
        ratio: t.c4 / t.single,
        goal: null,
        detail: `run ${fmt(t.c4)} vs single ${fmt(t.single)}; 4 waves of answers expected`,
      },
    ];
  } finally {
    await server.close();
  }
}
