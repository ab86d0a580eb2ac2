// `npm run mock` and `npm run proxy` as real processes (through a real `npm run` where the launcher
// matters), and the in-process Prism under them: documented answers with and without `Prefer`,
// violations named, every digit of userId counted, one-line port clashes, and nothing left running.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CASES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders, type Credentials } from "../src/signing.js";
import { freePort, startPrism, type PrismHandle } from "../mock/prism.js";
import { DEFAULT_PORT, DEFAULT_PROXY_PORT } from "../scripts/lib/prism-script.js";
import { startFaithfulServer, type FaithfulServer } from "./support/faithful-server.js";
import { removeRunDirs, runCli } from "./support/conformance-run.js";
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
const byId = (id: string) => CASES.find((c) => c.id === id)!;
const successBody = byId("success").request.body;

interface Script {
  child: ChildProcess;
  marker: string;
  output: () => string;
  exited: Promise<number | null>;
}

function watch(child: ChildProcess, marker: string): Script {
  let text = "";
  child.stdout!.on("data", (c: Buffer) => (text += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, marker, output: () => text, exited };
}

/** Runs an npm script's file with tsx, as `npm run` would, marked so every descendant can be found. */
function runScript(file: string, args: string[]): Script {
  const marker = newMarker(file);
  const child = spawn(process.execPath, [TSX, file, ...args], { cwd: ROOT, env: { ...process.env, [MARKER_VARIABLE]: marker }, stdio: ["ignore", "pipe", "pipe"] });
  return watch(child, marker);
}

/** Through a real `npm run <script>` (npm -> sh -> tsx -> node). */
function runNpm(script: string, args: string[]): Script {
  const marker = newMarker(`npm-${script}`);
  const child = spawn("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, env: { ...process.env, [MARKER_VARIABLE]: marker }, stdio: ["ignore", "pipe", "pipe"] });
  return watch(child, marker);
}

async function waitForOutput(script: Script, pattern: RegExp, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(script.output())) {
    if (script.child.exitCode !== null) throw new Error(`script exited early:\n${script.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${script.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
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

interface Problem {
  type: string;
  status: number;
  detail: string;
  validation: { location: string[]; code?: string; message: string }[];
}

/** Ctrl-C, then: the script exits 130, the port is closed and no process of it remains. */
async function interruptAndVerify(script: Script, port: number): Promise<void> {
  script.child.kill("SIGINT");
  expect(await script.exited).toBe(130);
  expect(await portAccepts(port)).toBe(false);
  expect(processesWithMarker(script.marker)).toEqual([]);
}

describe("the kit's mock (Prism's engine behind the kit's layer)", () => {
  let mock: PrismHandle;
  beforeAll(async () => {
    mock = await startPrism({ mode: "mock" });
  });
  afterAll(() => mock.close());

  it("answers every documented case from its request body alone, no Prefer header needed", async () => {
    for (const c of CASES) {
      const response = await post(mock.url, stringifyJson(c.request.body));
      expect(response.status, c.id).toBe(c.expected.status);
      const body = (await response.json()) as { response: { code: string } };
      expect(body.response.code, c.id).toBe(c.mockCode);
    }
  });

  it("still honours Prefer, naming a documented example", async () => {
    const response = await post(mock.url, stringifyJson(successBody), { Prefer: "code=400, example=002_003" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ response: { code: "002_003", description: "Names are not matched." } });
  });

  it("answers an invalid request with a problem+json naming each violation, not a documented example", async () => {
    const response = await post(mock.url, stringifyJson({ ...successBody, bankCode: "999" }));
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as Problem;
    expect(problem.type).toContain("UNPROCESSABLE_ENTITY");
    expect(problem.validation.some((v) => v.location.join(".") === "request.body.bankCode" && /allowed values/.test(v.message))).toBe(true);
    expect(problem.detail).toContain("bankCode");
    expect(JSON.stringify(problem)).not.toContain("002_001");
    expect(response.headers.get("sl-violations")).toContain("bankCode");
  });

  it("names the missing headers of a request that has none, even with a documented case's body", async () => {
    const response = await fetch(`${mock.url}${PATH}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: stringifyJson(successBody) });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    const text = JSON.stringify(problem.validation).toLowerCase();
    for (const header of ["x-km-user-aspid", "x-km-access-key", "x-km-tran-token", "x-km-tran-time"]) expect(text).toContain(header);
  });

  it("gives 002_001 its documented answer, and to any body breaking only that documented rule", async () => {
    const own = await post(mock.url, stringifyJson(byId("002_001").request.body));
    expect(((await own.json()) as { response: { code: string } }).response.code).toBe("002_001");
    const other = await post(mock.url, stringifyJson({ ...successBody, bankAccount: "12-34" }));
    expect(other.status).toBe(400);
    expect(((await other.json()) as { response: { code: string } }).response.code).toBe("002_001");
  });

  it("counts every digit of userId: the maximum passes, one past it is refused even with Prefer code=200", async () => {
    const atMax = await post(mock.url, stringifyJson({ ...successBody, userId: 9999999999999999999n }));
    expect(atMax.status).toBe(200);
    for (const extra of [{}, { Prefer: "code=200" }, { Prefer: "code=200, example=success" }]) {
      const past = await post(mock.url, stringifyJson({ ...successBody, userId: 10000000000000000000n }), extra);
      expect(past.status, JSON.stringify(extra)).toBe(422);
      const problem = (await past.json()) as Problem;
      expect(problem.validation).toContainEqual(expect.objectContaining({ location: ["request", "body", "userId"], code: "maximum" }));
      expect(problem.detail).toContain("9999999999999999999");
    }
  });

  it("keeps Prism's dynamic mode (its faker is loaded only on first use)", async () => {
    const response = await post(mock.url, stringifyJson(successBody), { Prefer: "code=200, dynamic=true" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).length).toBeGreaterThan(0);
  });

  it("names a body that is not JSON", async () => {
    const response = await post(mock.url, "{not json");
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).detail).toContain("not JSON");
  });
});

