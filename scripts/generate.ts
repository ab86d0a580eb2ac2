// `npm run generate` — writes everything in generated/ (and the README's discrepancy table) from
// spec/openapi.yaml. `--check` writes nothing and exits 1 when any output is stale.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { renderOutputs } from "./lib/render.js";
import { ROOT } from "../common/package-files.js";

async function main() {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const [file, content] of await renderOutputs()) {
    const path = `${ROOT}${file}`;
    if (existsSync(path) && readFileSync(path, "utf8") === content) continue;
    stale.push(file);
    if (!check) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (check && stale.length) {
    console.error(`Stale generated files (run \`npm run generate\`): ${stale.join(", ")}`);
    process.exit(1);
  }
  console.log(stale.length ? `wrote ${stale.join(", ")}` : "generated/ is up to date");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
