import { collectDefaultMetrics, Registry } from "prom-client";

/** prom-client's Registry, named here so packages that only pass registries around need no prom-client dependency. */
export type MetricsRegistry = Registry;

export interface MetricsRegistryOptions {
  /** Added as the `service` label on every series. */
  readonly serviceName: string;
  /** Process metrics (CPU, memory, event-loop lag, GC). On by default; tests switch them off for speed. */
  readonly defaultMetrics?: boolean;
}

/**
 * One registry per process, passed down from the composition root rather than prom-client's global one, so tests and
 * the embedded mode never collide on metric names.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
