import { randomUUID } from "node:crypto";

import type { Kysely } from "kysely";
import pg from "pg";
import { onTestFinished } from "vitest";

import { openPostgresReadModels, openSqliteReadModels } from "../../src/index.js";
import type { StreamSummaryTables } from "./streamSummaryProjection.js";

/** CI starts PostgreSQL; a run that cannot reach it fails rather than skipping the dialect. */
export const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export type ReadModels = Kysely<StreamSummaryTables>;

export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** A fresh, empty read-model database, closed when the current test finishes. */
  open(): Promise<ReadModels>;
}

export const sqlite: Dialect = {
  name: "sqlite",
  open() {
    const db = openSqliteReadModels<StreamSummaryTables>(":memory:");
    onTestFinished(() => db.destroy());
    return Promise.resolve(db);
  },
};

export const postgres: Dialect = {
  name: "postgres",
  async open() {
    const schema = await createTestSchema();
    const db = openPostgresReadModels<StreamSummaryTables>(DATABASE_URL, { schema, maxConnections: 4 });
    onTestFinished(async () => {
      await db.destroy();
      await dropTestSchema(schema);
    });
    return db;
  },
};

export const dialects: readonly Dialect[] = [sqlite, postgres];

/** A schema with a random suffix, so concurrent runs against one server do not collide. */
export async function createTestSchema(prefix = "projections_test_"): Promise<string> {
  const schema = `${prefix}${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await admin(`CREATE SCHEMA ${quote(schema)}`);
  return schema;
}

export async function dropTestSchema(schema: string): Promise<void> {
  await admin(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
