// `npm run build` (also `prepack`): compiles src/ and generated/ into dist/, then copies what tsc
// does not emit but the package needs at run time (the spec's JSON copy that src/validation.ts reads
// relative to itself) and for types (the generated schema declarations).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (path: string) => fileURLToPath(new URL(path, new URL("..", import.meta.url)));

const COPIED = ["generated/openapi.json", "generated/schema.d.ts"] as const;

rmSync(at("dist"), { recursive: true, force: true });
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
mkdirSync(at("dist/generated"), { recursive: true });
for (const file of COPIED) copyFileSync(at(file), at(`dist/${file}`));
process.stdout.write(`built dist/ (src, generated; copied ${COPIED.join(", ")})\n`);
