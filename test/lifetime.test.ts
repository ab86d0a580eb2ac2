// A command must not outlive its launcher: through a real `npm run` (npm -> sh -> tsx -> node), killing
// npm alone (SIGKILL, so npm forwards nothing) must still stop the command.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { launcherChain } from "../common/lifetime.js";
import { killMarked, MARKER_VARIABLE, newMarker, processesWithMarker } from "./support/processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const PROBE = join(ROOT, "test/fixtures/launcher-probe.ts");
const dirs: string[] = [];
const markers: string[] = [];
afterAll(() => {
  markers.forEach(killMarked);
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("stopOnExitRequest", () => {
  it("stops the command when the npm that launched it is killed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "konaplate-launcher-"));
    dirs.push(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "probe", private: true, scripts: { probe: `node ${TSX} ${PROBE}` } }));
    const marker = newMarker("launcher");
    markers.push(marker);
    const npm = spawn("npm", ["run", "--silent", "probe"], { cwd: dir, env: { ...process.env, [MARKER_VARIABLE]: marker }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    npm.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    npm.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    await until(() => out.includes("ready"), `"ready" from the probe (got: ${out})`);
    const before = processesWithMarker(marker).filter((pid) => pid !== npm.pid);
    expect(before.length).toBeGreaterThanOrEqual(2); // the shell or tsx, and the probe itself

    npm.kill("SIGKILL");
    await until(() => out.includes("stopping: launcher"), "the probe to notice its launcher is gone");
    // Its own process exits; the shell and tsx follow once it has.
    await until(() => processesWithMarker(marker).length === 0, "every process of the chain to end", 10_000);
  });

  it("watches only the direct parent when npm is not the launcher", () => {
    const chain = launcherChain({});
    expect(chain.map((l) => l.pid)).toEqual([process.ppid]);
  });
});
