// Work that may wait for a quiet moment: one job per turn of the event loop, so requests going out
// and answers coming in are handled between jobs, never held up behind all of them.
export interface IdleWork {
  add(job: () => void): void;
  /** Drops the jobs not run yet. */
  clear(): void;
}

export function idleWork(): IdleWork {
  const jobs: (() => void)[] = [];
  let scheduled = false;
  const runOne = () => {
    const job = jobs.shift();
    try {
      job?.();
    } catch {
      // Idle work only prepares (e.g. warms a cache); whatever it was for is done again properly later.
    }
    scheduled = jobs.length > 0;
    if (scheduled) setImmediate(runOne);
  };
  return {
    add(job) {
      jobs.push(job);
      if (!scheduled) {
        scheduled = true;
        setImmediate(runOne);
      }
    },
    clear() {
      jobs.length = 0;
    },
  };
}
