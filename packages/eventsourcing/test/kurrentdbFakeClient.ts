// An in-memory stand-in for the parts of @kurrent/kurrentdb-client the KurrentDB adapter uses, for testing the
// adapter's own logic where no server can run. It models what the adapter relies on (documented client and server
// behaviour, see src/kurrentdb/README.md), not KurrentDB: passing against it proves the logic, not the integration.
import { PassThrough } from "node:stream";

import {
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult,
  type AppendToStreamOptions,
  type BinaryEventData,
  type EventData,
  type Filter,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type SubscribeToAllOptions,
} from "@kurrent/kurrentdb-client";

import type { KurrentClient } from "@ihp/eventsourcing/kurrentdb";

interface FakeRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: Uint8Array;
  metadataBytes: Uint8Array;
  position: Position;
}

export class FakeKurrentClient implements KurrentClient {
  readonly log: FakeRecord[] = [];
  private nextLogPosition = 1_000n;
  private readonly live = new Set<{ stream: PassThrough; filter: Filter | undefined }>();
  disposed = false;
  /** Awaited before each append is applied: lets a test slip in a concurrent writer after the store's read. */
  beforeAppend: (() => Promise<void>) | undefined;

  constructor() {
    // Other tenants of the cluster: a system stream and another service's stream, which the store must not see.
    this.write("$settings", [rawEvent("$settings", "{}")]);
    this.write("other-service-1", [rawEvent("Foreign", "{}")]);
  }

  appendToStream = (async (streamName: string, events: EventData | EventData[], options?: AppendToStreamOptions) => {
    await this.beforeAppend?.();
    const list = Array.isArray(events) ? events : [events];
    const stream = this.log.filter((record) => record.streamId === streamName);
    const current = stream.at(-1)?.revision;
    const state = options?.streamState ?? "any";
    // KurrentDB's best-effort idempotence: the same ids right after the stated revision are acknowledged, not written.
    if (state !== "any" && state !== "stream_exists") {
      const from = state === NO_STREAM ? 0n : state + 1n;
      const following = stream.filter((record) => record.revision >= from).slice(0, list.length);
      if (following.length === list.length && following.every((record, i) => record.id === list[i]?.id)) {
        const acknowledged: AppendResult = { success: true, nextExpectedRevision: from + BigInt(list.length) - 1n };
        return acknowledged;
      }
    }
    const ok = state === "any" || (state === NO_STREAM ? current === undefined : state === current);
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName, expected: state, current: current ?? NO_STREAM });
    const written = this.write(streamName, list.map(toRaw));
    const last = written.at(-1)!;
    const result: AppendResult = { success: true, nextExpectedRevision: last.revision, position: last.position };
    return result;
  }) as KurrentClient["appendToStream"];

  readStream = ((streamName: string, options: ReadStreamOptions = {}) => {
    const records = this.log.filter((record) => record.streamId === streamName);
    const start = options.fromRevision ?? START;
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    let selected: FakeRecord[];
    if (options.direction === "backwards") {
      if (start !== END) throw new Error("fake: backwards stream reads only from END");
      selected = [...records].reverse().slice(0, maxCount);
    } else {
      if (start === END) throw new Error("fake: forward reads from END are not modelled");
      const from = start === START ? 0n : start;
      selected = records.filter((r) => r.revision >= from).slice(0, maxCount);
    }
    return (async function* () {
      await Promise.resolve();
      if (records.length === 0) throw new StreamNotFoundError(undefined, streamName);
      for (const record of selected) yield resolve(record);
    })();
  }) as KurrentClient["readStream"];

  readAll = ((options: ReadAllOptions = {}) => {
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const matching = this.log.filter((record) => matches(record, options.filter));
    let selected: FakeRecord[];
    if (options.direction === "backwards") {
      if (options.fromPosition !== END) throw new Error("fake: backwards reads only from END");
      selected = matching.reverse().slice(0, maxCount);
    } else {
      const from = options.fromPosition ?? START;
      if (from === END) throw new Error("fake: forward reads from END are not modelled");
      // Inclusive, as KurrentDB's reads are.
      selected = matching.filter((record) => from === START || compare(record.position, from) >= 0).slice(0, maxCount);
    }
    return (async function* () {
      await Promise.resolve();
      for (const record of selected) yield resolve(record) as AllStreamResolvedEvent;
    })();
  }) as KurrentClient["readAll"];

  subscribeToAll = ((options: SubscribeToAllOptions = {}) => {
    const stream = new PassThrough({ objectMode: true });
    const entry = { stream, filter: options.filter };
    const from = options.fromPosition ?? START;
    if (from === END) throw new Error("fake: subscriptions from END are not modelled");
    // Exclusive, as KurrentDB's subscriptions are.
    for (const record of this.log) {
      if (matches(record, entry.filter) && (from === START || compare(record.position, from) > 0)) {
        stream.write(resolve(record));
      }
    }
    this.live.add(entry);
    const subscription = Object.assign(stream, {
      unsubscribe: () => {
        // Cancels the call only; the adapter must end its own iteration.
        this.live.delete(entry);
        return Promise.resolve();
      },
    });
    return subscription;
  }) as KurrentClient["subscribeToAll"];

  dispose = (): Promise<void> => {
    this.disposed = true;
    return Promise.resolve();
  };

  /** Replaces the stored data bytes of one event, as someone with disk access could. */
  tamper(streamId: string, revision: number, data: string): void {
    const record = this.log.find((r) => r.streamId === streamId && r.revision === BigInt(revision));
    if (record === undefined) throw new Error("fake: no such event");
    record.data = new TextEncoder().encode(data);
  }

  /** Drops one event, as truncation plus scavenge would. */
  remove(streamId: string, revision: number): void {
    const index = this.log.findIndex((r) => r.streamId === streamId && r.revision === BigInt(revision));
    this.log.splice(index, 1);
  }

  subscriberCount(): number {
    return this.live.size;
  }

  /** One append: the events share a commit position and have increasing prepare positions. */
  private write(streamName: string, events: ReadonlyArray<Omit<FakeRecord, "streamId" | "revision" | "position">>): FakeRecord[] {
    const current = this.log.filter((record) => record.streamId === streamName).at(-1)?.revision ?? -1n;
    const commit = this.nextLogPosition;
    const written = events.map((event, index) => {
      const record: FakeRecord = {
        ...event,
        streamId: streamName,
        revision: current + 1n + BigInt(index),
        position: { commit, prepare: this.nextLogPosition + BigInt(index) * 7n },
      };
      return record;
    });
    this.nextLogPosition += BigInt(events.length) * 7n + 100n;
    this.log.push(...written);
    for (const { stream, filter } of this.live) {
      for (const record of written) if (matches(record, filter)) stream.write(resolve(record));
    }
    return written;
  }
}

