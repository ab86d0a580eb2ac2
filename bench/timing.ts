// Shared by the benchmarks: interleaved rounds (so drift hits every variant alike) and medians.
export async function timeOnce(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs every variant once per round, in turn, after `warmups` unmeasured rounds (default one); medians in ms. */
export async function interleaved<K extends string>(rounds: number, variants: Record<K, () => Promise<unknown>>, warmups = 1): Promise<Record<K, number>> {
  const names = Object.keys(variants) as K[];
  for (let round = 0; round < warmups; round++) for (const name of names) await variants[name]();
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) samples[name].push(await timeOnce(variants[name]));
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}

export const fmt = (ms: number) => `${Math.round(ms)} ms`;
