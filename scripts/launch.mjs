// `npm run conformance|mock|proxy|sandbox` in a clone: runs the compiled entry point from dist/
// (built by `prepare` after npm install/ci) for a fast start, in this very process. When a source
// file is newer than the build (someone is editing), it runs the TypeScript through tsx instead, so
// an npm script never runs stale code. Plain JavaScript: it must work before anything is compiled.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SOURCES = ["src", "generated", "common", "conformance", "sandbox", "mock", "scripts", "tsconfig.json", "tsconfig.build.json", "package.json"];

function newestSource(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.(ts|json|mjs)$/.test(path) ? stat.mtimeMs : 0;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestSource(join(path, entry)));
  return newest;
}

const entry = process.argv[2];
if (!entry || !/^[a-z/-]+$/.test(entry)) {
  process.stderr.write("launch: expected an entry point such as conformance/cli\n");
  process.exit(2);
}
const built = join(root, "dist", `${entry}.js`);
const source = join(root, `${entry}.ts`);
const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const fresh = builtAt > 0 && SOURCES.every((s) => newestSource(join(root, s)) <= builtAt);

if (!fresh && !existsSync(source)) {
  process.stderr.write(`launch: ${entry}.ts does not exist in this checkout\n`);
  process.exit(2);
}
const file = fresh ? built : source;
if (!fresh) {
  const { register } = await import("tsx/esm/api");
  register();
}
// The entry point sees itself as the script that was run, with its own arguments.
process.argv.splice(1, 2, file);
await import(pathToFileURL(file).href);
