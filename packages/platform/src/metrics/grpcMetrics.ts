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
/** Label sets remembered; a client calling unknown paths (UNIMPLEMENTED) cannot grow the map past this. */
const MAX_LABEL_SETS = 1_024;
/** gRPC status codes run 0–16; anything else is labelled but not remembered. */
const MAX_CODE = 16;
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
  // The label set of each path and code, made once: a process serves a fixed set of methods, and codes are few. By
  // path, then by code: the path is the method's own string, so no key is built per call.
  type Labels = Readonly<Record<(typeof LABELS)[number], string>>;
  const labelSets = new Map<string, Labels[]>();
  let remembered = 0;
  return {
    registry,
    observe(path, code, seconds) {
      let byCode = labelSets.get(path);
      let labels = byCode?.[code];
      if (labels === undefined) {
        const [service = "unknown", method = "unknown"] = path.replace(/^\//, "").split("/");
        labels = Object.freeze({ grpc_service: service, grpc_method: method, grpc_code: status[code] ?? String(code) });
        const index: number = code;
        if (remembered < MAX_LABEL_SETS && Number.isInteger(index) && index >= 0 && index <= MAX_CODE) {
          if (byCode === undefined) labelSets.set(path, (byCode = []));
          byCode[code] = labels;
          remembered += 1;
        }
      }
      counter.inc(labels);
      histogram.observe(labels, seconds);
    },
  };
}
