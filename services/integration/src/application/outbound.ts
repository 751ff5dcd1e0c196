import { setTimeout as sleep } from "node:timers/promises";
import { type EventStore, type JsonObject, type StoredEvent, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { derivedId, textOf } from "./ids.js";
import type { IngestSender } from "./ingest.js";

/** One entry of an institution's outbound log: what the hospital's systems receive (issue 17 item 3). */
export interface OutboundEntry {
  readonly position: bigint;
  /** The source event's id: the same entry sent again carries the same id, so the HIS can de-duplicate. */
  readonly entryId: string;
  readonly type: string;
  readonly institutionId: string;
  readonly occurredAt: string;
  readonly payloadJson: string;
}

export interface OutboundSource {
  readonly eventId: string;
  readonly type: string;
  readonly institutionId: string;
  readonly occurredAt: string;
  /** The patient the entry is about, when the source names one: its payload is sealed under their clinical key. */
  readonly patientId?: string | undefined;
  readonly payload: unknown;
}

export interface Outbound {
  /** Adds a source event to its institution's log once (a redelivered event lands on the same entry). */
  append(source: OutboundSource): Promise<void>;
  /** Entries after max(from, acknowledged), then new ones until `signal` aborts. */
  follow(sender: IngestSender, from: bigint, signal: AbortSignal): AsyncGenerator<OutboundEntry>;
  /** Moves the acknowledged position forward (never back, never past the log's end); returns it. */
  acknowledge(sender: IngestSender, position: bigint): Promise<bigint>;
}

const ENTRY = "OutboundEntryAdded";
const ACK = "OutboundAcknowledged";
const logStream = (institutionId: string) => `integration-outbound-${institutionId}`;
const ackStream = (institutionId: string) => `integration-outbound-ack-${institutionId}`;

function toEntry(event: StoredEvent): OutboundEntry {
  const data = event.data;
  return {
    position: BigInt(event.revision + 1),
    entryId: textOf(data, "entryId"),
    type: textOf(data, "type"),
    institutionId: textOf(data, "institutionId"),
    occurredAt: textOf(data, "occurredAt"),
    payloadJson: textOf(data, "payloadJson"),
  };
}

/** The acknowledged position an ack stream's last event records (0 before any): acknowledgements only move forward. */
function positionOf(last: StoredEvent | undefined): bigint {
  return last === undefined ? 0n : BigInt(textOf(last.data, "position") || "0");
}

export function createOutbound(options: { readonly store: EventStore; readonly clock: () => Date; readonly newEventId: () => string; readonly pollMs?: number }): Outbound {
  const { store, clock } = options;
  const pollMs = options.pollMs ?? 250;

  // Both streams grow with every entry and acknowledgement for as long as the institution is connected, so nothing
  // here reads one whole (issue 15: costs that do not grow with the log): the last event, or the entries after a
  // position.
  async function lastOf(streamId: string): Promise<StoredEvent | undefined> {
    const [last] = await store.readStream(streamId, { last: true });
    return last;
  }

  async function acknowledged(institutionId: string): Promise<bigint> {
    return positionOf(await lastOf(ackStream(institutionId)));
  }

  function metadata(actorId: string, actorRole: string, institutionId: string, causationId: string) {
    return { actorId, actorRole, tenantId: institutionId, correlationId: causationId, causationId, occurredAt: clock().toISOString() };
  }

  return {
    async append(source) {
      const data: JsonObject = {
        entryId: source.eventId,
        type: source.type,
        institutionId: source.institutionId,
        occurredAt: source.occurredAt,
        payloadJson: JSON.stringify(source.payload),
        ...(source.patientId === undefined || source.patientId === "" ? {} : { patientId: source.patientId }),
      };
      const event = { id: derivedId("outbound", source.eventId), type: ENTRY, schemaVersion: 1, data, metadata: metadata("svc:integration", "system", source.institutionId, source.eventId) };
      await store.append(logStream(source.institutionId), [event], "any");
    },
    async *follow(sender, from, signal) {
      let next = from > 0n ? from : 0n;
      const acked = await acknowledged(sender.institutionId);
      if (acked > next) next = acked;
      while (!signal.aborted) {
        // Entry n is the event at revision n - 1: the ones after `next`.
        for (const event of await store.readStream(logStream(sender.institutionId), { after: Number(next) - 1 })) {
          if (signal.aborted) return;
          const entry = toEntry(event);
          next = entry.position;
          yield entry;
        }
        // Ends at once on an abort, also one that landed during the read; the timer's listener goes with it.
        await sleep(pollMs, undefined, { signal }).catch(() => undefined);
      }
    },
    async acknowledge(sender, position) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const last = await lastOf(ackStream(sender.institutionId));
        const current = positionOf(last);
        const end = BigInt(((await lastOf(logStream(sender.institutionId)))?.revision ?? -1) + 1);
        const target = position > end ? end : position;
        if (target <= current) return current;
        const event = { id: options.newEventId(), type: ACK, schemaVersion: 1, data: { position: target.toString() }, metadata: metadata(sender.systemId, "integration", sender.institutionId, options.newEventId()) };
        try {
          await store.append(ackStream(sender.institutionId), [event], last === undefined ? "no_stream" : last.revision);
          return target;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
        }
      }
      return acknowledged(sender.institutionId);
    },
  };
}