function rawEvent(type: string, data: string): Omit<FakeRecord, "streamId" | "revision" | "position"> {
  return { id: crypto.randomUUID(), type, data: new TextEncoder().encode(data), metadataBytes: new Uint8Array() };
}

function toRaw(event: EventData): Omit<FakeRecord, "streamId" | "revision" | "position"> {
  const binary = event as BinaryEventData;
  if (binary.contentType !== "application/octet-stream" || !(binary.metadata instanceof Uint8Array)) {
    throw new Error("fake: the adapter writes binary events with byte metadata");
  }
  return { id: binary.id, type: binary.type, data: binary.data, metadataBytes: binary.metadata };
}

/** Shaped like the client's convertRustRecord / convertGrpcRecord output for a binary event. */
function resolve(record: FakeRecord): ResolvedEvent {
  let metadata: unknown;
  if (record.metadataBytes.length > 0) {
    try {
      metadata = JSON.parse(new TextDecoder().decode(record.metadataBytes));
    } catch {
      metadata = record.metadataBytes;
    }
  }
  return {
    event: {
      streamId: record.streamId,
      id: record.id,
      isJson: false,
      revision: record.revision,
      type: record.type,
      created: new Date(),
      data: record.data,
      metadata,
      position: record.position,
    },
  } as ResolvedEvent;
}

function matches(record: FakeRecord, filter: Filter | undefined): boolean {
  if (filter === undefined) return true;
  if (!("prefixes" in filter) || filter.filterOn !== "streamName") throw new Error("fake: only stream prefix filters");
  return filter.prefixes.some((prefix) => record.streamId.startsWith(prefix));
}

function compare(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}
