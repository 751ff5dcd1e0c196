import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail, type Role } from "@ihp/platform";
import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import { postgresReachable, TEST_DATABASE_URL, testQuery } from "@ihp/testing";
import type { Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createAccessAudit } from "../src/application/accessAudit.js";
import type { Caller } from "../src/application/caller.js";
import { createCustody } from "../src/application/custody.js";
import { recordStreamId } from "../src/application/ids.js";
import { recordsIndex, recordsIndexProjection, type RecordsReadModels } from "../src/application/recordsIndex.js";
import { createRecordStore } from "../src/application/store.js";
import { AT, committer, INSTITUTION, originate } from "./domain/support/fixtures.js";

// REC-09 and REC-13 at the log's scale: the access log by accessor and the custody manifest read the records index
// (a projection) and the records they name, never the whole log. Each query's log reads are counted (events returned
// by readAll and readStream) with few and with 3,000 more unrelated events in the log: the counts must be equal.

const postgresUp = await postgresReachable("records index on PostgreSQL");

const callerOf = (subject: string, role: Role, tenantId = INSTITUTION): Caller => ({
  principal: { subject, roles: [role], tenantId, kind: "human" },
  token: undefined,
  correlationId: uuidv7(),
  trace: {},
});

/** The store as the queries see it, counting the events each read returns. */
function counting(store: EventStore) {
  const counter = { events: 0 };
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "readAll" || property === "readStream") {
        return async (...args: unknown[]) => {
          const events = await (target[property] as (...a: unknown[]) => Promise<readonly unknown[]>)(...args);
          counter.events += events.length;
          return events;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { counted, counter };
}

interface ReadModelDb {
  readonly db: Kysely<RecordsReadModels>;
  close(): Promise<void>;
}

const readModelDbs: Record<string, (() => Promise<ReadModelDb>) | undefined> = {
  SQLite: () => {
    const db = openSqliteReadModels<RecordsReadModels>(":memory:");
    return Promise.resolve({ db, close: () => db.destroy() });
  },
  PostgreSQL: postgresUp
    ? async () => {
        const schema = `records_index_${randomBytes(4).toString("hex")}`;
        await testQuery(`CREATE SCHEMA ${schema}`);
        const db = openPostgresReadModels<RecordsReadModels>(TEST_DATABASE_URL, { schema });
        return {
          db,
          async close() {
            await db.destroy();
            await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          },
        };
      }
    : undefined,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(Object.entries(readModelDbs))("records index (read model on %s)", (_name, open) => {
  it.skipIf(open === undefined)("REC-09, REC-13: the access log by accessor and the custody manifest read as many log events with 3,000 unrelated events in the log as with few", async () => {
    const dir = await mkdtemp(join(tmpdir(), "records-index-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = SqliteEventStore.open({ path: join(dir, "records-events.sqlite") });
    cleanups.push(() => log.close());
    const readModel = await open!();
    cleanups.push(() => readModel.close());
    // The projector reads the log as the host's does, in the background: its reads are not a query's.
    const projector = new Projector({ db: readModel.db, projection: recordsIndexProjection, source: log });
    await projector.start();
    cleanups.push(() => projector.stop());

    const { counted, counter } = counting(log);
    const records = createRecordStore(counted, uuidv7);
    const audit = createAuditTrail({ store: log, context: "records", clock: () => AT, newId: uuidv7 });
    const index = recordsIndex(readModel.db, async () => projector.waitForCheckpoint((await log.head()).position));
    const deps = { store: counted, index, records, audit, clock: () => AT, newEventId: uuidv7 };
    const accessAudit = createAccessAudit(deps);
    const custody = createCustody(deps);

    // Two records of the institution, each read twice by physician-9; one record of another institution.
    const originator = callerOf("records", "records_officer");
    const originateAt = async (documentId: string, institutionId: string) => {
      const base = originate();
      const command = originate({ documentId, header: { ...base.header, documentId, custodian: { institutionId, name: "某医院" } }, committer: committer("records", "records", institutionId) });
      await records.decide(originator, documentId, command, undefined, AT);
    };
    for (const documentId of ["doc-a", "doc-b"]) await originateAt(documentId, INSTITUTION);
    await originateAt("doc-other", "inst-other");
    const reader = callerOf("physician-9", "physician");
    for (const documentId of ["doc-a", "doc-b", "doc-a", "doc-b"]) {
      const data = { documentId, readerId: "physician-9", readerRole: "physician", readerInstitutionId: INSTITUTION, purpose: "TREATMENT", outcome: "ALLOWED" as const, code: "", accessedAt: AT.toISOString() };
      await records.appendAccess(reader, documentId, { type: "RecordAccessed", data }, AT);
    }

    /** Unrelated events: other clinicians' reads of another institution's record. */
    const unrelated = async (count: number) => {
      for (let done = 0; done < count; done += 100) {
        const events = Array.from({ length: Math.min(100, count - done) }, () => ({
          id: uuidv7(),
          type: "RecordAccessed",
          schemaVersion: 1,
          data: { documentId: "doc-other", readerId: `physician-${done}`, readerRole: "physician", readerInstitutionId: "inst-other", purpose: "TREATMENT", outcome: "ALLOWED", code: "", accessedAt: AT.toISOString() },
          metadata: { actorId: "physician-x", actorRole: "physician", tenantId: "inst-other", correlationId: "c", causationId: "c", occurredAt: AT.toISOString() },
        }));
        await log.append(recordStreamId("doc-other"), events, "any");
      }
    };

    const admin = callerOf("admin-1", "institution_admin");
    const measure = async () => {
      counter.events = 0;
      const entries = await accessAudit(admin, { recordId: "", accessorId: "physician-9" });
      const byAccessor = counter.events;
      counter.events = 0;
      const items = await custody.manifest(admin, INSTITUTION);
      return { entries, byAccessor, items, manifest: counter.events };
    };

    await unrelated(10);
    const few = await measure();
    expect(few.entries).toHaveLength(4);
    expect(few.entries.every((entry) => entry.accessorId === "physician-9" && ["doc-a", "doc-b"].includes(entry.recordId))).toBe(true);
    expect(few.items.filter((item) => item.kind === "RECORD").map((item) => item.id)).toEqual(["doc-a", "doc-b"]);

    await unrelated(3_000);
    const many = await measure();
    expect(many.entries).toEqual(few.entries);
    expect(many.items).toEqual(few.items);
    expect({ byAccessor: many.byAccessor, manifest: many.manifest }).toEqual({ byAccessor: few.byAccessor, manifest: few.manifest });
  }, 60_000);
});
