import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

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

  it("is ready when both services report SERVING, and not ready when one does not", async () => {
    const ready = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { identity: "SERVING", reporting: "SERVING" } });

    h.services.health.setStatus("ihp.reporting.v1.RegulatorFeedService", "NOT_SERVING");
    const draining = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toEqual({ status: "not_ready", checks: { identity: "SERVING", reporting: "NOT_SERVING" } });
    h.services.health.setStatus("ihp.reporting.v1.RegulatorFeedService", "SERVING");
  });

  it("is not ready when the services cannot be reached", async () => {
    await h.services.stop();
    const response = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "not_ready", checks: { identity: "UNREACHABLE", reporting: "UNREACHABLE" } });
  });
});
