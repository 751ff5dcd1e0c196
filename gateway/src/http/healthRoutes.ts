import type { FastifyPluginAsync } from "fastify";
import type { Downstream } from "../grpc/downstream.js";

/**
 * /healthz: the process answers (liveness; never depends on a backend). /readyz: 200 as long as the gateway itself
 * can serve, with each context's state (SERVING, NOT_SERVING, UNREACHABLE) in the body: status "ready" when every
 * backend serves, "degraded" when some do not. One backend's outage must not take every gateway pod out of
 * rotation: the down context's fields answer SERVICE_UNAVAILABLE while the others keep working. Answers name each
 * service's state and nothing more.
 */
export function healthRoutes(downstream: Downstream, timeoutMs: number): FastifyPluginAsync {
  return (app) => {
    app.get("/healthz", () => Promise.resolve({ status: "ok" }));
    app.get("/readyz", async (_request, reply) => {
      const checks = await downstream.health(timeoutMs);
      const ready = Object.values(checks).every((state) => state === "SERVING");
      return reply.code(200).send({ status: ready ? "ready" : "degraded", checks });
    });
    return Promise.resolve();
  };
}
