import { createMetricsRegistry } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

/** A value of the registry's exposition, e.g. ihp_gateway_requests_total{operation="query institution",outcome="ok"}. */
async function seriesValue(text: Promise<string>, series: string): Promise<number | undefined> {
  const line = (await text).split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("health routes", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("answers /healthz while the process runs", async () => {
    const response = await h.app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("is ready when both services report SERVING, and stays ready (200, degraded) when one does not", async () => {
    const ready = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { identity: "SERVING", reporting: "SERVING" } });

    h.services.health.setStatus("ihp.reporting.v1.RegulatorFeedService", "NOT_SERVING");
    const draining = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(draining.statusCode).toBe(200);
    expect(draining.json()).toEqual({ status: "degraded", checks: { identity: "SERVING", reporting: "NOT_SERVING" } });
    h.services.health.setStatus("ihp.reporting.v1.RegulatorFeedService", "SERVING");
  });

  it("stays ready with every context UNREACHABLE listed when the services cannot be reached; liveness unaffected", async () => {
    await h.services.stop();
    const response = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "degraded", checks: { identity: "UNREACHABLE", reporting: "UNREACHABLE" } });
    expect((await h.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });
});

describe("per-context degradation and gateway metrics (issue 14 item 3)", () => {
  let h: Harness;
  const registry = createMetricsRegistry({ serviceName: "gateway", defaultMetrics: false });

  beforeAll(async () => {
    // Reporting points at a port nobody listens on: that context is down, identity is up.
    h = await startHarness({ reporting: "127.0.0.1:1", metricsRegistry: registry });
  });
  afterAll(() => h.close());

  it("answers SERVICE_UNAVAILABLE naming the down context while the other contexts keep working, and counts both outcomes", async () => {
    const admin = await h.token(["institution_admin"]);
    // Identity answers (its own refusal code, not SERVICE_UNAVAILABLE): that context works.
    const working = await h.post(`query { institution(id: "inst-1") { id } }`, undefined, admin);
    expect(working.body.errors?.[0]?.extensions?.["code"]).toBe("INSTITUTION_NOT_FOUND");
    expect((await h.post(`query { __typename }`, undefined, admin)).body).toEqual({ data: { __typename: "Query" } });

    const regulator = await h.token(["regulator"]);
    const down = await h.post(`query { regulatorFeed(first: 1) { edges { cursor } } }`, undefined, regulator);
    expect(down.status).toBe(200);
    expect(down.body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", context: "reporting" });

    const ready = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "degraded", checks: { identity: "SERVING", reporting: "UNREACHABLE" } });

    const text = (): Promise<string> => registry.metrics();
    expect(await seriesValue(text(), 'ihp_gateway_requests_total{operation="query institution",outcome="INSTITUTION_NOT_FOUND",service="gateway"}')).toBe(1);
    expect(await seriesValue(text(), 'ihp_gateway_requests_total{operation="query __typename",outcome="ok",service="gateway"}')).toBe(1);
    expect(await seriesValue(text(), 'ihp_gateway_requests_total{operation="query regulatorFeed",outcome="SERVICE_UNAVAILABLE",service="gateway"}')).toBe(1);
    expect(await seriesValue(text(), 'ihp_gateway_request_seconds_count{service="gateway",operation="query institution"}')).toBe(1);
    expect(await seriesValue(text(), 'ihp_gateway_subscriptions{service="gateway"}')).toBe(0);

    await h.post(`query { nope }`, undefined, admin);
    expect(await seriesValue(text(), 'ihp_gateway_requests_total{operation="none",outcome="not_executed",service="gateway"}')).toBe(1);
  });
});
