// `[7/13] 002_006` on stderr, rewritten in place, only for a person at a terminal: logs and CI
// captures stay clean.
import type { CaseReport } from "./report.js";

export interface Progress {
  /** What the run is doing before its first case (e.g. starting the embedded mock). */
  status(text: string): void;
  update(done: number, total: number, latest: CaseReport): void;
  clear(): void;
}

const CLEAR_LINE = "\r\x1b[K";

export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  if (stream.isTTY !== true) return { status() {}, update() {}, clear() {} };
  let shown = false;
  return {
    status(text) {
      shown = true;
      stream.write(`\r${text}\x1b[K`);
    },
    update(done, total, latest) {
      shown = true;
      // Clearing after the text: a shorter line must not leave the tail of a longer one.
      stream.write(`\r[${done}/${total}] ${latest.id}\x1b[K`);
    },
    clear() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
