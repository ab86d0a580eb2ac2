// `npm install && npm test` must pass by itself on a fresh machine: the test command's first step
// brings Debian's Chromium when it can and says what to do when it cannot; .ci/run is a clean
// install plus exactly that command.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STEP = join(ROOT, "scripts/ensure-chromium.sh");
const tmp = mkdtempSync(join(tmpdir(), "konaplate-chromium-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// As user nobody the script is handed over as text and run from "/": a checkout under a folder only
// root may enter (root's home, a `mktemp -d` folder) is neither readable nor enterable for nobody,
// and that must not decide the test.
function step(args: string[], env: NodeJS.ProcessEnv, asNobody = false): Promise<{ code: number; stderr: string }> {
  const [file, argv, cwd] = asNobody
    ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", readFileSync(STEP, "utf8"), STEP, ...args], "/"]
    : ["bash", [STEP, ...args], undefined];
  return new Promise((resolve) => {
    execFile(file, argv, { env, cwd, timeout: 20_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stderr });
    });
  });
}

describe("npm test's Chromium step", () => {
  it("is the first thing npm test does, and .ci/run is npm ci plus exactly the README's test command", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toMatch(/^bash scripts\/ensure-chromium\.sh && /);
    const ci = readFileSync(join(ROOT, ".ci/run"), "utf8").split("\n").filter((l) => /^npm /.test(l));
    expect(ci).toEqual(["npm ci", "npm test"]);
    const quickStart = readFileSync(join(ROOT, "README.md"), "utf8").split("## Quick start")[1]!.split("\n## ")[0]!;
    expect(quickStart).toMatch(/^npm install\nnpm test\b/m);
  });

  it("passes at once when the browser is there (CHROMIUM_PATH honoured)", async () => {
    const fake = join(tmp, "chromium");
    writeFileSync(fake, "#!/bin/sh\n");
    chmodSync(fake, 0o755);
    expect(await step([], { PATH: process.env.PATH, CHROMIUM_PATH: fake })).toEqual({ code: 0, stderr: "" });
  });

  it("a CHROMIUM_PATH that is not there fails with a message naming it", async () => {
    const run = await step([], { PATH: process.env.PATH, CHROMIUM_PATH: join(tmp, "missing") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`CHROMIUM_PATH=${join(tmp, "missing")} is not an executable file`);
  });

  // Dropping to user nobody needs root; elsewhere the machine itself is the case under test.
  it.skipIf(process.getuid?.() !== 0)("without root or sudo it says how to install the browser, and fails", async () => {
    const run = await step([join(tmp, "absent", "chromium")], { PATH: "/usr/bin:/bin" }, true);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("neither root nor password-less sudo is available");
    expect(run.stderr).toContain("apt-get install chromium");
  });
});
