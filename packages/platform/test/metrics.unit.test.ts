import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createGrpcMetrics, createMetricsRegistry, serveMetrics } from "../src/index.js";

describe("metrics", () => {
  it("serves default process metrics and gRPC call series as Prometheus text", async () => {
    const registry = createMetricsRegistry({ serviceName: "consult" });
    const metrics = createGrpcMetrics(registry);
    metrics.observe("/ihp.consult.v1.ConsultService/StartConsult", status.OK, 0.012);
    metrics.observe("/ihp.consult.v1.ConsultService/StartConsult", status.FAILED_PRECONDITION, 0.003);
    metrics.observe("/ihp.consult.v1.ConsultService/StartConsult", status.OK, 0.02);

    const server = await serveMetrics({ registry, port: 0 });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const body = await response.text();
      expect(body).toContain('process_cpu_user_seconds_total{service="consult"}');
      expect(body).toContain(
        'grpc_server_handled_total{grpc_service="ihp.consult.v1.ConsultService",grpc_method="StartConsult",grpc_code="OK",service="consult"} 2',
      );
      expect(body).toContain('grpc_code="FAILED_PRECONDITION",service="consult"} 1');
      expect(body).toMatch(/grpc_server_handling_seconds_bucket\{le="0.025",.*grpc_code="OK".*\} 2/);
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("shares series when several services in one process ask for them", async () => {
    const registry = createMetricsRegistry({ serviceName: "embedded", defaultMetrics: false });
    createGrpcMetrics(registry).observe("/a.v1.A/X", status.OK, 0.001);
    createGrpcMetrics(registry).observe("/b.v1.B/Y", status.OK, 0.001);
    createGrpcMetrics(registry, "client").observe("/a.v1.A/X", status.UNAVAILABLE, 0.001);
    const text = await registry.metrics();
    expect(text).toContain('grpc_service="a.v1.A",grpc_method="X"');
    expect(text).toContain('grpc_service="b.v1.B",grpc_method="Y"');
    expect(text).toContain('grpc_client_handled_total{grpc_service="a.v1.A",grpc_method="X",grpc_code="UNAVAILABLE"');
  });
});
