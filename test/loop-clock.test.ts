// The loop clock's bound on when an answer came: the end of the runner's last wait, never later than
// the moment the answer is read, and never moved by work the runner does without waiting.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { arrivedNotBefore, tick } from "../conformance/loop-clock.js";

/** Busy for `ms` with the runner's samples; returns a moment no later than the last sample. */
const busyFor = (ms: number): number => {
  const until = performance.now() + ms;
  let beforeLastSample = performance.now();
  while (beforeLastSample < until) {
    tick();
    beforeLastSample = performance.now();
  }
  tick();
  return beforeLastSample;
};

describe("arrivedNotBefore", () => {
  it("after a wait is the wait's end at the earliest, however long the work before it", async () => {
    // Compared with the last sample, not a clock read after it: on a loaded machine the process may
    // be descheduled for milliseconds between any two statements.
    const workEnded = busyFor(100);
    const idleBefore = performance.eventLoopUtilization().idle;
    await sleep(50);
    // In a shared test process other work may wake the loop during the sleep: every wait counts.
    const waited = performance.eventLoopUtilization().idle - idleBefore;
    const bound = arrivedNotBefore()!;
    expect(waited).toBeGreaterThan(1);
    expect(bound).toBeGreaterThanOrEqual(workEnded + waited - 0.01);
    expect(bound).toBeLessThanOrEqual(performance.now());
  });

  it("stays where the last wait ended while the runner works on without waiting", async () => {
    await sleep(20);
    const first = arrivedNotBefore()!;
    busyFor(60);
    expect(arrivedNotBefore()).toBe(first);
    expect(performance.now() - first).toBeGreaterThanOrEqual(60);
  });
});
