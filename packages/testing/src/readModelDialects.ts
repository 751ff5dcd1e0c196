import { randomUUID } from "node:crypto";
import type { EventMetadata, JsonObject, StoredEvent } from "@ihp/eventsourcing";
import { onTestFinished } from "vitest";

import { postgresReachable, TEST_DATABASE_URL, testQuery } from "./postgres.js";

/** A read-model database to run the same test on: SQLite always, PostgreSQL when the test server answers. */
export interface ReadModelDialect<DB> {
  readonly name: "SQLite" | "PostgreSQL";
  readonly available: boolean;
  /** A fresh, empty database: SQLite in memory; on PostgreSQL a schema of its own, dropped when the test finishes. */
  open(): Promise<DB>;
}

/**
 * Both dialects a projection's read model runs on, for `for (const dialect of …) describe.skipIf(!dialect.available)`.
 * The openers are the projections package's (openSqliteReadModels, openPostgresReadModels), passed in so that this
 * package need not depend on it.
 */
export async function readModelDialects<DB>(
  what: string,
  open: { readonly sqlite: () => DB; readonly postgres: (url: string, schema: string) => DB | Promise<DB> },
): Promise<readonly ReadModelDialect<DB>[]> {
  const postgresUp = await postgresReachable(`${what} on PostgreSQL`);
  return [
    { name: "SQLite", available: true, open: () => Promise.resolve(open.sqlite()) },
    {
      name: "PostgreSQL",
      available: postgresUp,
      async open() {
        const schema = `read_model_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
        await testQuery(`CREATE SCHEMA "${schema}"`);
        onTestFinished(() => testQuery(`DROP SCHEMA "${schema}" CASCADE`).then(() => undefined));
        return open.postgres(TEST_DATABASE_URL, schema);
      },
    },
  ];
}

/**
 * Stored events in log order (positions 1, 2, …), each in the stream `streamOf` names for it (revisions counted per
 * stream), with what a projection reads: type, data, and metadata occurring a minute apart.
 */
export function storedEvents(
  streamOf: (data: Record<string, unknown>, index: number) => string,
  facts: readonly (readonly [type: string, data: Record<string, unknown>])[],
  metadata: Partial<EventMetadata> = {},
): StoredEvent[] {
  const revisions = new Map<string, number>();
  return facts.map(([type, data], index) => {
    const streamId = streamOf(data, index);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      id: randomUUID(),
      streamId,
      revision,
      position: BigInt(index + 1),
      type,
      schemaVersion: 1,
      data: data as JsonObject,
      metadata: {
        actorId: "a",
        actorRole: "physician",
        tenantId: "inst-1",
        correlationId: "c",
        causationId: "c",
        occurredAt: `2026-03-02T09:${String(index).padStart(2, "0")}:00.000Z`,
        ...metadata,
      },
      recordedAt: "",
      prevHash: "",
      hash: "",
    };
  });
}
