// When did an answer arrive? The runner reads an answer only when its event loop gets to it: after a
// stretch of work on other cases, an answer may have lain unread. The loop's idle time tells where
// such a stretch began: libuv counts as idle only the time the loop blocked with nothing to do, and a
// loop that blocks has nothing unread. So an answer read after a wait was not there when that wait
// began: it came at the wait's end or later, however long the work since. Samples (every step of
// every exchange and case calls tick) give the last moment seen before each wait; the wait's length
// is the idle time it added. Both are lower bounds of the moment, so the time counted from them is
// never more than the server took; the time before a long stretch of the runner's own work is kept.
// A starved loop may never block (something is always ready when it polls), so turns mark it too:
// a sample asks for a callback in the check phase that follows the poll of its turn (one at a time,
// so no two in one turn, and none without a sample: an idle loop still blocks). What is read in the
// poll of turn n was not there at the poll of turn n-1, which came after the check phase of turn
// n-2: the second latest mark is a lower bound too.
import { performance } from "node:perf_hooks";

/** The loop's idle total (ms) during the stretch now running, and the last moment seen in it. */
let idleNow = -1;
let seenNow = 0;
/** The same for the stretch before the last wait seen (undefined until one was seen). */
let idleBefore: number | undefined;
let seenBefore = 0;

/** When the latest two turn marks ran, each in a turn of its own (-Infinity before any). */
let markedLast = Number.NEGATIVE_INFINITY;
let markedBefore = Number.NEGATIVE_INFINITY;
let markPending = false;

function markTurn(): void {
  markPending = false;
  markedBefore = markedLast;
  markedLast = performance.now();
}

/** One sample: call at every step of the runner's own work, so a stretch's last moment is known closely. */
export function tick(): void {
  if (!markPending) {
    markPending = true;
    setImmediate(markTurn);
  }
  const now = performance.now();
  const idle = performance.eventLoopUtilization().idle;
  if (idle !== idleNow) {
    idleBefore = idleNow < 0 ? undefined : idleNow;
    seenBefore = seenNow;
    idleNow = idle;
  }
  seenNow = now;
}

/**
 * The earliest moment (performance.now() time) that what is being handled now (in a turn's poll, not
 * its check phase) can have arrived: the end of the last wait before it, or the second latest turn
 * mark, whichever is later. Undefined while neither is known.
 */
export function arrivedNotBefore(): number | undefined {
  tick();
  const afterWait = idleBefore === undefined ? Number.NEGATIVE_INFINITY : seenBefore + (idleNow - idleBefore);
  const bound = Math.max(afterWait, markedBefore);
  return bound === Number.NEGATIVE_INFINITY ? undefined : bound;
}
