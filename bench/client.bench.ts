// What the client costs over a bare fetch of the same bytes: both talk to one loopback server,
// interleaved in blocks so that drift (GC, CPU frequency, the other core's load) hits both alike.
// The budget is absolute (issue 12): on a real network a call takes milliseconds, so what matters
// is the client's own time per call, not its ratio to a loopback round trip.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { CODE_MESSAGES, OPERATION } from "../generated/contract.js";
import { createKonaplateClient, type VerifyAccountHolderInput } from "../src/index.js";
import { DEFAULT_MAX_RESPONSE_BYTES, readBoundedText } from "../src/bounded-body.js";
import { parseJson, stringifyJson } from "../src/json.js";
import { signedHeaders } from "../src/signing.js";
import { validateEnvelope } from "../src/validation.js";
import { MOCK_CREDENTIALS } from "../common/credentials.js";
import type { BenchRow } from "./run.js";
import { median } from "./timing.js";

const CALLS = 5_000;
const BLOCK = 100;
const WARM_UP = 500;
const SIGNING_CALLS = 50_000;
/** The client's own time per call over a raw fetch, in ms (issue 12). */
const OVERHEAD_BUDGET_MS = 0.25;

// Placeholders of valid shape: the benchmarks talk only to their own loopback servers.
const credentials = MOCK_CREDENTIALS;
const input: VerifyAccountHolderInput = {
  userId: 9999999999999999999n,
  userName: "김코나",
  birthDate: "19751112",
  bankCode: "003",
  bankAccount: "333015555557",
};

const SUCCESS = JSON.stringify({ response: { code: "000_000", description: CODE_MESSAGES["000_000"].message } });

export default async function clientBench(): Promise<BenchRow[]> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-km-correlation-id": String(req.headers["x-km-correlation-id"] ?? "") });
      res.end(SUCCESS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/open-api`;

  try {
    const kona = createKonaplateClient({ baseUrl, ...credentials });
    const body = stringifyJson(input);
    const headers = { ...signedHeaders(credentials, body), "content-type": "application/json" };
    const url = `${baseUrl}${OPERATION.path}`;

    const unvalidated = createKonaplateClient({ baseUrl, ...credentials, validate: false });
    const viaClient = (client: typeof kona) => async () => {
      const r = await client.verifyAccountHolder(input);
      if (!r.ok) throw new Error("bench server did not answer success");
    };
    const rawCall = async () => {
      const res = await fetch(url, { method: "POST", headers, body });
      JSON.parse(await res.text());
    };
    // The client's own per-call work done by hand around a bare fetch, without openapi-fetch and
    // without input validation: what is left between this and the client with validate:false is
    // mostly the cost of the openapi-fetch layer.
    const byHand = async () => {
      const wire = stringifyJson(input);
      // The client's deadline: a controller whose timer is cleared when the call ends.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { ...signedHeaders(credentials, wire), "content-type": "application/json" },
          body: wire,
          redirect: "manual",
          signal: controller.signal,
        });
        const text = await readBoundedText(res, DEFAULT_MAX_RESPONSE_BYTES);
        if (validateEnvelope(res.status, parseJson(text)).length) throw new Error("bench server answered no envelope");
      } finally {
        clearTimeout(timer);
      }
    };
    const participants = [
      ["client", viaClient(kona)],
      ["unvalidated", viaClient(unvalidated)],
      ["byHand", byHand],
      ["raw", rawCall],
    ] as const;
    const blockUs: Record<(typeof participants)[number][0], number[]> = { client: [], unvalidated: [], byHand: [], raw: [] };
    const block = async (call: () => Promise<void>, n: number) => {
      const start = performance.now();
      for (let i = 0; i < n; i++) await call();
      return ((performance.now() - start) * 1000) / n;
    };

    for (const [, call] of participants) await block(call, WARM_UP);
    for (let round = 0; round < CALLS / BLOCK; round++) {
      // Rotating the order keeps any one participant from always following the same neighbour.
      for (let i = 0; i < participants.length; i++) {
        const [name, call] = participants[(round + i) % participants.length]!;
        blockUs[name].push(await block(call, BLOCK));
      }
    }
    // Per-round ratios, then their median: a load spike from another process spoils a round, not the result.
    const ratioOf = (name: keyof typeof blockUs) => median(blockUs[name].map((us, round) => us / blockUs.raw[round]!));
    const overheadUs = (name: keyof typeof blockUs) => median(blockUs[name].map((us, round) => us - blockUs.raw[round]!));
    const clientUs = median(blockUs.client);
    const unvalidatedUs = median(blockUs.unvalidated);
    const rawUs = median(blockUs.raw);

    const signStart = performance.now();
    for (let i = 0; i < SIGNING_CALLS; i++) signedHeaders(credentials, body);
    const signUs = ((performance.now() - signStart) * 1000) / SIGNING_CALLS;

    const overheadMs = overheadUs("client") / 1000;
    return [
      {
        name: "client overhead over raw fetch (same request, loopback)",
        ratio: ratioOf("client"),
        goal: null,
        budget: { measured: overheadMs, limit: OVERHEAD_BUDGET_MS, unit: "ms" },
        detail: `${(overheadMs * 1000).toFixed(0)} µs/call over raw fetch (median of per-block differences); client ${clientUs.toFixed(0)} µs/call, raw fetch ${rawUs.toFixed(0)} µs/call (block medians); ${CALLS} sequential calls each after ${WARM_UP} warm-up, interleaved blocks of ${BLOCK}; ratio = median of per-block ratios`,
      },
      {
        name: "client with validate:false vs raw fetch",
        ratio: ratioOf("unvalidated"),
        goal: null,
        detail: `${unvalidatedUs.toFixed(0)} µs/call, ${overheadUs("unvalidated").toFixed(0)} µs over raw fetch: the share of input validation is the difference to the row above`,
      },
      {
        name: "fetch doing the client's work by hand vs raw fetch",
        ratio: ratioOf("byHand"),
        goal: null,
        detail: `${median(blockUs.byHand).toFixed(0)} µs/call, ${overheadUs("byHand").toFixed(0)} µs over raw fetch: fresh signing, deadline timer and signal, capped read, lossless parse and envelope check, no openapi-fetch and no input validation; the client with validate:false in excess of this row is mostly the openapi-fetch layer (its Request, header merging, middleware)`,
      },
      {
        name: "signing alone (signedHeaders) vs raw fetch",
        ratio: signUs / rawUs,
        goal: null,
        detail: `${signUs.toFixed(1)} µs/call over ${SIGNING_CALLS} calls, against ${rawUs.toFixed(0)} µs per raw fetch`,
      },
    ];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
