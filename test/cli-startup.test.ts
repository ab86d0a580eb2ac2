// What a person sees while `npm run conformance` starts its embedded mock: the run's header first,
// what it is doing while Prism starts, and a warm-up request before any case is timed.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CASES } from "../generated/contract.js";
import { stringifyJson } from "../src/json.js";
import { exchange } from "../conformance/transport.js";
import { removeRunDirs, runCli } from "./support/conformance-run.js";
import { killMarked, MARKER_VARIABLE, newMarker, processesWithMarker } from "./support/processes.js";

// Every request the in-process CLI sends goes through the transport: recorded, then sent for real.
vi.mock("../conformance/transport.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../conformance/transport.js")>();
  return { ...actual, exchange: vi.fn(actual.exchange) };
});

const ROOT = fileURLToPath(new URL("..", import.meta.url));

afterAll(() => removeRunDirs());
afterEach(() => {
  vi.restoreAllMocks();
});

describe("conformance CLI start-up", () => {
  it("as a real process prints the header first, the summary last, and leaves nothing running", async () => {
    const marker = newMarker("cli-startup");
    const dir = await mkdtemp(join(tmpdir(), "konaplate-cli-"));
    try {
      const child = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "conformance/cli.ts", "--report-dir", dir, "--only", "success,002_001"], {
        cwd: ROOT,
        env: { ...process.env, [MARKER_VARIABLE]: marker },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let firstChunk: string | undefined;
      child.stdout.on("data", (c: Buffer) => {
        firstChunk ??= c.toString();
        stdout += c.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code).toBe(0);
      // The header arrives on its own, before the mock has started and long before the table.
      expect(firstChunk).toBe("Konaplate conformance: embedded Prism mock of spec/openapi.yaml\n");
      expect(stdout.match(/Konaplate conformance:/g)).toHaveLength(1);
      expect(stdout.trimEnd().split("\n").at(-1)).toBe("2 passed, 0 failed");
      expect(processesWithMarker(marker)).toEqual([]);
    } finally {
      killMarked(marker);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says what it is doing while the mock starts (on a TTY), and warms the mock up with one unrecorded request", async () => {
    vi.mocked(exchange).mockClear();
    const run = await runCli(["--only", "002_003,002_001"], {}, { ttyStderr: true });
    const sent = vi.mocked(exchange).mock.calls.map(([request]) => ({
      url: request.url,
      prefer: new Headers(request.headers).get("prefer"),
      body: request.wire,
    }));
    expect(run.code).toBe(0);
    const stderr = run.stderr;
    const starting = stderr.indexOf("starting the embedded Prism mock");
    const warming = stderr.indexOf("warming it up");
    const running = stderr.indexOf("running 2 cases");
    const firstCase = stderr.indexOf("[1/2]");
    expect(starting).toBeGreaterThanOrEqual(0);
    expect(warming).toBeGreaterThan(starting);
    expect(running).toBeGreaterThan(warming);
    expect(firstCase).toBeGreaterThan(running);
    // One request more than the cases, the first one; the report records only the cases.
    expect(sent).toHaveLength(3);
    const firstSelected = CASES.find((c) => c.id === "002_003" || c.id === "002_001")!; // catalog order
    expect(sent[0]!.body).toBe(stringifyJson(firstSelected.request.body));
    expect(sent[0]!.prefer).toBeNull();
    expect(sent.slice(1).every((s) => s.prefer !== null)).toBe(true);
    expect(run.report?.summary).toMatchObject({ total: 2, passed: 2, failed: 0 });
  });
});
