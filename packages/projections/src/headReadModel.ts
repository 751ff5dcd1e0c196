import type { EventStore, LogPosition } from "@ihp/eventsourcing";
import type { Kysely } from "kysely";
import { type EventSource, Projector, type ProjectorOptions } from "./projector.js";

/** A projector's options, with the log a query waits for in place of the source, which defaults to it. */
export type HeadReadModelOptions<DB> = Pick<ProjectorOptions<DB>, "db" | "projection" | "onError"> & {
  /** The log whose head a read waits for. */
  readonly log: EventStore;
  /** What the projector reads (e.g. the log as stored, when no sealed field is needed). Default: log. */
  readonly source?: EventSource;
};

/**
 * A read model queried on demand with read-your-writes: a checkpointed projector follows the log live (start/stop),
 * and `caughtUp()`, called before a query, brings it up to the log's head as of the call, so what was recorded before
 * the query is in its answer. Without a live projector (tests, a log without a head) it catches up once, one catch-up
 * at a time.
 */
export class HeadReadModel<DB> {
  readonly log: EventStore;
  protected readonly db: Kysely<DB>;
  private readonly projector: Projector<DB>;

  constructor(options: HeadReadModelOptions<DB>) {
    this.db = options.db;
    this.log = options.log;
    const { projection, onError } = options;
    this.projector = new Projector({ db: options.db, projection, source: options.source ?? options.log, batchSize: 1_000, ...(onError === undefined ? {} : { onError }) });
  }

  /** Catches up with the log, then follows it live until stop(). */
  start(): Promise<void> {
    return this.projector.start();
  }

  stop(): Promise<void> {
    return this.projector.stop();
  }

  /** The checkpoint reached, for metrics. */
  get committed(): LogPosition {
    return this.projector.committed;
  }

  get name(): string {
    return this.projector.name;
  }

  /** Brings the read model up to the log's head as of now; resolves to its checkpoint (at or past that head). */
  caughtUp(): Promise<LogPosition> {
    return this.projector.caughtUpWith(this.log);
  }
}
