// `npm run mock` and `npm run proxy` as real processes, and the Prism process control under them:
// each starts on a free loopback port, answers as documented, and leaves nothing behind when stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders, type Credentials } from "../src/signing.js";
import { freePort, startPrism } from "../scripts/lib/prism.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { killMarked, MARKER_VARIABLE, newMarker, processesWithMarker } from "./support/processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const PATH = "/api/v1/bankaccounts/user/valid";
const credentials: Credentials = {
  aspId: "TESTASP00000042",
  accessKey: "AK00000000000000000000000000000000000042",
  secretKey: "prism-test-secret",
  timeZone: "KST",
};
const case002003 = CASES.find((c) => c.id === "002_003")!;

interface Script {
  child: ChildProcess;
  marker: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs an npm script's file with tsx, as `npm run` would, marked so every descendant can be found. */
function runScript(file: string, args: string[]): Script {
  const marker = newMarker(file);
  const child = spawn(process.execPath, [TSX, file, ...args], { cwd: ROOT, env: { ...process.env, [MARKER_VARIABLE]: marker }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (c: Buffer) => (text += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, marker, output: () => text, exited };
}

async function waitForOutput(script: Script, pattern: RegExp, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(script.output())) {
    if (script.child.exitCode !== null) throw new Error(`script exited early:\n${script.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${script.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function post(url: string, body: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${PATH}`, { method: "POST", body, headers: { "Content-Type": "application/json", ...signedHeaders(credentials, body), ...extra } });
}

/** Ctrl-C, then: the script exits 130, the port is closed and no process of it remains. */
async function interruptAndVerify(script: Script, port: number): Promise<void> {
  script.child.kill("SIGINT");
  expect(await script.exited).toBe(130);
  expect(await portAccepts(port)).toBe(false);
  expect(processesWithMarker(script.marker)).toEqual([]);
}

describe("npm run mock", () => {
  it("serves the documented answer of a named example on the given port, and stops on Ctrl-C", async () => {
    const port = await freePort();
    const script = runScript("scripts/mock.ts", ["--port", String(port)]);
    try {
      await waitForOutput(script, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      const body = stringifyJson(case002003.request.body);
      const response = await post(`http://127.0.0.1:${port}`, body, { Prefer: "code=400, example=002_003" });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ response: { code: "002_003", description: "Names are not matched." } });
      await interruptAndVerify(script, port);
    } finally {
      killMarked(script.marker);
    }
  });

  it("refuses a bad --port with exit 2 and the usage", async () => {
    const script = runScript("scripts/mock.ts", ["--port", "http"]);
    expect(await script.exited).toBe(2);
    expect(script.output()).toContain('--port must be a whole number from 1 to 65535, got "http"');
    expect(script.output()).toContain("Usage: npm run mock");
  });
});

describe("npm run proxy", () => {
  let faithful: FaithfulServer;
  beforeAll(async () => {
    faithful = await startFaithfulServer({ secretKey: credentials.secretKey });
  });
  afterAll(() => faithful.close());

  it("passes a valid request through to the target and flags an invalid one with sl-violations", async () => {
    const port = await freePort();
    const script = runScript("scripts/proxy.ts", ["--target", faithful.url, "--port", String(port)]);
    try {
      await waitForOutput(script, /Prism validation proxy listening/);
      const body = stringifyJson(case002003.request.body);
      const valid = await post(`http://127.0.0.1:${port}`, body);
      expect(valid.status).toBe(400);
      expect(valid.headers.get("sl-violations")).toBeNull();
      // The faithful server itself saw the request, its token intact over the forwarded bytes.
      expect(faithful.requests.at(-1)?.verdict.tokenOk).toBe(true);
      expect(((await valid.json()) as { response: { code: string } }).response.code).toBe("002_003");

      const invalid = await post(`http://127.0.0.1:${port}`, body, { "X-KM-Time-Zone": "kst" });
      expect(invalid.headers.get("sl-violations")).toContain("x-km-time-zone");
      await interruptAndVerify(script, port);
    } finally {
      killMarked(script.marker);
    }
  });

  it("exits 2 with the usage when --target is missing", async () => {
    const script = runScript("scripts/proxy.ts", []);
    expect(await script.exited).toBe(2);
    expect(script.output()).toContain("--target URL is required");
    expect(script.output()).toContain("Usage: npm run proxy");
  });
});

describe("startPrism", () => {
  it("picks a free port, answers, and close() stops the whole process group", async () => {
    const prism = await startPrism({ mode: "mock" });
    let closed = false;
    try {
      expect(prism.url).toBe(`http://127.0.0.1:${prism.port}`);
      expect(await portAccepts(prism.port)).toBe(true);
      await prism.close();
      closed = true;
      expect(await portAccepts(prism.port)).toBe(false);
      expect(() => process.kill(-prism.pid, 0)).toThrow();
    } finally {
      if (!closed) await prism.close();
    }
  });

  it("fails with Prism's own words when the port is taken", async () => {
    const first = await startPrism({ mode: "mock" });
    try {
      await expect(startPrism({ mode: "mock" }, first.port)).rejects.toThrow(/EADDRINUSE|in use/);
    } finally {
      await first.close();
    }
  });
});
