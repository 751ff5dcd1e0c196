/*
 * The event store port on a KurrentDB (EventStoreDB) cluster, for the distributed mode (ARCHITECTURE §3).
 *
 * Hash chain: PER STREAM, not global as in the SQLite adapter. KurrentDB assigns an event's $all position only when
 * it commits the append, so a hash cannot cover its own position, nor name the hash of the log's previous event
 * without serialising every writer of the service. Each event's prevHash is the hash of the previous event of its
 * own stream (GENESIS_HASH at revision 0) and its hash covers position START. Every append states the exact
 * revision it chained from (never ANY), so KurrentDB refuses an append built on a stale tail: a stream's chain is
 * linear. KurrentDB's append-only log and its expected revisions give the order between streams. See README.md for
 * what this does not detect.
 *
 * Positions: `(commit << 64) | prepare` (codec.ts), ordered like $all and decodable to resume exactly.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START as FROM_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  binaryEvent,
  streamNameFilter,
  type PrefixesFilter,
  type ReadPosition,
} from "@kurrent/kurrentdb-client";

import { MultiStreamAppendUnsupportedError, StoreClosedError, WrongExpectedRevisionError } from "../errors.js";
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
  VerifyResult,
} from "../eventStore.js";
import { GENESIS_HASH } from "../hashChain.js";
import { START, type LogPosition, type NewEvent, type StoredEvent } from "../types.js";
import { chainEvents, decodePosition, decodeRecord, encodePosition, isSystemEventType, type ChainedEvent } from "./codec.js";
import { findRepeat, lastRevision } from "./idempotency.js";
import { prepareAppend, prepareAppendMany } from "./prepareAppend.js";
import { requireReadLimit } from "../validateAppend.js";
import { iterateSubscription } from "./subscription.js";
import { verifyLog, type PositionedRecord } from "./verifyLog.js";

export interface KurrentDbEventStoreOptions {
  /** e.g. "kurrentdb://admin:changeit@db-0:2113,db-1:2113?tls=true"; the user needs read access to $all. */
  readonly connectionString: string;
  /**
   * The store sees only streams whose name starts with this, the service's context (e.g. "identity-"): one cluster
   * may hold several services' streams. Must not start with "$" (KurrentDB's system streams).
   */
  readonly streamPrefix: string;
  /** Time source for recordedAt. */
  readonly clock?: () => Date;
}

/** What the store uses of the client; a parameter so tests can run the store's logic against a fake. */
export type KurrentClient = Pick<
  KurrentDBClient,
  "appendToStream" | "readStream" | "readAll" | "subscribeToAll" | "dispose"
>;

const PAGE = 1_000;
/**
 * Passes an append makes. A conflict with a stated revision ends on the next pass (the re-read refuses it or finds a
 * repeat); "any" re-chains on the new tail, so a hot stream could need several.
 */
const MAX_ATTEMPTS = 10;

export class KurrentDbEventStore implements EventStore {
  private closed = false;
  private readonly filter: PrefixesFilter;
  private readonly subscriptions = new Set<() => void>();

  /** Connects and makes one cheap read, so a wrong address or credentials fail at start-up, not at first use. */
  static async connect(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
    checkPrefix(options.streamPrefix);
    const client = KurrentDBClient.connectionString(options.connectionString);
    try {
      for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        // Draining one event proves the connection and the $all read permission.
      }
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return KurrentDbEventStore.withClient(client, options);
  }

  /** A store over a client made elsewhere. The store owns it from now on: close() disposes it. */
  static withClient(
    client: KurrentClient,
    options: Pick<KurrentDbEventStoreOptions, "streamPrefix" | "clock">,
  ): KurrentDbEventStore {
    return new KurrentDbEventStore(client, options.streamPrefix, options.clock ?? (() => new Date()));
  }

  private constructor(
    private readonly client: KurrentClient,
    private readonly streamPrefix: string,
    private readonly clock: () => Date,
  ) {
    checkPrefix(streamPrefix);
    // A prefix filter on stream names also keeps out KurrentDB's "$" system streams.
    this.filter = streamNameFilter({ prefixes: [streamPrefix] });
  }

