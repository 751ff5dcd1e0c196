import { isAnchorable, START, type EventStore, type LogPosition, type StoredEvent } from "@ihp/eventsourcing";
import type { Kysely, Transaction } from "kysely";

import { CheckpointWaiters } from "./checkpointWaiters.js";
import {
  claimCheckpoint,
  createCheckpointTable,
  moveCheckpoint,
  readCheckpoint,
  saveCheckpoint,
  type CheckpointTables,
  type StoredCheckpoint,
} from "./checkpoints.js";
import { EventOrderError, ProjectionVersionMismatchError, ProjectorAlreadyStartedError } from "./errors.js";
import type { Projection } from "./projection.js";
import {
  type BatchOutcome,
  type BatchResult,
  catchUpFrom,
  type EventSource,
  type Feed,
  followFrom,
  type Rewound,
} from "./projectorFeed.js";

export type { BatchResult, EventSource } from "./projectorFeed.js";

export interface ProjectorOptions<DB> {
  /** The read-model database; the checkpoint table is created in it too. */
  readonly db: Kysely<DB>;
  readonly projection: Projection<DB>;
  readonly source: EventSource;
  /** Most events per transaction, also the readAll page size. Default 500. */
  readonly batchSize?: number;
  /** Told once when the live loop dies of an error. The projector is then stopped and waiters are rejected. */
  readonly onError?: (error: unknown) => void;
}

interface LiveRun {
  readonly controller: AbortController;
  done: Promise<void>;
}

const DEFAULT_BATCH_SIZE = 500;
const SETUP_ATTEMPTS = 5;
/** Ignored events passed over in memory before the checkpoint is written anyway (bounds the re-read after a restart). */
const SAVE_PASSED_OVER_EVERY = 1_000;

/**
 * Keeps one projection's read model in step with the log. Each batch's row changes and its checkpoint commit in one
 * transaction, so after a crash the read model and its checkpoint agree, and events at or below the checkpoint are
 * skipped: delivery may repeat, application does not.
 *
 * Several projectors (processes) may share one read-model database: each batch first takes the lock on the
 * projection's checkpoint row, so their batches serialize and each sees the others' progress.
 *
 * A live or catch-up batch with no event the projection handles changes no row, so it is passed over in memory
 * (issue 15: most of a service's log is other projections' business, and a transaction per commit per projection was
 * a large share of every command's cost): the checkpoint moves for waiters and `checkpoint()`, and is written with the
 * next batch that changes rows, or after 1,000 passed-over events. After a crash those events are read again and
 * ignored again.
 */
export class Projector<DB> {
  private readonly db: Kysely<DB>;
  private readonly projection: Projection<DB>;
  /** Catch-up pages and live batches, into applyBatch. */
  private readonly feed: Feed;
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly waiters = new CheckpointWaiters();
  private prepared: Promise<void> | undefined;
  private live: LiveRun | undefined;
  /** The stored checkpoint as this projector last wrote or read it; lower in the database means a rebuild. */
  private saved: LogPosition = START;
  /** Ignored events passed over in memory since the checkpoint was last written. */
  private passedOver = 0;
  /** caughtUpWith's own catch-ups, one at a time. */
  private catchingUp: Promise<unknown> = Promise.resolve();

