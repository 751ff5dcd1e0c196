import type { StoredEvent } from "@ihp/eventsourcing";
import type { Kysely, Transaction } from "kysely";

/**
 * A read model built from the log. The projector owns when and in which transaction these run; a projection only
 * says what its tables are and how one event changes them. The same definition must work on SQLite and PostgreSQL,
 * so keep to the Kysely query and schema builders, text and integer columns, and ON CONFLICT upserts.
 */
export interface Projection<DB> {
  /** Key of the projection's checkpoint row. Never reuse a name for a different read model. */
  readonly name: string;
  /**
   * Bump when apply's output changes for events already in the log: the read model is then reset and replayed from
   * the start of the log at the next start. setup runs before the reset, so a version whose table shape changes
   * must create tables under new names (or migrate in setup): reset only deletes rows.
   */
  readonly version: number;
  /**
   * Event types apply cares about. Other events are not given to apply, but the checkpoint still moves past them.
   * Absent: every event.
   */
  readonly handles?: ReadonlySet<string>;
  /** Creates the projection's tables and indexes when missing. Runs at every start, so it must be idempotent. */
  setup(db: Kysely<DB>): Promise<void>;
  /** Deletes every row of the projection's tables. Runs in the same transaction that moves the checkpoint to START. */
  reset(trx: Transaction<DB>): Promise<void>;
  /**
   * Applies one event. Runs inside the batch's transaction: throwing rolls back the whole batch, checkpoint included.
   * Events arrive in log order, each once per rebuild. Query through trx only: on SQLite the Kysely instance has a
   * single connection, and a query through it would wait for this very transaction to end.
   */
  apply(trx: Transaction<DB>, event: StoredEvent): Promise<void>;
}