describe("npm run mock", () => {
  afterAll(() => removeRunDirs());

  it("serves documented answers on the given port, drives a full --target run, and stops on Ctrl-C", async () => {
    const port = await freePort();
    const script = runScript("scripts/mock.ts", ["--port", String(port)]);
    try {
      await waitForOutput(script, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      const response = await post(`http://127.0.0.1:${port}`, stringifyJson(byId("002_003").request.body), { Prefer: "code=400, example=002_003" });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ response: { code: "002_003", description: "Names are not matched." } });

      // The suite sends no Prefer to a target: the mock recognises each documented case by its body.
      // Documented cases only: a mock checks no signature, so the suite's refuse:auth:* cases rightly
      // fail against a mock it did not start (against its embedded mock they are skipped).
      const run = await runCli(["--target", `http://127.0.0.1:${port}`, "--kind", "documented"], {
        KONAPLATE_ASP_ID: credentials.aspId,
        KONAPLATE_ACCESS_KEY: credentials.accessKey,
        KONAPLATE_SECRET_KEY: credentials.secretKey,
      });
      expect(run.report?.summary).toMatchObject({ total: CASES.length, failed: 0 });
      expect(run.code).toBe(0);
      expect(script.output()).toContain("case 002_003 (recognised by its body)");
      await interruptAndVerify(script, port);
    } finally {
      killMarked(script.marker);
    }
  });

  it("says in one line that the port is taken, and exits non-zero", async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const script = runScript("scripts/mock.ts", ["--port", String(port)]);
    try {
      const code = await script.exited;
      expect(code).not.toBe(0);
      expect(script.output().trim()).toBe(`mock: port ${port} is already in use (another mock or proxy?); choose another with --port N`);
    } finally {
      killMarked(script.marker);
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("stops serving when the npm that launched it is killed", async () => {
    const port = await freePort();
    const script = runNpm("mock", ["--port", String(port)]);
    try {
      await waitForOutput(script, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      expect(await portAccepts(port)).toBe(true);
      script.child.kill("SIGKILL"); // npm alone: it forwards nothing
      await until(async () => !(await portAccepts(port)), "the port to close");
      await until(() => processesWithMarker(script.marker).length === 0, "every process of the chain to end");
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

describe("default ports", () => {
  it("differ for mock (4010, the spec's local server) and proxy, and each usage states its own", async () => {
    expect(DEFAULT_PORT).toBe(4010);
    expect(DEFAULT_PROXY_PORT).not.toBe(DEFAULT_PORT);
    const spec = parse(readFileSync(join(ROOT, "spec/openapi.yaml"), "utf8")) as { servers: { url: string }[] };
    expect(spec.servers.map((s) => s.url)).toContain(`http://127.0.0.1:${DEFAULT_PORT}`);
    const mock = runScript("scripts/mock.ts", ["--help"]);
    const proxy = runScript("scripts/proxy.ts", ["--help"]);
    expect(await mock.exited).toBe(0);
    expect(await proxy.exited).toBe(0);
    expect(mock.output()).toContain(`(default ${DEFAULT_PORT})`);
    expect(proxy.output()).toContain(`(default ${DEFAULT_PROXY_PORT})`);
  });
});

describe("npm run proxy", () => {
  let faithful: FaithfulServer;
  beforeAll(async () => {
    faithful = await startFaithfulServer({ secretKey: credentials.secretKey });
  });
  afterAll(() => faithful.close());

  it("passes requests through byte for byte, flags violations (every userId digit counted), stops on Ctrl-C", async () => {
    const port = await freePort();
    const script = runScript("scripts/proxy.ts", ["--target", faithful.url, "--port", String(port)]);
    try {
      await waitForOutput(script, /Prism validation proxy listening/);
      const body = stringifyJson(byId("002_003").request.body);
      const valid = await post(`http://127.0.0.1:${port}`, body);
      expect(valid.status).toBe(400);
      expect(valid.headers.get("sl-violations")).toBeNull();
      // The faithful server itself saw the request, its token intact over the forwarded bytes.
      expect(faithful.requests.at(-1)?.verdict.tokenOk).toBe(true);
      expect(((await valid.json()) as { response: { code: string } }).response.code).toBe("002_003");

      const invalid = await post(`http://127.0.0.1:${port}`, body, { "X-KM-Time-Zone": "kst" });
      expect(invalid.headers.get("sl-violations")).toContain("x-km-time-zone");

      const past = stringifyJson({ ...successBody, userId: 10000000000000000000n });
      const flagged = await post(`http://127.0.0.1:${port}`, past);
      expect(flagged.headers.get("sl-violations")).toContain("9999999999999999999");
      expect(faithful.requests.at(-1)?.rawBody).toBe(past);
      expect(faithful.requests.at(-1)?.verdict.tokenOk).toBe(true);
      await waitForOutput(script, /error: request\.body\.userId userId must be <= 9999999999999999999/);
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
  it("picks a free port, answers, and close() stops it", async () => {
    const prism = await startPrism({ mode: "mock" });
    let closed = false;
    try {
      expect(prism.url).toBe(`http://127.0.0.1:${prism.port}`);
      expect(await portAccepts(prism.port)).toBe(true);
      await prism.close();
      closed = true;
      expect(await portAccepts(prism.port)).toBe(false);
      expect(await prism.exited).toBeNull();
    } finally {
      if (!closed) await prism.close();
    }
  });

  it("fails with a PortInUseError when the port is taken", async () => {
    const first = await startPrism({ mode: "mock" });
    try {
      await expect(startPrism({ mode: "mock" }, first.port)).rejects.toThrow(`port ${first.port} is in use`);
    } finally {
      await first.close();
    }
  });
});
