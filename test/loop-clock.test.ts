// The loop clock's bound on when an answer came: the end of the runner's last wait (or, on a loop
// that never waits, two turns back), never later than the moment the answer is read, and never
// moved by work the runner does without waiting.
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

  it("on a loop that never blocks (something always ready), follows its turns: a timer's call came at most two turns before", async () => {
    // Every turn has work queued for the next, each 2 ms long, as on a starved runner: no wait at all.
    const scheduledAt = performance.now();
    let keepBusy = true;
    const turn = () => {
      tick();
      busyFor(2);
      if (keepBusy) setImmediate(turn);
    };
    setImmediate(turn);
    const bound = await new Promise<number>((resolve) => setTimeout(() => resolve(arrivedNotBefore()!), 100));
    keepBusy = false;
    // From the idle time alone it would be where the loop last blocked, before the timer was set.
    expect(bound).toBeGreaterThanOrEqual(scheduledAt + 50);
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