  async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    const encoded = prepareAppend(this.streamPrefix, streamId, events, expectedRevision);
    const ids = encoded.map((event) => event.id);
    for (let attempt = 1; ; attempt++) {
      const stored = await this.readWholeStream(streamId);
      const repeat = findRepeat(streamId, stored, ids);
      if (repeat !== undefined) return repeat;
      const current = lastRevision(stored);
      const expected = expectedRevision === "no_stream" ? -1 : expectedRevision;
      if (expected !== "any" && expected !== current) {
        throw new WrongExpectedRevisionError(streamId, expectedRevision, current);
      }
      const recordedAt = this.clock().toISOString();
      const chained = chainEvents(streamId, current + 1, stored.at(-1)?.hash ?? GENESIS_HASH, recordedAt, encoded);
      try {
        // The revision we chained from, whatever the caller expected: a stale tail must not be linked to.
        const result = await this.client.appendToStream(streamId, chained.map(toEventData), {
          streamState: current === -1 ? NO_STREAM : BigInt(current),
        });
        return await this.readBack(streamId, current, chained, result.nextExpectedRevision);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another writer got in between our read and our append. The next pass re-reads: it recognises a concurrent
        // repeat of these ids, and refuses a number or "no_stream" that no longer holds. "any" chains afresh.
        if (attempt >= MAX_ATTEMPTS) {
          const actual = error.actualState === NO_STREAM ? -1 : Number(error.actualState);
          throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
        }
      }
    }
  }

  /**
   * One stream: append. Several: refused with MultiStreamAppendUnsupportedError before anything is written (README,
   * "Multi-stream appends"): the client's multiStreamAppend (KurrentDB 25.1+) carries metadata only as string
   * properties, not the binary envelope the chain is verified from. appendToStreams falls back to consecutive appends.
   */
  async appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
    this.assertOpen();
    const [only, ...others] = batch;
    if (only !== undefined && others.length === 0) return [await this.append(only.streamId, only.events, only.expectedRevision)];
    prepareAppendMany(this.streamPrefix, batch);
    throw new MultiStreamAppendUnsupportedError("the KurrentDB event store");
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    this.assertOpen();
    if (!streamId.startsWith(this.streamPrefix)) {
      throw new RangeError(`stream ${streamId} is not under this store's prefix ${this.streamPrefix}`);
    }
    if (options.last === true) return this.readStreamRange(streamId, END, 1, BACKWARDS);
    const after = options.after ?? -1;
    return after < 0 ? this.readWholeStream(streamId) : this.readStreamRange(streamId, BigInt(after + 1), Number.MAX_SAFE_INTEGER);
  }

  async readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    this.assertOpen();
    const limit = requireReadLimit(options.limit);
    const events: StoredEvent[] = [];
    for await (const { record } of this.scan(options.after ?? START, limit)) events.push(decodeRecord(record).event);
    return events;
  }

  /** Ends at once when the store is closed, as a subscription does when it closes. */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<StoredEvent> {
    const after = options.after ?? START;
    return iterateSubscription(
      () => (this.closed ? undefined : this.client.subscribeToAll({ fromPosition: readPosition(after), filter: this.filter })),
      after,
      options.signal,
      (stop) => {
        this.subscriptions.add(stop);
        return () => this.subscriptions.delete(stop);
      },
    );
  }

  async verify(): Promise<VerifyResult> {
    this.assertOpen();
    // Bounds the walk: a result that stops short of the last event of the store's streams is not a verification.
    const end = await this.lastPosition();
    const progress = { position: START };
    const result = await verifyLog(this.scan(START, Number.MAX_SAFE_INTEGER, progress));
    if (result.ok && progress.position < end) {
      throw new Error(`verify read the log up to position ${progress.position} only, but it goes on to ${end}`);
    }
    return result;
  }

  /** Ends live subscriptions and disposes the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.subscriptions]) stop();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /**
   * The whole stream, decoded; empty when KurrentDB has no such stream. Leader reads: the stream an append chains
   * from, or that a caller reads after its own append, must not lag behind a follower.
   */
  private async readWholeStream(streamId: string): Promise<StoredEvent[]> {
    return this.readStreamRange(streamId, FROM_START, Number.MAX_SAFE_INTEGER);
  }

  private async readStreamRange(
    streamId: string,
    from: typeof FROM_START | typeof END | bigint,
    maxCount: number,
    direction: typeof FORWARDS | typeof BACKWARDS = FORWARDS,
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: from, maxCount, direction, requiresLeader: true })) {
        const record = resolved.event;
        if (record === undefined || isSystemEventType(record.type)) continue;
        events.push(decodeRecord(record).event);
      }
    } catch (error) {
      // Thrown by the client's read iterator (convertBridgeError) when the stream does not exist.
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * Reads the appended events back: their $all positions are only known now, and an append KurrentDB acknowledged
   * as an idempotent repeat of a concurrent identical append stored that append's events, not ours.
   */
  private async readBack(
    streamId: string,
    current: number,
    chained: readonly ChainedEvent[],
    nextExpectedRevision: bigint,
  ): Promise<AppendResult> {
    const last = current + chained.length;
    if (nextExpectedRevision !== BigInt(last)) {
      // KurrentDB continues a soft-deleted stream's numbering: the events were hashed with the wrong revisions, and
      // verify() will report it. Deleting streams is not something this system does.
      throw new Error(
        `stream ${streamId}: KurrentDB stored the append up to revision ${nextExpectedRevision}, not ${last}; ` +
          `was the stream deleted?`,
      );
    }
    const stored = await this.readStreamRange(streamId, BigInt(current + 1), chained.length);
    if (stored.length !== chained.length || stored.some((event, index) => event.id !== chained[index]?.id)) {
      throw new Error(`stream ${streamId}: the events read back after an append are not the appended ones`);
    }
    const ours = stored.every((event, index) => event.hash === chained[index]?.hash);
    return { events: stored, nextExpectedRevision: last, duplicate: !ours };
  }

  /**
   * The store's records after `after`, in $all order, excluding KurrentDB's own; `progress` follows every record
   * read, KurrentDB's included. Each page is read to its end before anything is yielded: the client's native read
   * iterator has no return(), so it is never left half-read.
   */
  private async *scan(
    after: LogPosition,
    limit: number,
    progress: { position: LogPosition } = { position: START },
  ): AsyncGenerator<PositionedRecord> {
    let from = after;
    let remaining = limit;
    while (remaining > 0) {
      // +1: a read from a position includes the event at it (only a subscription's start is exclusive).
      const maxCount = Math.min(remaining, PAGE) + 1;
      const page: PositionedRecord[] = [];
      let read = 0;
      for await (const resolved of this.client.readAll({
        fromPosition: readPosition(from),
        maxCount,
        filter: this.filter,
        requiresLeader: true,
      })) {
        read++;
        const record = resolved.event;
        if (record === undefined) continue;
        const position = encodePosition(record.position);
        if (position > from) page.push({ record, position });
      }
      for (const item of page) {
        from = item.position;
        progress.position = from;
        if (isSystemEventType(item.record.type)) continue;
        yield item;
        if (--remaining === 0) return;
      }
      // With a filter, maxCount counts the events that pass it, so a short page is the end of the log.
      if (read < maxCount) return;
    }
  }

  /** Position of the last event of the store's streams, START when there is none. */
  private async lastPosition(): Promise<LogPosition> {
    let last = START;
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      filter: this.filter,
      requiresLeader: true,
    })) {
      if (resolved.event !== undefined) last = encodePosition(resolved.event.position);
    }
    return last;
  }
}

function checkPrefix(streamPrefix: string): void {
  if (streamPrefix.length === 0 || streamPrefix.startsWith("$")) {
    throw new RangeError(`stream prefix ${JSON.stringify(streamPrefix)} must be non-empty and not start with "$"`);
  }
}

function readPosition(after: LogPosition): ReadPosition {
  return after === START ? FROM_START : decodePosition(after);
}

/**
 * Binary, not jsonEvent: the client JSON.stringify's JSON events, which is not canonical JSON; binary keeps the
 * exact bytes that were hashed. The metadata is a plain Uint8Array: the client sends it as raw bytes only when its
 * constructor is exactly Uint8Array (append.js), which TextEncoder output is.
 */
function toEventData(event: ChainedEvent) {
  return binaryEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}
