import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger, createMetricsRegistry, type Principal } from "@ihp/platform";
import { afterEach, describe, expect, it } from "vitest";
import { anomalyHandlers, watchOverdueAnomalyCases } from "../src/application/anomalies.js";
import { appendOtherEvents } from "./support/longLog.js";
import { openDeadlinesOver } from "./support/openDeadlines.js";

// REP-05 "overdue cases alert": the ihp_anomaly_cases_overdue gauge the alert rule IhpAnomalyCasesOverdue reads.

const system: Principal = { subject: "regulator-adapter", roles: ["system"], tenantId: "platform", kind: "service" };
const admin: Principal = { subject: "admin-1", roles: ["institution_admin"], tenantId: "inst-1", kind: "human" };

describe("REP-05 overdue anomaly cases gauge", () => {
  const store = SqliteEventStore.open({ path: ":memory:" });
  afterEach(async () => {
    await store.close();
  });

  it("REP-05: an open case counts from the Beijing day after its due day; a closed one never", async () => {
    let now = new Date("2026-09-30T02:00:00.000Z");
    const handlers = anomalyHandlers({ store, clock: () => now, logger: createLogger({ name: "reporting", level: "silent" }) });
    const finding = { institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-1", workingDays: 3 };
    // Received Wed 2026-09-30: Oct 1–7 are holidays; Oct 8, 9 and Sat Oct 10 (调休) make the due day 2026-10-10.
    await handlers.openCase(system, { ...finding, caseId: "case-open" });
    await handlers.openCase(system, { ...finding, caseId: "case-closed" });
    const registry = createMetricsRegistry({ serviceName: "reporting", defaultMetrics: false });
    const readModel = openDeadlinesOver(store);
    const unwatch = watchOverdueAnomalyCases(registry, readModel.deadlines, () => now);
    const overdue = async () => (await registry.getSingleMetric("ihp_anomaly_cases_overdue")?.get())?.values[0]?.value;

    expect(await overdue()).toBe(0);
    now = new Date("2026-10-10T15:59:00.000Z"); // 23:59 Beijing on the due day
    expect(await overdue()).toBe(0);
    now = new Date("2026-10-10T16:00:00.000Z");
    expect(await overdue()).toBe(2);
    await handlers.closeCase(admin, "case-closed", "已整改。");
    expect(await overdue()).toBe(1);
    unwatch();
    await readModel.close();
  });

  it("REP-05: a case opened after more than 1,000 other events in the log still counts", async () => {
    const log = SqliteEventStore.open({ path: ":memory:" });
    let now = new Date("2026-09-30T02:00:00.000Z");
    const handlers = anomalyHandlers({ store: log, clock: () => now, logger: createLogger({ name: "reporting", level: "silent" }) });
    await appendOtherEvents(log, now);
    await handlers.openCase(system, { caseId: "case-late", institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-2", workingDays: 3 });
    const registry = createMetricsRegistry({ serviceName: "reporting", defaultMetrics: false });
    const readModel = openDeadlinesOver(log);
    const unwatch = watchOverdueAnomalyCases(registry, readModel.deadlines, () => now);
    now = new Date("2026-10-10T16:00:00.000Z");
    expect((await registry.getSingleMetric("ihp_anomaly_cases_overdue")?.get())?.values[0]?.value).toBe(1);
    unwatch();
    await readModel.close();
    await log.close();
  });
});
