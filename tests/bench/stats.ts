/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface Timing {
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function summarise(count: number, elapsedMs: number, latenciesMs: number[]): Timing {
  latenciesMs.sort((a, b) => a - b);
  return {
    perSec: round((count / elapsedMs) * 1000, 0),
    p50Ms: round(percentile(latenciesMs, 50), 3),
    p99Ms: round(percentile(latenciesMs, 99), 3),
  };
}

/** Process CPU (user + system) a piece of work used, in milliseconds, with its result. */
export async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}
