import { createHash } from "node:crypto";
import pg from "pg";
import { sleep } from "./backoff.js";

/** Something that runs only while its process holds the lock: a relay. */
export interface LockedTask {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface AdvisoryLockOptions {
  readonly connectionString: string;
  /** The lock's name: in one database, one holder per name at a time (hashed to its 64-bit key, advisoryLockKey). */
  readonly name: string;
  /** How often a process without the lock asks again, and the holder checks that its connection lives. Default 5 s. */
  readonly retryMs?: number;
  /** The task started (true) or stopped (false) here. */
  readonly onActive?: (active: boolean) => void;
  /** An attempt that failed, the holder's connection lost, or the task failing to start: all retried after retryMs. */
  readonly onError?: (error: unknown) => void;
}

export interface LockedRun {
  /** Whether the task runs here now. */
  readonly active: boolean;
  /** Stops the task if it runs here, then lets the lock go. */
  stop(): Promise<void>;
}

/** The advisory lock key of a name: the first 8 bytes of its SHA-256, as PostgreSQL's signed bigint. */
export function advisoryLockKey(name: string): bigint {
  return createHash("sha256").update(name, "utf8").digest().readBigInt64BE(0);
}

/**
 * Runs `task` in at most one process at a time among those that call this with the same name and database: the one
 * holding the session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own. The others ask again
 * every retryMs. PostgreSQL releases the lock when the holder's connection closes — an ordered stop, a crash, a
 * terminated backend, keepalives unanswered because the holder's node is gone — and the holder stops its task as
 * soon as it sees its connection fail (an error, or a ping every retryMs that does not answer in time). Between the
 * two there can be a moment where the old holder finishes what it was doing while the new one starts: the task must
 * tolerate that (a relay's repeats are dropped by the bus and consumers). Resolves after the first attempt, with the
 * task running or standing by.
 */
export async function runWithAdvisoryLock(options: AdvisoryLockOptions, task: LockedTask): Promise<LockedRun> {
  const retryMs = options.retryMs ?? 5_000;
  const key = advisoryLockKey(options.name).toString();
  const stopping = new AbortController();
  const { signal } = stopping;
  let active = false;
  let attempted!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (attempted = resolve));

  // Holds the lock while the connection lives; stops the task before the connection (and with it the lock) goes.
  const hold = async (client: pg.Client, lost: Promise<Error>): Promise<void> => {
    await task.start();
    active = true;
    options.onActive?.(true);
    attempted();
    try {
      while (!signal.aborted) {
        const gone = await Promise.race([lost, sleep(retryMs, signal).then(() => undefined)]);
        if (gone !== undefined) throw gone;
        if (!signal.aborted) await client.query("SELECT 1");
      }
    } finally {
      await task.stop();
      active = false;
      options.onActive?.(false);
    }
  };

  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      const client = new pg.Client({
        connectionString: options.connectionString,
        // Who holds which lock, in pg_stat_activity.
        application_name: `ihp-lock ${options.name}`.slice(0, 63),
        connectionTimeoutMillis: retryMs,
        query_timeout: retryMs,
        keepAlive: true,
      });
      const lost = new Promise<Error>((resolve) => {
        client.on("error", resolve);
        client.on("end", () => resolve(new Error("the advisory lock's connection closed")));
      });
      try {
        await client.connect();
        // A holder whose node vanishes sends no FIN: the server's own keepalives on this connection find it gone
        // within about three retry intervals and release the lock (by default it would wait two hours).
        const seconds = Math.max(1, Math.ceil(retryMs / 1_000));
        await client.query(`SET tcp_keepalives_idle = ${seconds}; SET tcp_keepalives_interval = ${seconds}; SET tcp_keepalives_count = 2`);
        while (!signal.aborted) {
          const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [key]);
          if (rows[0]?.locked === true) {
            await hold(client, lost);
            break;
          }
          attempted();
          await sleep(retryMs, signal);
        }
      } catch (error) {
        if (!signal.aborted) options.onError?.(error);
      } finally {
        attempted();
        await client.end().catch(() => undefined);
      }
      await sleep(retryMs, signal);
    }
  };

  const running = run();
  await firstAttempt;
  return {
    get active() {
      return active;
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
