import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import { readModelDialects, storedEvents } from "@ihp/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ConsultReadModels, queuesProjection } from "../src/application/queuesProjection.js";

// The consult queues' read model row by row, on both dialects: what each consult event writes, whatever form the
// projection's queries take.

const dialects = await readModelDialects("consult queues read model", {
  sqlite: () => openSqliteReadModels<ConsultReadModels>(":memory:"),
  postgres: (url, schema) => openPostgresReadModels<ConsultReadModels>(url, { schema, maxConnections: 2 }),
});

const requested = (consultId: string) => ({
  consultId,
  institutionId: "inst-1",
  consultType: "FOLLOW_UP",
  departmentCode: "03.07",
  patientId: "pat-1",
  guardianId: "",
  requestedAt: "2026-03-02T08:00:00.000Z",
  acceptBy: "2026-03-02T08:30:00.000Z",
});

/** Events in log order, with only the fields the projection reads. */
function events(...facts: [type: string, data: Record<string, unknown>][]) {
  return storedEvents((data) => `consult-${String(data["consultId"])}`, facts);
}

for (const dialect of dialects) describe.skipIf(!dialect.available)(`consult queues read model on ${dialect.name}`, () => {
  it("requests in order, a repeated request, acceptance, a refused follow-up and a start", async () => {
    const db = await dialect.open();
    onTestFinished(() => db.destroy());
    const projector = new Projector({ db, projection: queuesProjection, source: { readAll: () => Promise.resolve([]), subscribe: () => (async function* () {})() } });

    await projector.handleBatch(
      events(
        ["ConsultRequested", requested("c-1")],
        ["ConsultRequested", requested("c-2")],
        ["ConsultRequested", { ...requested("c-1"), departmentCode: "other" }],
        ["ConsultAccepted", { consultId: "c-1", physicianId: "phy-1" }],
        ["FollowUpEligibilityDecided", { consultId: "c-2", eligible: false }],
        ["FollowUpEligibilityDecided", { consultId: "c-1", eligible: true }],
        ["ConsultStarted", { consultId: "c-1" }],
      ),
    );

    const rows = await db.selectFrom("consults").select(["consult_id", "seq", "department_code", "physician_id", "status", "updated_at"]).orderBy("seq").execute();
    expect(rows.map((row) => ({ ...row, seq: Number(row.seq) }))).toEqual([
      { consult_id: "c-1", seq: 1, department_code: "03.07", physician_id: "phy-1", status: "IN_PROGRESS", updated_at: "2026-03-02T09:06:00.000Z" },
      { consult_id: "c-2", seq: 2, department_code: "03.07", physician_id: "", status: "REFUSED", updated_at: "2026-03-02T09:04:00.000Z" },
    ]);
  });
});
