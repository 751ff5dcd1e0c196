import { HealthCheckResponse_ServingStatus as ServingStatus } from "@ihp/contracts";
import { describe, expect, it } from "vitest";
import { HealthService, OVERALL, watchHealth } from "../src/index.js";

// Issue 14 item 3: health that tells the truth. The service host probes its bus and its event store this way.
function health(): HealthService {
  const service = new HealthService();
  service.setStatus(OVERALL, "SERVING");
  service.setStatus("ihp.demo.v1.DemoService", "SERVING");
  return service;
}

describe("watchHealth (issue 14 item 3)", () => {
  it("turns the server and every service NOT_SERVING while a probe fails, SERVING once all answer, and says which failed", async () => {
    const status = health();
    let storeUp = true;
    const changes: (readonly string[])[] = [];
    const watch = watchHealth({
      health: status,
      everyMs: 60_000,
      probes: [
        { name: "bus", check: () => Promise.resolve() },
        { name: "event-store", check: () => (storeUp ? Promise.resolve() : Promise.reject(new Error("SQLITE_CANTOPEN"))) },
      ],
      onChange: (failing) => changes.push(failing),
    });
    try {
      await watch.checkNow();
      expect(status.status(OVERALL)).toBe(ServingStatus.SERVING);

      storeUp = false;
      await watch.checkNow();
      expect(status.status(OVERALL)).toBe(ServingStatus.NOT_SERVING);
      expect(status.status("ihp.demo.v1.DemoService")).toBe(ServingStatus.NOT_SERVING);

      storeUp = true;
      await watch.checkNow();
      expect(status.status(OVERALL)).toBe(ServingStatus.SERVING);
      expect(status.status("ihp.demo.v1.DemoService")).toBe(ServingStatus.SERVING);
      // First run healthy (""), then the store down, then healthy again: told on each change only.
      expect(changes).toEqual([["event-store"], []]);
    } finally {
      watch.stop();
    }
  });

  it("counts a probe that does not answer within its timeout as failed", async () => {
    const status = health();
    const watch = watchHealth({ health: status, everyMs: 60_000, timeoutMs: 20, probes: [{ name: "bus", check: () => new Promise(() => undefined) }] });
    try {
      await watch.checkNow();
      expect(status.status(OVERALL)).toBe(ServingStatus.NOT_SERVING);
    } finally {
      watch.stop();
    }
  });

  it("runs by itself every everyMs, and a draining server (shutdown) stays NOT_SERVING", async () => {
    const status = health();
    let runs = 0;
    const watch = watchHealth({ health: status, everyMs: 10, probes: [{ name: "bus", check: () => Promise.resolve(runs++) }] });
    try {
      await expect.poll(() => runs, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
      status.shutdown();
      const before = runs;
      await expect.poll(() => runs, { timeout: 2_000 }).toBeGreaterThan(before);
      expect(status.status(OVERALL)).toBe(ServingStatus.NOT_SERVING);
    } finally {
      watch.stop();
    }
  });
});
