// Report files are written where the user said, safely: the directory is proven writable before the
// first request (a run is not wasted on a typo), and each file is written under a fresh name and
// renamed into place, so a symlink planted as `report.json` is replaced, never followed.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UsageError } from "../common/cli-flags.js";

function freshName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** O_CREAT|O_EXCL|O_NOFOLLOW: a new file or nothing; an existing file or link there is an error. */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Writes `text` to a new file beside `path`, then renames it over `path` (atomic on one file system). */
export async function writeFileReplacing(path: string, text: string): Promise<void> {
  const temp = freshName(path);
  const handle = await open(temp, NEW_FILE, 0o644);
  try {
    await handle.writeFile(text, "utf8");
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}

/** Creates `dir` if needed and proves a file can be created in it; a UsageError naming `flag` otherwise. */
export async function checkWritableDir(dir: string, flag = "--report-dir"): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = freshName(join(dir, "write-check"));
    const handle = await open(probe, NEW_FILE, 0o600);
    await handle.close();
    await unlink(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`${flag} ${dir}: cannot write reports there (${code})`);
  }
}
