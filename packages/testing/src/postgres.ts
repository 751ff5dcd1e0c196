import pg from "pg";

/** The test database (README: DATABASE_URL); CI starts PostgreSQL there. */
export const TEST_DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** One statement on its own short-lived connection to the test database. */
export async function testQuery<Row extends object>(statement: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<Row>(statement, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Whether the test database answers. In CI (CI=true) an unreachable database fails the suite; elsewhere `what` is
 * reported as skipped, with the reason.
 */
export function postgresReachable(what: string): Promise<boolean> {
  return testQuery("SELECT 1").then(
    () => true,
    (error: unknown) => {
      if (process.env["CI"] === "true") throw error;
      console.warn(`${what} skipped: ${TEST_DATABASE_URL} unreachable (${String(error)})`);
      return false;
    },
  );
}
