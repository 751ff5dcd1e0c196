import { status } from "@grpc/grpc-js";
import { Counter, Histogram, type Registry } from "prom-client";

export type GrpcSide = "server" | "client";

/** Counts and times gRPC calls by service, method and status name (OK, NOT_FOUND…). */
export interface GrpcMetrics {
  /** `path` is the call path, e.g. /ihp.consult.v1.ConsultService/StartConsult. */
  observe(path: string, code: status, seconds: number): void;
  /**
   * The registry these series live in: the service host and the gateway register their own (ihp_*) series there, so
   * one /metrics shows them all. Absent (a hand-made GrpcMetrics): they keep a private registry nobody scrapes.
   */
  readonly registry?: Registry;
}

const LABELS = ["grpc_service", "grpc_method", "grpc_code"] as const;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * grpc_<side>_handled_total and grpc_<side>_handling_seconds, named as in go-grpc-prometheus so existing dashboards
 * fit. Reuses the series when the registry already has them: in the embedded mode several services share a process.
 */
export function createGrpcMetrics(registry: Registry, side: GrpcSide = "server"): GrpcMetrics {
  const counterName = `grpc_${side}_handled_total`;
  const histogramName = `grpc_${side}_handling_seconds`;
  const counter =
    (registry.getSingleMetric(counterName) as Counter<(typeof LABELS)[number]> | undefined) ??
    new Counter({ name: counterName, help: `gRPC calls completed (${side} side)`, labelNames: LABELS, registers: [registry] });
  const histogram =
    (registry.getSingleMetric(histogramName) as Histogram<(typeof LABELS)[number]> | undefined) ??
    new Histogram({
      name: histogramName,
      help: `gRPC call duration in seconds (${side} side)`,
      labelNames: LABELS,
      buckets: BUCKETS,
      registers: [registry],
    });
  return {
    registry,
    observe(path, code, seconds) {
      const [service = "unknown", method = "unknown"] = path.replace(/^\//, "").split("/");
      const labels = { grpc_service: service, grpc_method: method, grpc_code: status[code] ?? String(code) };
      counter.inc(labels);
      histogram.observe(labels, seconds);
    },
  };
}
