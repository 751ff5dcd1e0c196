import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { type StoredEvent, uuidv7, WrongExpectedRevisionError, type NewEvent } from "@ihp/eventsourcing";
import { PostgresEventStore, type PostgresEventStoreOptions } from "@ihp/eventsourcing/postgres";
import { LISTENER_APPLICATION_NAME } from "../src/postgres/commitListener.js";

import { DATABASE_URL, freshLog, postgresReachable } from "./support/postgresLog.js";

const available = await postgresReachable();
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());

/** A poll interval no test waits for: a subscriber that follows in time was woken by NOTIFY. */
const NEVER = 600_000;

/**
 * Two store instances on one schema are two replicas of a service; a third follows the log live. The subscriber polls
 * only every 10 minutes while LISTEN works, so these tests pass only if NOTIFY wakes it.
 */
describe.skipIf(!available)("PostgreSQL event store: live subscriptions across replicas (LISTEN/NOTIFY)", () => {
  it("XC-01: a burst of concurrent appends with expected revisions from two replicas reaches a third replica's subscriber, every position once, in order, none skipped, no update lost", async () => {
    const log = await freshLog(admin);
    const open = (options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> =>
      PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema, ...options });
    const replicas = [await open(), await open()];
    const follower = await open({ listeningPollIntervalMs: NEVER });
    expect(follower.listening).toBe(true);
    const STREAMS = 12;
    const WORKERS = 5; // per replica, each appending to random streams
    const PER_WORKER = 200;
    const total = replicas.length * WORKERS * PER_WORKER;
    const seen: StoredEvent[] = [];
    const controller = new AbortController();
    const following = (async () => {
      for await (const stored of follower.subscribe({ signal: controller.signal })) {
        seen.push(stored);
        if (seen.length === total) controller.abort();
      }
    })();
    const acknowledged = new Set<string>();
    let conflicts = 0;
    try {
      // Each worker knows a stream's revision only from its own reads: a stale one is the documented
      // WrongExpectedRevisionError, after which it reads the stream again and retries.
      const worker = async (store: PostgresEventStore, w: string): Promise<void> => {
        const known = new Map<string, number>();
        for (let done = 0; done < PER_WORKER; ) {
          const streamId = `counter-${Math.floor(Math.random() * STREAMS)}`;
          const expected = known.get(streamId) ?? -1;
          const event = counted(w, done);
          try {
            const result = await store.append(streamId, [event], expected < 0 ? "no_stream" : expected);
            known.set(streamId, result.nextExpectedRevision);
            acknowledged.add(event.id);
            done++;
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            conflicts++;
            known.set(streamId, (await store.readStream(streamId)).length - 1);
          }
        }
      };
      await Promise.all(
        replicas.flatMap((store, r) => Array.from({ length: WORKERS }, (_, k) => worker(store, `${r}-${k}`))),
      );
      await Promise.race([following, new Promise((resolve) => setTimeout(resolve, 20_000))]);

      expect(seen.map((event) => event.position)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
      expect(new Set(seen.map((event) => event.id))).toEqual(acknowledged);
      expect(conflicts).toBeGreaterThan(0);
      // No lost update: each stream's revisions run 0..n-1 without a hole or a repeat.
      const byStream = new Map<string, number[]>();
      for (const event of seen) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.revision]);
      for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => i));
      expect(await follower.verify()).toMatchObject({ ok: true, checked: total });
    } finally {
      controller.abort();
      await Promise.all([...replicas, follower].map((store) => store.close()));
      await log.drop();
    }
  }, 60_000);

  it("XC-01: when the LISTEN connection drops, the subscriber polls until it is back, and misses nothing", async () => {
    const log = await freshLog(admin);
    const writer = await PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema, listen: false });
    const follower = await PostgresEventStore.open({
      connectionString: log.appUrl,
      schema: log.schema,
      pollIntervalMs: 50,
      listeningPollIntervalMs: NEVER,
    });
    const seen: bigint[] = [];
    /** Whether the LISTEN connection was up when each event reached the subscriber. */
    const listeningAt: boolean[] = [];
    const controller = new AbortController();
    const following = (async () => {
      for await (const stored of follower.subscribe({ signal: controller.signal })) {
        seen.push(stored.position);
        listeningAt.push(follower.listening);
      }
    })();
    const until = async (check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5_000;
      while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    try {
      await writer.append("s", [counted("w", 0)], "no_stream");
      await until(() => seen.length === 1);
      expect(seen).toEqual([1n]);

      // End the listener's backend, as a failover or a network cut would.
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND usename = $2", [
        LISTENER_APPLICATION_NAME,
        log.role,
      ]);
      await until(() => !follower.listening);
      expect(follower.listening).toBe(false);
      await writer.append("s", [counted("w", 1)], 0);
      await until(() => seen.length === 2);
      expect(seen).toEqual([1n, 2n]);
      // Found by polling (every 50 ms) before the listener came back (500 ms): the fallback itself, not the reconnect.
      expect(listeningAt[1]).toBe(false);

      // It reconnects, and NOTIFY wakes the subscriber again.
      await until(() => follower.listening);
      expect(follower.listening).toBe(true);
      await writer.append("s", [counted("w", 2)], 1);
      await until(() => seen.length === 3);
      expect(seen).toEqual([1n, 2n, 3n]);
    } finally {
      controller.abort();
      await following;
      await Promise.all([writer.close(), follower.close()]);
      await log.drop();
    }
  }, 30_000);

  it("XC-01: a pooled connection the server ends while idle (restart, failover, idle timeout) does not crash the process; the next append opens a new one", async () => {
    const log = await freshLog(admin);
    const lost: Error[] = [];
    let noticed = (): void => undefined;
    const noticedLoss = new Promise<void>((resolve) => (noticed = resolve));
    const open = (options: Partial<PostgresEventStoreOptions>): Promise<PostgresEventStore> =>
      PostgresEventStore.open({ connectionString: log.appUrl, schema: log.schema, ...options });
    const told = await open({ onIdleConnectionError: (error) => (lost.push(error), noticed()) });
    // Without a listener of its own: the store must not leave pg's "error" to crash the process (vitest reports it).
    const quiet = await open({ listen: false });
    try {
      await told.append("s", [counted("w", 0)], "no_stream");
      await quiet.readStream("s");
      const poolBackends = "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND application_name <> $2";
      const ended = await admin.query(`SELECT pg_terminate_backend(pid) FROM (${poolBackends}) AS pooled`, [log.role, LISTENER_APPLICATION_NAME]);
      expect(ended.rowCount).toBe(2);
      await noticedLoss;
      expect(lost[0]?.message).toMatch(/terminat/);
      // A backend sends its FATAL before it leaves pg_stat_activity: once both are gone, both pools have heard it.
      while ((await admin.query(poolBackends, [log.role, LISTENER_APPLICATION_NAME])).rowCount !== 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await told.append("s", [counted("w", 1)], 0);
      await quiet.append("s", [counted("w", 2)], 1);
      expect((await quiet.readStream("s")).map((stored) => stored.revision)).toEqual([0, 1, 2]);
    } finally {
      await Promise.all([told.close(), quiet.close()]);
      await log.drop();
    }
  });
});

function counted(worker: string, n: number): NewEvent {
  return {
    id: uuidv7(),
    type: "Counted",
    schemaVersion: 1,
    data: { worker, n },
    metadata: {
      actorId: worker,
      actorRole: "SYSTEM",
      tenantId: "t",
      correlationId: "c",
      causationId: "c",
      occurredAt: "2026-01-01T00:00:00.000Z",
    },
  };
}
