import { AggregatorRegistry, type PrometheusContentType, Registry } from "prom-client";

/** What /metrics serves: a registry, or several read as one. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * One exposition from several registries (the embedded mode: each service and the gateway keep the registry they
 * have in a pod, with its own `service` label). prom-client's Registry.merge refuses two registries with the same
 * metric name, which every service has (grpc_server_handled_total, ihp_*); so each scrape reads every registry as
 * JSON and joins the families with AggregatorRegistry.aggregate: series of different services differ by their
 * `service` label and stay apart (nothing is summed). `processRegistry` (default process metrics, once per process)
 * is added as it is, since its names are its own.
 */
export function mergedMetrics(registries: () => readonly Registry[], processRegistry?: Registry<PrometheusContentType>): MetricsSource {
  return {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    async metrics() {
      const families = await Promise.all(registries().map((registry) => registry.getMetricsAsJSON()));
      const joined = AggregatorRegistry.aggregate<PrometheusContentType>(families);
      const parts: Registry<PrometheusContentType>[] = processRegistry === undefined ? [joined] : [processRegistry, joined];
      return Registry.merge(parts).metrics();
    },
  };
}
