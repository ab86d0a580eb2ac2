// The kit as users get it, made once per test file: `npm pack` of this repository (which builds
// dist/) installed into a fresh project. Packing and installing take most of a minute, so the
// package test and the CI recipe test share one.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL("../..", import.meta.url));

export interface PackedKit {
  /** Absolute path of the tarball `npm pack` wrote. */
  tarball: string;
  /** Its file name, e.g. konaplate-contract-kit-0.1.0.tgz. */
  tarballName: string;
  /** A project (`type: module`) with the tarball installed; its node_modules holds every dependency. */
  project: string;
}

export async function packAndInstall(dir: string): Promise<PackedKit> {
  await run("npm", ["pack", "--pack-destination", dir], { cwd: REPO });
  const tarballs = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
  if (tarballs.length !== 1) throw new Error(`npm pack wrote ${tarballs.length} tarballs in ${dir}`);
  const tarballName = tarballs[0]!;
  const tarball = join(dir, tarballName);

  const project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "konaplate-pack-probe", private: true, type: "module" }));
  const install = ["install", "--no-audit", "--no-fund", tarball];
  try {
    await run("npm", [...install, "--offline"], { cwd: project });
  } catch {
    // The cache holds the dependency tarballs but not always their registry metadata.
    await run("npm", [...install, "--prefer-offline"], { cwd: project });
  }
  return { tarball, tarballName, project };
}
