// Finding the processes a test started, by a marker in their environment (inherited by every
// descendant, Prism included), so a test can prove none is left and kill any that is.
import { readdirSync, readFileSync } from "node:fs";

export const MARKER_VARIABLE = "KONAPLATE_TEST_MARK";

export function newMarker(label: string): string {
  return `${label}-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/** Pids of live processes whose environment carries `KONAPLATE_TEST_MARK=<marker>` (Linux /proc). */
export function processesWithMarker(marker: string): number[] {
  const needle = `${MARKER_VARIABLE}=${marker}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/stat`, "latin1");
      if (/\) Z /.test(status)) continue; // a zombie is already dead, just not yet reaped
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile, or is not ours to read
    }
  }
  return pids;
}

export function killMarked(marker: string): void {
  for (const pid of processesWithMarker(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
