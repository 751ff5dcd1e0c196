import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** One series of a gauge read at scrape time. */
export interface GaugeSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Reads the current samples of one source (a projection, a consumer…); a failed read leaves its series out. */
export type GaugeSource = () => Promise<readonly GaugeSample[]> | readonly GaugeSample[];

const sourcesOf = new WeakMap<Gauge, Set<GaugeSource>>();

/** A source that does not answer within this time is left out of the scrape rather than holding it up. */
const SOURCE_TIMEOUT_MS = 1_000;

async function bounded(source: GaugeSource): Promise<readonly GaugeSample[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("metric source timed out")), SOURCE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(source), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A gauge computed when Prometheus scrapes (prom-client's collect()), from any number of sources registered with
 * `watch`: no timer keeps it fresh and a stopped component takes its series away by calling the returned function.
 * Reuses the gauge when the registry already has it, so several components of one service share the family.
 */
export function scrapeGauge(
  registry: Registry,
  spec: { readonly name: string; readonly help: string; readonly labelNames: readonly string[] },
): { watch(source: GaugeSource): () => void } {
  let gauge = registry.getSingleMetric(spec.name) as Gauge | undefined;
  if (gauge === undefined) {
    const sources = new Set<GaugeSource>();
    gauge = new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      registers: [registry],
      async collect() {
        this.reset();
        const read = await Promise.allSettled([...sources].map((source) => bounded(source)));
        for (const result of read) {
          if (result.status === "fulfilled") for (const sample of result.value) this.set({ ...sample.labels }, sample.value);
        }
      },
    });
    sourcesOf.set(gauge, sources);
  }
  const sources = sourcesOf.get(gauge);
  if (sources === undefined) throw new Error(`${spec.name} is registered, but not as a scrape-time gauge`);
  return {
    watch(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
  };
}

/** The registry's counter of that name, created on first use (embedded mode: components of one process share it). */
export function sharedCounter<L extends string>(registry: Registry, spec: { name: string; help: string; labelNames: readonly L[] }): Counter<L> {
  return (
    (registry.getSingleMetric(spec.name) as Counter<L> | undefined) ??
    new Counter<L>({ name: spec.name, help: spec.help, labelNames: [...spec.labelNames], registers: [registry] })
  );
}

/** Latency buckets in seconds, 1 ms … 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The registry's histogram of that name, created on first use. */
export function sharedHistogram<L extends string>(
  registry: Registry,
  spec: { name: string; help: string; labelNames: readonly L[]; buckets?: number[] },
): Histogram<L> {
  return (
    (registry.getSingleMetric(spec.name) as Histogram<L> | undefined) ??
    new Histogram<L>({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      buckets: spec.buckets ?? LATENCY_BUCKETS,
      registers: [registry],
    })
  );
}
