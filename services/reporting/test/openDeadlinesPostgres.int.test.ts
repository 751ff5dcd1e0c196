import { randomBytes } from "node:crypto";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createLogger, createMetricsRegistry, type Principal } from "@ihp/platform";
import { openPostgresReadModels } from "@ihp/projections";
import { postgresReachable, TEST_DATABASE_URL, testQuery } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import type { DeadlinesReadModels } from "../src/adapters/deadlinesProjection.js";
import { anomalyHandlers, watchOverdueAnomalyCases } from "../src/application/anomalies.js";
import { incidentHandlers } from "../src/application/incidents.js";
import { OpenDeadlines } from "../src/application/openDeadlines.js";

// The open deadlines read model on PostgreSQL (READ_MODEL_URL): the checks' and the gauge's queries as on SQLite.
// CI starts PostgreSQL and fails when it is unreachable; elsewhere this is skipped with a printed reason.
const postgresUp = await postgresReachable("reporting deadlines on PostgreSQL");

const system: Principal = { subject: "regulator-adapter", roles: ["system"], tenantId: "platform", kind: "service" };
const admin: Principal = { subject: "admin-1", roles: ["institution_admin"], tenantId: "inst-1", kind: "human" };

describe.skipIf(!postgresUp)("REP-05 / REP-07 open deadlines on PostgreSQL", () => {
  it("REP-05: the anomaly check flags the open case past its due day and the gauge counts it; REP-07: the incident check flags its overdue tasks", async () => {
    const schema = `reporting_deadlines_${randomBytes(4).toString("hex")}`;
    await testQuery(`CREATE SCHEMA ${schema}`);
    const store = SqliteEventStore.open({ path: ":memory:" });
    const db = openPostgresReadModels<DeadlinesReadModels>(TEST_DATABASE_URL, { schema });
    try {
      let now = new Date("2026-09-30T02:00:00.000Z");
      const openDeadlines = new OpenDeadlines({ db, log: store });
      const deps = { store, clock: () => now, logger: createLogger({ name: "reporting", level: "silent" }), openDeadlines };
      const anomalies = anomalyHandlers(deps);
      const incidents = incidentHandlers(deps);
      const finding = { institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-1", workingDays: 3 };
      await anomalies.openCase(system, { ...finding, caseId: "case-open" });
      await anomalies.openCase(system, { ...finding, caseId: "case-closed" });
      await anomalies.closeCase(admin, "case-closed", "已整改。");
      await incidents.reportIncident(admin, { incidentId: "inc-1", institutionId: "inst-1", kind: "DATA_LEAK", operatorClass: "other", categoryCode: "exfiltration" });
      const registry = createMetricsRegistry({ serviceName: "reporting", defaultMetrics: false });
      const unwatch = watchOverdueAnomalyCases(registry, openDeadlines, () => now);

      now = new Date("2026-10-10T16:30:00.000Z");
      expect((await anomalies.flagOverdueCases()).map((event) => event.streamId)).toEqual(["reporting-anomaly-case-open"]);
      expect((await incidents.flagOverdueNotifications()).map((event) => (event.data as { authority: string }).authority)).toEqual(["cyberspace", "health"]);
      expect(await anomalies.flagOverdueCases()).toEqual([]);
      expect(await incidents.flagOverdueNotifications()).toEqual([]);
      expect((await registry.getSingleMetric("ihp_anomaly_cases_overdue")?.get())?.values[0]?.value).toBe(1);
      unwatch();
    } finally {
      await db.destroy();
      await store.close();
      await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }, 30_000);
});
