// `npm run generate` (in --check mode: every output is rendered and compared, nothing written) against
// the bare openapi-typescript CLI on the same spec, both as child processes: what the kit's extra
// tables, examples and drift checks cost on top of the types alone.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./run.js";
import { fmt, interleaved } from "./timing.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ROUNDS = 5;

/** Exactly what `npm run generate` runs (from package.json), without npm's own start-up. */
function generateCommand(): [string, string[]] {
  const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts.generate ?? "").split(/\s+/);
  if (command === "node") return [process.execPath, args];
  if (command === "tsx") return [`${ROOT}node_modules/.bin/tsx`, args];
  throw new Error(`bench: cannot run the generate script "${scripts.generate}" directly`);
}

/** Resolves whatever the exit code in `accepted`; `--check` exits 1 when generated/ is stale. */
function runChild(command: string, args: string[], cwd: string, accepted: readonly number[] = [0]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      if (accepted.includes(code)) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr.trim()}`));
    });
  });
}

export default async function (): Promise<BenchRow[]> {
  const scratch = mkdtempSync(join(tmpdir(), "konaplate-bench-"));
  try {
    const [command, args] = generateCommand();
    const t = await interleaved(ROUNDS, {
      generate: () => runChild(command, [...args, "--check"], ROOT, [0, 1]),
      // Run outside the repo: the CLI would otherwise read redocly.yaml and refuse the single-file form.
      bare: () => runChild(`${ROOT}node_modules/.bin/openapi-typescript`, [`${ROOT}spec/openapi.yaml`, "-o", join(scratch, "schema.d.ts")], scratch),
    });
    return [
      {
        name: "generate (--check, writes nothing) vs bare openapi-typescript CLI",
        ratio: t.generate / t.bare,
        goal: 1.2,
        detail: `generate ${fmt(t.generate)} vs openapi-typescript ${fmt(t.bare)}; child processes, medians of ${ROUNDS} interleaved rounds`,
      },
    ];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
