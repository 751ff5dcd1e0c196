import { randomUUID } from "node:crypto";
import { DomainError } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import type { BusMessage } from "@ihp/messaging";
import { createLogger, type Principal, type Role } from "@ihp/platform";
import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import { readWholeLog } from "@ihp/testing";
import type { Kysely } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SOURCE_DECODERS } from "../src/adapters/sourceDecoders.js";
import { type StatisticsReadModels, statisticsProjection } from "../src/adapters/statisticsProjection.js";
import { anomalyHandlers } from "../src/application/anomalies.js";
import type { SourceContextName } from "../src/application/feedConsumer.js";
import { recordFeedEntry } from "../src/application/recordFeedEntry.js";
import { statisticsHandlers } from "../src/application/statisticsDashboard.js";
import { ConsultStarted } from "@ihp/contracts/consult";
import { statisticsConsultHandler } from "../src/adapters/statisticsConsumer.js";
import { FEED_ENTRY_RECORDED, type FeedEntryRecordedData } from "../src/domain/feed/entries.js";
import { consultStarted, consultTerminated, prescriptionReviewed, prescriptionSigned } from "./support/activityEvents.js";
import { contextMessage } from "./support/identityEvents.js";
import { LogCapture } from "./support/logCapture.js";

// REP-04 supervision statistics over the store: feed entries recorded the way the feed consumers record them, the
// statistics projection over the log into a SQLite read model, and the query with its access rule.

function principal(role: Role, tenantId: string): Principal {
  return { subject: `${role}-1`, roles: [role], tenantId, kind: "human" };
}

async function refusedWith(run: Promise<unknown>): Promise<string> {
  const error = await run.then(() => undefined, (thrown: unknown) => thrown);
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error.code;
}

const DAY = { from: "2026-03-02", to: "2026-03-02" };

// The same read model on both dialects: SQLite (embedded) and PostgreSQL (READ_MODEL_URL). CI starts PostgreSQL and
// fails when it is unreachable; elsewhere the PostgreSQL run is skipped with a printed reason.
const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const postgresUp = await adminQuery("SELECT 1").then(
  () => true,
  (error: unknown) => {
    if (process.env["CI"] === "true") throw error;
    console.warn(`statistics on PostgreSQL skipped: ${DATABASE_URL} unreachable (${String(error)})`);
    return false;
  },
);

interface Dialect {
  readonly name: string;
  readonly available: boolean;
  open(): Promise<{ readonly db: Kysely<StatisticsReadModels>; close(): Promise<void> }>;
}

