// The npm scripts' launcher (scripts/launch.mjs) as a real process in a throw-away copy of the
// layout: compiled JS from dist/ when the build is fresh, the TypeScript through tsx when a source
// is newer, never stale code, and the entry point sees itself as the script that was run.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "konaplate-launch-layout-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

mkdirSync(join(root, "scripts"));
mkdirSync(join(root, "dist", "scripts"), { recursive: true });
copyFileSync(join(ROOT, "scripts/launch.mjs"), join(root, "scripts/launch.mjs"));
symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"));
writeFileSync(join(root, "package.json"), JSON.stringify({ name: "layout", private: true, type: "module" }));
const probe = (kind: string) => `const kind: string = "${kind}";\nconsole.log(JSON.stringify({ kind, argv: process.argv.slice(1) }));\n`;
writeFileSync(join(root, "scripts/probe.ts"), probe("typescript"));
writeFileSync(join(root, "dist/scripts/probe.js"), probe("compiled").replace(": string", ""));

function launch(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, "scripts/launch.mjs"), ...args], { cwd: root, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

function age(path: string, secondsAgo: number): void {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(path, t, t);
}

describe("npm script launcher", () => {
  it("runs dist/ when it is newer than every source, with the entry point as argv[1] and the flags after it", async () => {
    for (const file of ["package.json", "scripts/launch.mjs", "scripts/probe.ts"]) age(join(root, file), 60);
    age(join(root, "dist/scripts/probe.js"), 1);
    const run = await launch(["scripts/probe", "--port", "4999"]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ kind: "compiled", argv: [join(root, "dist/scripts/probe.js"), "--port", "4999"] });
  });

  it("runs the TypeScript through tsx when a source is newer than the build", async () => {
    age(join(root, "dist/scripts/probe.js"), 60);
    age(join(root, "scripts/probe.ts"), 1);
    const run = await launch(["scripts/probe", "--help"]);
    expect(JSON.parse(run.stdout)).toEqual({ kind: "typescript", argv: [join(root, "scripts/probe.ts"), "--help"] });
  });

  it("names an entry point that does not exist, exit 2", async () => {
    const run = await launch(["scripts/absent"]);
    expect(run).toMatchObject({ code: 2, stderr: "launch: scripts/absent.ts does not exist in this checkout\n" });
  });
});
