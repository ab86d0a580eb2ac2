// `npm run sandbox` under load: valid signed requests (each signed afresh) at concurrency 16 over
// loopback, against the sandbox as its own process, and against a bare node:http process that reads
// the body and returns a fixed answer. Same client, same connections, interleaved rounds.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CASES, OPERATION } from "../generated/contract.js";
import { PLACEHOLDER_CREDENTIALS } from "../common/credentials.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders } from "../src/signing.js";
import type { BenchRow } from "./run.js";
import { interleaved } from "./timing.js";

const CONCURRENCY = 16;
const REQUESTS = 2_000;
const ROUNDS = 5;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));

const BARE = `
const http = require("node:http");
const answer = '{"response":{"code":"000_000","description":"Success"}}';
http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "x-km-correlation-id": req.headers["x-km-correlation-id"] || "" });
    res.end(answer);
  });
}).listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });
`;

interface Child {
  url: string;
  stop(): Promise<void>;
}

/**
 * A server process whose stdout goes to a file, as `npm run sandbox > sandbox.log` would: a pipe to
 * this busy process would make the sandbox wait on our reading of its log. Resolves with the URL of
 * its `listening on URL` line.
 */
async function startChild(args: string[]): Promise<Child> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("KONAPLATE_") && !k.startsWith("npm_")));
  const dir = mkdtempSync(join(tmpdir(), "konaplate-sandbox-bench-"));
  const logFile = join(dir, "stdout.log");
  const fd = openSync(logFile, "w");
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", fd, "inherit"] });
  closeSync(fd);
  let code: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", (c) => ((code = c), resolve())));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(readFileSync(logFile, "utf8"))?.[1];
    if (url) {
      return {
        url,
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (code !== undefined || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`bench: server did not listen (exit ${code})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const credentials = { ...PLACEHOLDER_CREDENTIALS, timeZone: "KST" };
const body = stringifyJson(CASES[0]!.request.body);

// node:http with a keep-alive agent as the load generator: fetch's own cost per call (~300 µs here)
// would otherwise be most of what is measured.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: URL): Promise<{ status: number; text: string }> {
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...signedHeaders(credentials, body) };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** REQUESTS valid signed requests, CONCURRENCY in flight; every answer must be the success answer. */
function load(base: string) {
  const url = new URL(`${base}${OPERATION.path}`);
  return async () => {
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next++;
        const answer = await post(url);
        if (answer.status !== 200) throw new Error(`bench: expected 200, got ${answer.status}: ${answer.text}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
}

export default async function (): Promise<BenchRow[]> {
  const sandbox = await startChild([TSX, "scripts/sandbox.ts", "--port", "0"]);
  const bare = await startChild(["-e", BARE]);
  try {
    const t = await interleaved(ROUNDS, { sandbox: load(sandbox.url), bare: load(bare.url) });
    const perSecond = (ms: number) => Math.round((REQUESTS / ms) * 1000);
    const setting = `${REQUESTS} requests per round, concurrency ${CONCURRENCY}, each signed afresh, loopback, server in its own process, its log to a file; medians of ${ROUNDS} interleaved rounds`;
    return [
      {
        name: "sandbox: time per valid signed request at concurrency 16 vs the 1 ms budget (≥ 1000/s)",
        ratio: t.sandbox / REQUESTS,
        goal: 1,
        detail: `${perSecond(t.sandbox)} requests/s; ${setting}`,
      },
      {
        name: "sandbox vs bare node:http with a fixed answer (same load)",
        ratio: t.sandbox / t.bare,
        goal: null,
        detail: `sandbox ${perSecond(t.sandbox)}/s, bare ${perSecond(t.bare)}/s: the excess is what the checks, the HMAC, AJV and the log line cost`,
      },
    ];
  } finally {
    agent.destroy();
    await Promise.all([sandbox.stop(), bare.stop()]);
  }
}
