// `[7/13] 002_006` on stderr, rewritten in place, only for a person at a terminal: logs and CI
// captures stay clean.
import type { CaseReport } from "./report.js";

export interface Progress {
  update(done: number, total: number, latest: CaseReport): void;
  clear(): void;
}

const CLEAR_LINE = "\r\x1b[K";

export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  if (stream.isTTY !== true) return { update() {}, clear() {} };
  let shown = false;
  return {
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