  constructor(options: ProjectorOptions<DB>) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batch size must be a positive integer: ${batchSize}`);
    }
    this.db = options.db;
    this.projection = options.projection;
    this.feed = { source: options.source, batchSize, apply: (events, floor) => this.applyBatch(events, floor) };
    this.onError = options.onError;
  }

  get name(): string {
    return this.projection.name;
  }

  /** The checkpoint this projector last committed or loaded, from memory (metrics read it at every scrape). */
  get committed(): LogPosition {
    return this.waiters.position;
  }

  /** True between start() and stop() (or the live loop's end). */
  get running(): boolean {
    return this.live !== undefined;
  }

  /**
   * Creates the checkpoint and projection tables, and resets the read model when it has no checkpoint or one from
   * another version (the replay then happens in runOnce or start). Runs once; every other method calls it first.
   */
  prepare(): Promise<void> {
    this.prepared ??= this.prepareOnce().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  /**
   * The committed checkpoint: every event at or below it is in the read model. Includes what this projector passed
   * over in memory, unless the stored checkpoint moved meanwhile (another projector, or a rebuild).
   */
  async checkpoint(): Promise<LogPosition> {
    await this.prepare();
    const stored = (await readCheckpoint(checkpointsOf(this.db), this.name))?.position ?? START;
    if (stored === this.saved && this.waiters.position > stored) return this.waiters.position;
    this.saved = stored;
    return stored;
  }

  /**
   * Applies a batch of events in log order, in one transaction with the checkpoint. Events at or below the
   * checkpoint are skipped; an event that breaks log order fails the batch (EventOrderError) rather than being lost.
   * This is the whole apply path: sources other than the event store (bus messages) feed it too.
   */
  async handleBatch(events: readonly StoredEvent[]): Promise<BatchResult> {
    const outcome = await this.applyBatch(events, undefined);
    if (outcome.kind === "rewound") throw new Error("unreachable: a batch without a floor cannot be rewound");
    return outcome.result;
  }

  /** Catches up to the end of the log in readAll pages, one transaction per page; returns the checkpoint reached. */
  runOnce(): Promise<LogPosition> {
    return this.catchUp(undefined);
  }

  /**
   * Read-your-writes for a query on the read model: resolves once everything in `log` as of the call is applied, to
   * the checkpoint reached. While live, waits for the live loop to commit the log's head; not live, or on a log
   * without one head (KurrentDB), catches up itself, one catch-up at a time. Rejects when the signal aborts.
   */
  async caughtUpWith(log: EventStore, options: { readonly signal?: AbortSignal } = {}): Promise<LogPosition> {
    if (this.running && isAnchorable(log)) {
      await this.waitForCheckpoint((await log.head()).position, options);
      return this.committed;
    }
    const run = this.catchingUp.then(() => this.runOnce());
    this.catchingUp = run.catch(() => START);
    return run;
  }

  /**
   * Catches up, then follows the log live until stop(). Resolves once caught up; rejects if catching up fails.
   * A failure while live stops the projector, is given to onError, and rejects pending waitForCheckpoint calls.
   */
  async start(): Promise<void> {
    if (this.live !== undefined) throw new ProjectorAlreadyStartedError(this.name);
    this.waiters.clearFailure();
    const run: LiveRun = { controller: new AbortController(), done: Promise.resolve() };
    this.live = run;
    let caughtUp: () => void = () => undefined;
    let failedToCatchUp: (error: unknown) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      caughtUp = resolve;
      failedToCatchUp = reject;
    });
    run.done = this.runLive(run, caughtUp, failedToCatchUp);
    await ready;
  }

  /** Ends the live loop and waits for the batch in flight to commit or roll back. */
  async stop(): Promise<void> {
    const run = this.live;
    if (run === undefined) return;
    run.controller.abort();
    await run.done;
  }

  /**
   * Empties the read model and moves its checkpoint to START in one transaction, then replays the whole log.
   * A live projector is stopped for the rebuild and started again after it.
   */
  async rebuild(): Promise<LogPosition> {
    const wasLive = this.running;
    await this.stop();
    await this.prepare();
    await this.db.transaction().execute((trx) => this.reset(trx));
    this.saved = START;
    this.passedOver = 0;
    this.waiters.moved(START);
    const checkpoint = await this.runOnce();
    if (wasLive) await this.start();
    return checkpoint;
  }

  /**
   * Resolves when this projector has committed a checkpoint at or past position (read-your-writes for queries, and
   * tests). Rejects when the signal aborts, or when the live loop has failed (until the next start).
   */
  waitForCheckpoint(position: LogPosition, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    return this.waiters.wait(position, options.signal);
  }

  private async prepareOnce(): Promise<void> {
    await this.createTables();
    const checkpoint = await this.db.transaction().execute(async (trx) => {
      const stored = await claimCheckpoint(checkpointsOf(trx), this.name);
      if (stored?.version === this.projection.version) return stored.position;
      await this.reset(trx);
      return START;
    });
    this.saved = checkpoint;
    this.waiters.moved(checkpoint);
  }

  /**
   * PostgreSQL's CREATE … IF NOT EXISTS is not safe against itself: replicas starting together fail with a unique
   * violation in the catalog when another creates the same table first. Each such failure means another instance made
   * progress, so trying again converges; a lasting error (no permission, bad DDL) still surfaces after the last try.
   */
  private async createTables(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await createCheckpointTable(checkpointsOf(this.db));
        await this.projection.setup(this.db);
        return;
      } catch (error) {
        if (attempt === SETUP_ATTEMPTS) throw error;
      }
    }
  }

  /** Checkpoint first: it takes the row lock, so a concurrent batch commits before our deletes read the tables. */
  private async reset(trx: Transaction<DB>): Promise<void> {
    await saveCheckpoint(checkpointsOf(trx), this.name, { position: START, version: this.projection.version });
    await this.projection.reset(trx);
  }

  /**
   * floor: the checkpoint this feeder last saw. Checkpoints only move back when the read model is rebuilt, and then
   * the feeder's events would land on an emptied read model out of order, so the batch is refused and the feeder
   * restarts from the stored checkpoint.
   */
  private async applyBatch(events: readonly StoredEvent[], floor: LogPosition | undefined): Promise<BatchOutcome> {
    await this.prepare();
    const passed = floor === undefined ? undefined : this.passOver(events, floor);
    if (passed !== undefined) {
      this.waiters.moved(passed.checkpoint);
      return { kind: "committed", result: passed };
    }
    const outcome = await this.db.transaction().execute(async (trx): Promise<BatchOutcome> => {
      const claimed = await this.claim(trx, events, floor);
      if (claimed.kind === "rewound") return claimed;
      const { stored, written } = claimed;
      let checkpoint = stored.position;
      let applied = 0;
      let ignored = 0;
      let duplicates = 0;
      const seen = new Set<LogPosition>();
      for (const event of events) {
        if (event.position <= checkpoint) {
          // Past the stored checkpoint but behind this batch's progress, and not a repeat within the batch: the
          // feeder broke log order. Skipping it as a duplicate would lose it for good.
          if (event.position > stored.position && !seen.has(event.position)) {
            throw new EventOrderError(this.name, event.position, checkpoint);
          }
          duplicates += 1;
          continue;
        }
        seen.add(event.position);
        if (this.projection.handles === undefined || this.projection.handles.has(event.type)) {
          await this.projection.apply(trx, event);
          applied += 1;
        } else {
          ignored += 1;
        }
        checkpoint = event.position;
      }
      if (checkpoint !== written) {
        await saveCheckpoint(checkpointsOf(trx), this.name, { position: checkpoint, version: this.projection.version });
      }
      return { kind: "committed", result: { checkpoint, applied, ignored, duplicates } };
    });
    const checkpoint = outcome.kind === "committed" ? outcome.result.checkpoint : outcome.checkpoint;
    this.saved = checkpoint;
    this.passedOver = 0;
    this.waiters.moved(checkpoint);
    return outcome;
  }

  /**
   * Locks the checkpoint row for the batch and reads it. Usually the row holds what this projector stored last, and one
   * statement also moves it to the batch's last position (`written`): applying the batch then ends there, or throws and
   * rolls the move back. Otherwise (another projector moved it, a rebuild, another version) the row is claimed and
   * checked, and the checkpoint is saved after the batch.
   */
  private async claim(
    trx: Transaction<DB>,
    events: readonly StoredEvent[],
    floor: LogPosition | undefined,
  ): Promise<{ readonly kind: "claimed"; readonly stored: StoredCheckpoint; readonly written: LogPosition } | Rewound> {
    const version = this.projection.version;
    const expected = { position: this.saved, version };
    const end = events.reduce((last, event) => (event.position > last ? event.position : last), this.saved);
    if (await moveCheckpoint(checkpointsOf(trx), this.name, expected, end)) {
      return { kind: "claimed", stored: expected, written: end };
    }
    const stored = await claimCheckpoint(checkpointsOf(trx), this.name);
    if (stored === undefined) throw new Error(`projection ${this.name}: checkpoint row is missing`);
    if (stored.version !== version) throw new ProjectionVersionMismatchError(this.name, stored.version, version);
    if (floor !== undefined && stored.position < this.saved) return { kind: "rewound", checkpoint: stored.position };
    return { kind: "claimed", stored, written: stored.position };
  }

  /**
   * The batch's result when it can be passed over in memory: every event past the feeder's floor is one the
   * projection does not handle, they are in log order, and fewer than SAVE_PASSED_OVER_EVERY have been passed over
   * since the last write. Otherwise undefined: the batch goes through a transaction (which also reports disorder).
   */
  private passOver(events: readonly StoredEvent[], floor: LogPosition): BatchResult | undefined {
    const handles = this.projection.handles;
    if (handles === undefined) return undefined;
    let checkpoint = floor;
    let ignored = 0;
    let duplicates = 0;
    for (const event of events) {
      if (event.position <= floor) duplicates += 1;
      else if (event.position <= checkpoint || handles.has(event.type)) return undefined;
      else {
        ignored += 1;
        checkpoint = event.position;
      }
    }
    if (this.passedOver + ignored >= SAVE_PASSED_OVER_EVERY) return undefined;
    this.passedOver += ignored;
    return { checkpoint, applied: 0, ignored, duplicates };
  }

  private async catchUp(signal: AbortSignal | undefined): Promise<LogPosition> {
    return catchUpFrom(this.feed, await this.checkpoint(), signal);
  }

  private async runLive(run: LiveRun, caughtUp: () => void, failedToCatchUp: (error: unknown) => void): Promise<void> {
    const signal = run.controller.signal;
    let ready = false;
    try {
      const from = await this.catchUp(signal);
      ready = true;
      caughtUp();
      await followFrom(this.feed, from, signal);
    } catch (error) {
      if (!ready) {
        failedToCatchUp(error);
      } else {
        this.waiters.fail(error);
        this.report(error);
      }
    } finally {
      if (this.live === run) this.live = undefined;
    }
  }

  /** Nobody awaits the live loop until stop(): a throwing reporter must not become an unhandled rejection. */
  private report(error: unknown): void {
    try {
      this.onError?.(error);
    } catch {
      // The failure is still visible: the projector is stopped and waitForCheckpoint rejects with it.
    }
  }
}

/**
 * The checkpoint table shares the projection's database but not its DB type. Kysely cannot type "DB plus this
 * table" for a generic DB, and the two sets of tables are disjoint, so the view is a cast.
 */
function checkpointsOf<DB>(db: Kysely<DB>): Kysely<CheckpointTables> {
  return db as unknown as Kysely<CheckpointTables>;
}
