import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";

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

/** Process CPU, in % of one core over a window, under which the work a run left behind is taken as done. */
const DRAINED_CPU = 10;
const DRAIN_LIMIT_MS = 300_000;

/**
 * Milliseconds from `since` until the process's CPU stays under DRAINED_CPU for one window of `windowMs` (2 s by
 * default; shorter for short runs, to time their drain more finely); undefined at the limit. After a burst of flows
 * the platform keeps working for a while (bus consumers, projections, relays behind the commits): a figure per flow
 * that stops at the last answer leaves that work out.
 */
export async function drained(since: number, windowMs = 2_000): Promise<number | undefined> {
  for (;;) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    if (((used.user + used.system) / 1000 / (now - start)) * 100 < DRAINED_CPU) return start - since;
    if (now - since > DRAIN_LIMIT_MS) return undefined;
  }
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

/**
 * Process CPU (user + system) a piece of work used, in milliseconds, with its result. With BENCH_CPU_PROFILE=<prefix>
 * the main thread's V8 CPU profile of exactly this work is written to `<prefix>.<n>.cpuprofile`, n counting the measured
 * pieces of the run from 1 (open it in Chrome DevTools).
 */
let profiled = 0;
export async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const profileFile = process.env["BENCH_CPU_PROFILE"];
  const session = profileFile === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  if (session !== undefined && profileFile !== undefined) {
    const { profile } = await session.post("Profiler.stop");
    profiled += 1;
    writeFileSync(`${profileFile}.${profiled}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
  return { result, cpuMs: (used.user + used.system) / 1000 };
}
