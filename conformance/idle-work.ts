// Work that may wait for a quiet moment: one job per turn of the event loop, so requests going out
// and answers coming in are handled between jobs, never held up behind all of them. Nothing runs
// before start(): while a run is still sending, sending comes first.
export interface IdleWork {
  add(job: () => void): void;
  /** Jobs run from now on (those added before included). */
  start(): void;
  /** Drops the jobs not run yet. */
  clear(): void;
}

export function idleWork(): IdleWork {
  const jobs: (() => void)[] = [];
  let started = false;
  let scheduled = false;
  const schedule = () => {
    if (started && !scheduled && jobs.length) {
      scheduled = true;
      setImmediate(runOne);
    }
  };
  const runOne = () => {
    scheduled = false;
    try {
      jobs.shift()?.();
    } catch {
      // Idle work only prepares (e.g. warms a cache); whatever it was for is done again properly later.
    }
    schedule();
  };
  return {
    add(job) {
      jobs.push(job);
      schedule();
    },
    start() {
      started = true;
      schedule();
    },
    clear() {
      jobs.length = 0;
    },
  };
}
