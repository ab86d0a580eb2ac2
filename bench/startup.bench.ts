// Start-up of the main job: the whole default run (`npm run conformance` on the embedded mock:
// Prism start, every case, reports written, Prism stopped) against the bare Prism CLI merely
// starting to listen on the same spec. Both are real processes, measured in turn in one run.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, prismBinary } from "../mock/prism.js";
import { SPEC_PATH } from "../common/package-files.js";
import type { BenchRow } from "./run.js";
import { fmt, median, timeOnce } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = 3;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2_000)));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`))));
  });
}

/** The bare CLI until it prints "Prism is listening"; stopping it afterwards is not timed. */
async function bareCliListening(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [prismBinary(), "mock", SPEC_PATH, "--host", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let text = "";
      const onData = (c: Buffer) => {
        text += c.toString();
        if (text.includes("Prism is listening")) resolve();
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      void exited.then(() => reject(new Error(`bare Prism exited before listening: ${text.slice(-1_000)}`)));
    });
    return performance.now() - started;
  } finally {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
  }
}

export default async function (): Promise<BenchRow[]> {
  // What a user runs after `npm install`: dist/ built from the sources as they are. With a source
  // newer than the build, scripts/launch.mjs would run the TypeScript through tsx and time that.
  await run("npm", ["run", "--silent", "build"]);
  const dir = mkdtempSync(join(tmpdir(), "konaplate-startup-bench-"));
  // The npm script's own command line, as `npm run` runs it (without npm's own start-up).
  const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.conformance!;
  const scriptEnv = { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}` };
  const variants = {
    // Only the time to listen counts for the bare CLI (stopping it is not timed).
    bare: bareCliListening,
    npmRun: () => timeOnce(() => run("npm", ["run", "--silent", "conformance", "--", "--report-dir", dir])),
    script: () => timeOnce(() => run("sh", ["-c", `${script} --report-dir "$0"`, dir], scriptEnv)),
  };
  const samples = { bare: [] as number[], npmRun: [] as number[], script: [] as number[] };
  try {
    // One unmeasured round (disk caches), then rounds in turn so drift hits every variant alike.
    for (const variant of Object.values(variants)) await variant();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, variant] of Object.entries(variants)) samples[name as keyof typeof samples].push(await variant());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bare = median(samples.bare);
  const npmRun = median(samples.npmRun);
  const direct = median(samples.script);
  return [
    {
      name: "start-up: `npm run conformance` (embedded mock, whole run) vs bare Prism CLI listening",
      ratio: npmRun / bare,
      goal: 1.2,
      detail: `run ${fmt(npmRun)} vs \`prism mock\` listening ${fmt(bare)}; moonshot ≤ 1.0×; medians of ${ROUNDS} interleaved rounds`,
    },
    {
      name: "start-up: the same run without npm's own start-up vs bare Prism CLI listening (reported)",
      ratio: direct / bare,
      goal: null,
      detail: `\`${script}\` ${fmt(direct)} vs ${fmt(bare)}`,
    },
  ];
}
