// The runner's idle work: nothing before start(), then one job per turn of the event loop, so I/O
// callbacks run between jobs; a failing job stops nothing; clear() drops what is left.
import { describe, expect, it } from "vitest";
import { idleWork } from "../conformance/idle-work.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("idleWork", () => {
  it("runs nothing before start(), then every job in order, one per turn", async () => {
    const ran: string[] = [];
    const idle = idleWork();
    idle.add(() => ran.push("a"));
    idle.add(() => ran.push("b"));
    await turn();
    await turn();
    expect(ran).toEqual([]);
    idle.start();
    idle.add(() => ran.push("c"));
    // Something queued from outside between the jobs' turns shows they do not run back to back.
    setImmediate(() => ran.push("other"));
    for (let i = 0; i < 5; i++) await turn();
    expect(ran).toEqual(["a", "other", "b", "c"]);
  });

  it("goes on after a job that throws, and clear() drops the jobs not run yet", async () => {
    const ran: string[] = [];
    const idle = idleWork();
    idle.start();
    idle.add(() => {
      throw new Error("bug in a warm-up");
    });
    idle.add(() => ran.push("after"));
    idle.add(() => ran.push("dropped"));
    await turn();
    await turn();
    idle.clear();
    for (let i = 0; i < 3; i++) await turn();
    expect(ran).toEqual(["after"]);
  });
});
