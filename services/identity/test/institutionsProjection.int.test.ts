import { randomUUID } from "node:crypto";
import type { EventMetadata, JsonObject, NewEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { openPostgresReadModels, openSqliteReadModels, Projector } from "@ihp/projections";
import type { Kysely } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IdentityReadModels, institutionsProjection } from "../src/application/institutionsProjection.js";
import { listPublicInstitutions } from "../src/application/publicDirectory.js";
import type { InstitutionRegisteredData } from "../src/domain/institutions/index.js";
import { REGISTERED } from "./support/fixtures.js";

/** CI starts PostgreSQL; a run that cannot reach it fails rather than skipping the dialect (as in @ihp/projections). */
const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `identity_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

const metadata: EventMetadata = {
  actorId: "svc",
  actorRole: "system",
  tenantId: "t",
  correlationId: "c",
  causationId: "c",
  occurredAt: "2026-03-02T02:00:00.000Z",
};

let store: SqliteEventStore;

function event(type: string, data: JsonObject): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, metadata };
}
let ids: string[];

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  store = SqliteEventStore.open({ path: ":memory:" });
  ids = ["a", "b", "c"].map((suffix) => `0193a9f2-7c1d-8e4b-9a6f-00000000000${suffix}`);
  for (const [i, id] of ids.entries()) {
    const data: InstitutionRegisteredData = { ...REGISTERED, institutionId: id, name: `医院${i}` };
    await store.append(`identity-institution-${id}`, [event("InstitutionRegistered", data)], "no_stream");
  }
  // Not projected: the checkpoint moves past it.
  await store.append("identity-audit-2026-03-02", [event("AccessRefused", { action: "x", reason: "y", roles: [] })], "any");
  const licence = { number: "PDY00001X12010217A9999", validFrom: "2026-03-01", validUntil: "2031-02-28" };
  const changed = { institutionId: ids[1]!, licence, subjectCodes: ["07"] };
  await store.append(`identity-institution-${ids[1]}`, [event("LicenceChanged", changed)], 0);
  await admin(`CREATE SCHEMA "${schema}"`);
});

afterAll(async () => {
  await store.close();
  await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
});

async function directoryOn(db: Kysely<IdentityReadModels>): Promise<unknown[]> {
  try {
    await new Projector({ db, projection: institutionsProjection, source: store, batchSize: 2 }).runOnce();
    const pages = [];
    let after = "";
    for (;;) {
      const page = await listPublicInstitutions(db, { first: 2, after });
      pages.push(page);
      if (!page.hasNextPage) return pages;
      after = page.endCursor;
    }
  } finally {
    await db.destroy();
  }
}

describe("institutions projection", () => {
  it("IDN-10: builds the same public directory, in registration order, on SQLite and PostgreSQL", async () => {
    const onSqlite = await directoryOn(openSqliteReadModels<IdentityReadModels>(":memory:"));
    const onPostgres = await directoryOn(openPostgresReadModels<IdentityReadModels>(DATABASE_URL, { schema, maxConnections: 2 }));
    expect(onPostgres).toEqual(onSqlite);
    expect(onSqlite).toMatchObject([
      {
        institutions: [
          {
            institutionId: ids[0],
            name: "医院0",
            grade: "TERTIARY_A",
            licenceNumber: REGISTERED.licence.number,
            jurisdiction: "tianjin",
          },
          { institutionId: ids[1], licenceNumber: "PDY00001X12010217A9999", subjectCodes: ["07"] },
        ],
        hasNextPage: true,
      },
      { institutions: [{ institutionId: ids[2] }], hasNextPage: false },
    ]);
  });
});
