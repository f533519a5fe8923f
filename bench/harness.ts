/**
 * Benchmarks print ratios against a baseline measured in the same run, on the same machine, so the
 * numbers mean something on any machine. Each bench/<name>.bench.ts exports `run(): Promise<BenchLine[]>`.
 */
export interface BenchLine {
  name: string;
  /** what was measured, in its own unit (instances/s, MiB/s, ms) */
  value: number;
  unit: string;
  /** value relative to each baseline measured in the same run */
  ratios: { against: string; ratio: number; target?: string }[];
}

/** Median wall time in ms of `fn` over `iterations` runs, after `warmup` runs. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, iterations = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function formatLine(l: BenchLine): string {
  const ratios = l.ratios.map((r) => `${r.ratio.toFixed(2)}x vs ${r.against}${r.target ? ` (target ${r.target})` : ''}`).join('; ');
  return `${l.name}: ${l.value.toFixed(2)} ${l.unit} | ${ratios}`;
}
