// Where the package's own files are, wherever it runs from: the source tree, dist/, or installed as
// a dependency in node_modules (the package ships spec/ beside dist/).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's root, with a trailing slash: the nearest folder above this module holding a
 * package.json. Run from source that is one level up; compiled (dist/common/) it is two, and
 * installed as a dependency it is the package's folder in node_modules.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return `${dir}/`;
}

export const ROOT = packageRoot();
/** The contract: what Prism mocks and proxies, and what `npm run generate` reads. */
export const SPEC_PATH = `${ROOT}spec/openapi.yaml`;
