import type { FastifyPluginAsync } from "fastify";
import type { Downstream } from "../grpc/downstream.js";

/**
 * /healthz: the process answers (liveness). /readyz: every downstream service answers its grpc.health.v1 check with
 * SERVING (readiness), so a gateway whose services are down or draining is taken out of rotation. Answers name
 * each service's state and nothing more.
 */
export function healthRoutes(downstream: Downstream, timeoutMs: number): FastifyPluginAsync {
  return (app) => {
    app.get("/healthz", () => Promise.resolve({ status: "ok" }));
    app.get("/readyz", async (_request, reply) => {
      const checks = await downstream.health(timeoutMs);
      const ready = Object.values(checks).every((state) => state === "SERVING");
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
    });
    return Promise.resolve();
  };
}