const DIALECTS: readonly Dialect[] = [
  {
    name: "SQLite",
    available: true,
    open: () => {
      const db = openSqliteReadModels<StatisticsReadModels>(":memory:");
      return Promise.resolve({ db, close: () => db.destroy() });
    },
  },
  {
    name: "PostgreSQL",
    available: postgresUp,
    open: async () => {
      const schema = `statistics_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await adminQuery(`CREATE SCHEMA "${schema}"`);
      const db = openPostgresReadModels<StatisticsReadModels>(DATABASE_URL, { schema, maxConnections: 2 });
      return {
        db,
        close: async () => {
          await db.destroy();
          await adminQuery(`DROP SCHEMA "${schema}" CASCADE`);
        },
      };
    },
  },
];

for (const dialect of DIALECTS) describe.skipIf(!dialect.available)(`REP-04 supervision statistics over the store, read model on ${dialect.name}`, () => {
  let store: SqliteEventStore;
  let readModels: Kysely<StatisticsReadModels>;
  let closeReadModels: () => Promise<void>;
  let projector: Projector<StatisticsReadModels>;
  let now: Date;
  const delivered: { context: SourceContextName; message: BusMessage }[] = [];

  async function deliver(context: SourceContextName, message: BusMessage): Promise<void> {
    const decoded = SOURCE_DECODERS[context](message);
    if (decoded.kind !== "fact") throw new Error("expected a fact");
    await recordFeedEntry(store, decoded.event, decoded.source, now);
    delivered.push({ context, message });
  }

  async function register(institutionId: string, jurisdiction: string): Promise<void> {
    const institution = { institutionId, name: "示例互联网医院", grade: "HOSPITAL_GRADE_TERTIARY_A", licence: { number: `PDY-${institutionId}`, validFrom: "2026-01-01", validUntil: "2030-12-31" }, subjectCodes: ["03.07"], jurisdiction, hostLicenceNumber: "12010011A1001" };
    await recordFeedEntry(store, { sourceEventId: `0195a3c4-1111-7000-8000-00000000000${institutionId.slice(-1)}`, occurredAt: "2026-03-01T08:00:00.000Z", fact: { type: "InstitutionRegistered", institution } }, { correlationId: "" }, now);
  }

  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ":memory:" });
    ({ db: readModels, close: closeReadModels } = await dialect.open());
    projector = new Projector({ db: readModels, projection: statisticsProjection, source: store });
    now = new Date("2026-03-02T12:00:00.000Z");
    delivered.length = 0;
    await register("inst-1", "tianjin");
    await register("inst-2", "guangxi");
    // inst-1: two follow-ups (one terminated), a prescription signed 09:10 and returned 09:40 — the review recorded
    // first, as the pharmacy consumer may be ahead of the prescription one. inst-2: one consult.
    await deliver("consult", consultStarted("inst-1", "c-1"));
    await deliver("consult", consultStarted("inst-1", "c-2"));
    await deliver("consult", consultTerminated("inst-1", "c-2"));
    await deliver("pharmacy", prescriptionReviewed("inst-1"));
    await deliver("prescription", prescriptionSigned("inst-1", {}, { occurredAt: "2026-03-02T09:10:00.000Z" }));
    await deliver("consult", consultStarted("inst-2", "c-9"));
    const logger = createLogger({ name: "reporting", level: "debug", destination: new LogCapture() });
    await anomalyHandlers({ store, clock: () => now, logger }).openCase(principal("regulator", "tianjin"), {
      caseId: "case-1", institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", findingReference: "TJ-1", workingDays: 3,
    });
  });
  afterEach(async () => {
    await projector.stop();
    await closeReadModels();
    await store.close();
  });

  const handlers = () => statisticsHandlers({ store, readModels, clock: () => now });

  it("REP-04, REP-05: the figures of an institution equal what its feed entries say; a jurisdiction covers only its institutions", async () => {
    await projector.runOnce();
    const own = await handlers().dashboard(principal("institution_admin", "inst-1"), { institutionId: "inst-1", jurisdiction: "", ...DAY });
    expect(own).toMatchObject({
      consultsByType: [{ key: "FOLLOW_UP", count: 2 }],
      consultsByDepartment: [{ key: "03.07", count: 2 }],
      prescriptionsIssued: 1,
      prescriptionsApproved: 0,
      prescriptionsReturned: 1,
      prescriptionsRejected: 0,
      prescriptionReasons: [{ key: "DOSE_TOO_HIGH", count: 1 }],
      // Signed 09:10, returned 09:40, though the review was recorded first.
      reviewTurnaround: { count: 1, medianMinutes: 30, p90Minutes: 30 },
      consultResponse: { count: 0, medianMinutes: undefined, p90Minutes: undefined },
      terminations: 1,
      referrals: 1,
      terminationReasons: [{ key: "SUSPECTED_EMERGENCY", count: 1 }],
      adverseEventsBySeverity: [],
      complaintsByStatus: [],
      openAnomalyCases: [{ caseId: "case-1", institutionId: "inst-1", dueOn: "2026-03-05", overdue: false }],
    });
    // As of the last event applied (the anomaly case, the log's last event).
    expect(own.asOf).toBe((await readWholeLog(store)).at(-1)?.recordedAt);

    const tianjin = await handlers().dashboard(principal("regulator", "tianjin"), { institutionId: "", jurisdiction: "tianjin", ...DAY });
    expect(tianjin).toEqual(own);
    const guangxi = await handlers().dashboard(principal("regulator", "guangxi"), { institutionId: "", jurisdiction: "guangxi", ...DAY });
    expect(guangxi).toMatchObject({ consultsByType: [{ key: "FOLLOW_UP", count: 1 }], prescriptionsIssued: 0, openAnomalyCases: [] });
    const national = await handlers().dashboard(principal("regulator", "national"), { institutionId: "", jurisdiction: "national", ...DAY });
    expect(national.consultsByType).toEqual([{ key: "FOLLOW_UP", count: 3 }]);
    // Another day counts nothing; the case is open (and overdue once its due day has passed).
    now = new Date("2026-03-06T01:00:00.000Z");
    const later = await handlers().dashboard(principal("institution_admin", "inst-1"), { institutionId: "inst-1", jurisdiction: "", from: "2026-03-03", to: "2026-03-06" });
    expect(later).toMatchObject({ consultsByType: [], prescriptionsIssued: 0, openAnomalyCases: [{ caseId: "case-1", overdue: true }] });
  });

  it("REP-04: redelivered source events and a replayed projection change no figure", async () => {
    await projector.runOnce();
    const admin = principal("institution_admin", "inst-1");
    const before = await handlers().dashboard(admin, { institutionId: "inst-1", jurisdiction: "", ...DAY });
    // The bus delivers everything again: the feed records nothing twice, the projection has nothing new to count.
    for (const { context, message } of [...delivered]) await deliver(context, message);
    await projector.runOnce();
    expect(await handlers().dashboard(admin, { institutionId: "inst-1", jurisdiction: "", ...DAY })).toEqual(before);
    // The same events handed to the projection again (a redelivery below its checkpoint) are skipped.
    const events = await readWholeLog(store);
    const again = await projector.handleBatch(events);
    expect(again.applied).toBe(0);
    // A rebuild from the start of the log gives the same figures.
    await projector.rebuild();
    expect(await handlers().dashboard(admin, { institutionId: "inst-1", jurisdiction: "", ...DAY })).toEqual(before);
  });

  it("REP-04: the consult response runs from the request to the physician's acceptance (else the start), once per consult", async () => {
    const logger = createLogger({ name: "reporting", level: "debug", destination: new LogCapture() });
    await projector.prepare(); // creates the tables, the consumer's too (the service starts the projector first)
    const handle = statisticsConsultHandler(readModels, logger);
    const started = (consultId: string, institutionId: string, times: { requestedAt?: string; acceptedAt?: string }) => {
      const payload = ConsultStarted.encode({
        consultId, institutionId, consultType: "FOLLOW_UP", departmentCode: "03.07", patientId: "patient-1", physicianId: "prac-1",
        startedAt: "2026-03-02T09:00:00.000Z", priorRecordId: "offline-rec-9", ...times,
      }).finish();
      return { ...contextMessage("consult", "ConsultStarted", payload), deliveryCount: 1 };
    };
    const c1 = started("c-1", "inst-1", { requestedAt: "2026-03-02T08:40:00.000Z", acceptedAt: "2026-03-02T08:50:00.000Z" });
    await handle(c1);
    await handle(c1); // redelivered
    await handle(started("c-2", "inst-1", { requestedAt: "2026-03-02T08:30:00.000Z" })); // no acceptance time: until the start
    await handle(started("c-9", "inst-2", { requestedAt: "2026-03-02T08:00:00.000Z", acceptedAt: "2026-03-02T08:01:00.000Z" }));
    await handle(started("c-8", "inst-1", {})); // published before the request time was: not counted
    // Unreadable: acknowledged, nothing counted (the feed consumer of the subject logs it with its code).
    const wrong = contextMessage("consult", "ConsultStarted", Buffer.from("not protobuf"), { contentType: "application/x-protobuf; proto=ihp.identity.v1.ConsultStarted" });
    await expect(handle({ ...wrong, deliveryCount: 1 })).resolves.toBeUndefined();
    await projector.runOnce();
    const own = await handlers().dashboard(principal("institution_admin", "inst-1"), { institutionId: "inst-1", jurisdiction: "", ...DAY });
    // 10 and 30 minutes: median 20, p90 28.
    expect(own.consultResponse).toEqual({ count: 2, medianMinutes: 20, p90Minutes: 28 });
  });

  it("REP-04: a complaint's later status changes its status, on the day it was filed, counted once", async () => {
    const complaint = (status: "RECEIVED" | "RESOLVED", at: string): FeedEntryRecordedData => ({
      sourceEventId: randomUUID(), institutionId: "inst-1", jurisdiction: "tianjin", occurredAt: at, category: "COMPLAINT",
      entry: { complaintId: "cp-1", consultId: "c-1", categoryCode: "OTHER", status, at, late: false },
    });
    const metadata = { actorId: "system", actorRole: "system", tenantId: "inst-1", correlationId: randomUUID(), causationId: randomUUID(), occurredAt: now.toISOString() };
    const record = (data: FeedEntryRecordedData, revision: number) =>
      store.append("complaint-cp-1", [{ id: randomUUID(), type: FEED_ENTRY_RECORDED, schemaVersion: 1, data, metadata }], revision < 0 ? "no_stream" : revision);
    const admin = principal("institution_admin", "inst-1");
    await record(complaint("RECEIVED", "2026-03-02T10:00:00.000Z"), -1);
    await projector.runOnce();
    expect((await handlers().dashboard(admin, { institutionId: "inst-1", jurisdiction: "", ...DAY })).complaintsByStatus).toEqual([{ key: "RECEIVED", count: 1 }]);

    await record(complaint("RESOLVED", "2026-03-03T10:00:00.000Z"), 0);
    await projector.runOnce();
    expect((await handlers().dashboard(admin, { institutionId: "inst-1", jurisdiction: "", ...DAY })).complaintsByStatus).toEqual([{ key: "RESOLVED", count: 1 }]);
    const nextDay = { from: "2026-03-03", to: "2026-03-03" };
    expect((await handlers().dashboard(admin, { institutionId: "inst-1", jurisdiction: "", ...nextDay })).complaintsByStatus).toEqual([]);
  });

  it("REP-04: the role first, then the request, then the scope; each refusal appends nothing but its audit record", async () => {
    await projector.runOnce();
    const before = (await readWholeLog(store)).length;
    const ask = (who: Principal, scope: { institutionId?: string; jurisdiction?: string }, range = DAY) =>
      refusedWith(handlers().dashboard(who, { institutionId: scope.institutionId ?? "", jurisdiction: scope.jurisdiction ?? "", ...range }));
    const codes = [
      await ask(principal("physician", "inst-1"), { institutionId: "inst-1" }, { from: "x", to: "y" }),
      await ask(principal("institution_admin", "inst-1"), { institutionId: "inst-2" }),
      await ask(principal("institution_admin", "inst-1"), { jurisdiction: "tianjin" }),
      await ask(principal("regulator", "guangxi"), { institutionId: "inst-1" }),
      await ask(principal("regulator", "guangxi"), { jurisdiction: "tianjin" }),
      await ask(principal("regulator", "tianjin"), { institutionId: "inst-1", jurisdiction: "tianjin" }),
      await ask(principal("regulator", "tianjin"), { jurisdiction: "tianjin" }, { from: "2026-03-05", to: "2026-03-01" }),
    ];
    expect(codes).toEqual([
      "ROLE_NOT_ALLOWED",
      "STATISTICS_INSTITUTION_NOT_ALLOWED",
      "STATISTICS_INSTITUTION_NOT_ALLOWED",
      "JURISDICTION_NOT_ALLOWED",
      "JURISDICTION_NOT_ALLOWED",
      "STATISTICS_SCOPE_INVALID",
      "STATISTICS_RANGE_INVALID",
    ]);
    const added = (await readWholeLog(store)).slice(before);
    expect(added.map((event) => event.type)).toEqual(Array(7).fill("AccessRefused"));
    expect(added.map((event) => (event.data as { reason?: string }).reason)).toEqual(codes);
  });
});
