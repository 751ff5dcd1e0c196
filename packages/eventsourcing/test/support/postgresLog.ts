import { randomUUID } from "node:crypto";

import pg from "pg";

import { grantAppendOnlySql, schemaSql } from "@ihp/eventsourcing/postgres";

/** CI starts PostgreSQL: there an unreachable server fails the run; elsewhere the tests skip with a printed reason. */
export const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    if (process.env["CI"] === "true") throw error;
    console.warn(`PostgreSQL event store tests skipped: ${DATABASE_URL} unreachable (${String(error)})`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same server as DATABASE_URL, logged in as `role` (trust auth in tests). */
export function urlAs(role: string): string {
  const url = new URL(DATABASE_URL);
  url.username = role;
  url.password = "";
  return url.toString();
}

export interface TestLog {
  readonly schema: string;
  /** The application role: SELECT and INSERT on the events table, nothing else. */
  readonly role: string;
  readonly appUrl: string;
  drop(): Promise<void>;
}

/** A fresh schema owned by the admin (DATABASE_URL's user) and a fresh append-only application role. */
export async function freshLog(admin: pg.Pool): Promise<TestLog> {
  const suffix = randomUUID().replaceAll("-", "").slice(0, 16);
  const schema = `es_test_${suffix}`;
  const role = `es_app_${suffix}`;
  await admin.query(schemaSql(schema));
  await admin.query(`CREATE ROLE "${role}" LOGIN`);
  await admin.query(grantAppendOnlySql(schema, role));
  return {
    schema,
    role,
    appUrl: urlAs(role),
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.query(`DROP OWNED BY "${role}"`);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    },
  };
}
