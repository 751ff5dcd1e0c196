import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { postgresReachable, TEST_DATABASE_URL, testQuery, waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { advisoryLockKey, type Bus, type BusMessage, PostgresCheckpointStore, Relay, runWithAdvisoryLock } from "../src/index.js";
import { newEvent } from "./relaySupport.js";

// One active relay per service (infra/README.md, "Files every replica writes"): the replicas of a service each build
// their relay over the same log, but only the one holding the PostgreSQL advisory lock runs it; the others stand by
// and take over when the holder's connection closes. CI starts PostgreSQL and fails when it is unreachable; elsewhere
// this is skipped with a printed reason.
const postgresUp = await postgresReachable("one active relay (PostgreSQL advisory lock)");

/** What a replica's relay handed to the bus: every publish attempt counts, repeats included. */
function countingBus(published: string[]): Bus {
  return {
    publish: (message: BusMessage) => {
      published.push(message.id);
      return Promise.resolve();
    },
    consume: () => Promise.reject(new Error("not used")),
    close: () => Promise.resolve(),
  };
}

describe.skipIf(!postgresUp)("one active relay among a service's replicas (PostgreSQL advisory lock)", () => {
  it("XC-01: of two replicas' relays one publishes, each event once; when the holder's connection dies the other takes over from the shared position", async () => {
    const schema = `active_relay_${randomBytes(4).toString("hex")}`;
    const dir = mkdtempSync(join(tmpdir(), "ihp-active-relay-"));
    await testQuery(`CREATE SCHEMA ${schema}`);
    const store = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
    const lockName = `relay:${schema}:demo-relay`;
    const replica = async (name: string) => {
      const published: string[] = [];
      const checkpoints = await PostgresCheckpointStore.open({ connectionString: TEST_DATABASE_URL, schema });
      const relay = new Relay({ name: "demo-relay", store, bus: countingBus(published), checkpoints, context: "demo" });
      const errors: unknown[] = [];
      const run = await runWithAdvisoryLock({ connectionString: TEST_DATABASE_URL, name: lockName, retryMs: 100, onError: (error) => errors.push(error) }, relay);
      return { name, published, checkpoints, run, errors };
    };
    const a = await replica("a");
    const b = await replica("b");
    const replicas = [a, b];
    try {
      // The first to ask holds the lock; the second stands by.
      expect([a.run.active, b.run.active]).toEqual([true, false]);
      const first = await Promise.all(Array.from({ length: 5 }, (_, n) => store.append(`demo-thing-${n}`, [newEvent("ThingHappened", { n })], "no_stream")));
      const firstIds = first.flatMap((result) => result.events.map((event) => event.id));
      await waitFor(() => firstIds.every((id) => a.published.includes(id)), 10_000, "the holder to publish the first events");
      expect(a.published.sort()).toEqual([...firstIds].sort());
      expect(b.published).toEqual([]);
      const lastPosition = first.flatMap((result) => result.events).reduce((max, event) => (event.position > max ? event.position : max), 0n);
      await waitFor(async () => (await a.checkpoints.load("demo-relay")) === lastPosition, 10_000, "the holder to save its position");

      // The holder's database connection dies (its pod is gone): PostgreSQL releases the lock, the other replica takes it.
      const key = advisoryLockKey(lockName).toString();
      const holders = await testQuery<{ pid: number }>(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint",
        [key],
      );
      expect(holders).toHaveLength(1);
      await testQuery("SELECT pg_terminate_backend($1)", [holders[0]?.pid]);
      await waitFor(() => !a.run.active && b.run.active, 10_000, "the standby to take over");
      expect(a.errors.length).toBeGreaterThan(0);

      const later = await Promise.all(Array.from({ length: 3 }, (_, n) => store.append(`demo-other-${n}`, [newEvent("ThingHappened", { n })], "no_stream")));
      const laterIds = later.flatMap((result) => result.events.map((event) => event.id));
      await waitFor(() => laterIds.every((id) => b.published.includes(id)), 10_000, "the new holder to publish what came after");
      expect(a.published.filter((id) => laterIds.includes(id))).toEqual([]);
      // It resumed from the position the first holder saved: nothing from before was published again.
      expect(b.published.filter((id) => firstIds.includes(id))).toEqual([]);
      // The first replica came back on a new connection (named after the lock) and stands by.
      await waitFor(async () => (await testQuery("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [`ihp-lock ${lockName}`])).length === 2, 10_000, "the first replica to reconnect");
      expect([a.run.active, b.run.active]).toEqual([false, true]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.run.stop()));
      expect([a.run.active, b.run.active]).toEqual([false, false]);
      await Promise.all(replicas.map((replica) => replica.checkpoints.close()));
      await store.close();
      await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
