import { createHash } from "node:crypto";
import {
  canSubscribeToStream,
  deepFreeze,
  DomainError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
  type JsonValue,
  type NewEvent,
  type StoredEvent,
  type StreamAppend,
  type StreamSubscribeOptions,
} from "@ihp/eventsourcing";
import { KeyRingError } from "./errors.js";
import { OpenedEvents } from "./openedEvents.js";
import { headers, lastFenceKey, mapFields } from "./sealedFields.js";
import { OpenedStreams } from "./openedStreams.js";
import type { EventIdentity, KeyRing } from "./keyRing.js";
import type { DataKeyRef, DataKeyStore } from "./store.js";

/**
 * Field-level sealing of a service's log (issue 10 item 2, ARCHITECTURE §5): the personal and clinical fields an
 * event type names are sealed with the subject's data key before they reach the store, and opened when they are read
 * back, so deciders and projections see plain values while the log, its file and its backups hold ciphertext. The
 * hash chain is over the stored (sealed) event: it verifies before and after a key is destroyed.
 *
 * A sealed value is one string (JSON types of the event stay valid):
 *   `ihp-sealed/1:` base64url(JSON [subject, retention class, stream, event id, type, schema version]) `:` base64 AEAD
 * The header names the data key and the event the value was sealed into. In the log the containing event's own
 * identity is the associated data, so a value moved to another event does not open (SEALED_VALUE_REJECTED). A read
 * model may keep the sealed string as it is and open it at query time with `openValue` (the header says how).
 *
 * Erasure (item 3) and its fence: `erase` appends a PII-free `SubjectKeyDestroyed` to the stream `erasure-<subject>`
 * of the same log, THEN destroys the data key. The log is the fence: once that event exists, values of that key
 * generation read as `ERASED` whatever the key store says (a key-store backup restored later does not revive them),
 * and a new seal for the subject is refused with SUBJECT_ERASED until `allowNewKey` appends `SubjectKeyReissued`,
 * which starts a new key generation (`<class>#2` …) — an explicit, recorded decision. A crash between the event and
 * the key destruction leaves the data erased (the fence) and the next `erase` finishes the destruction.
 */

/** What a query shows for a value whose key was destroyed: a fixed replacement, never an error. */
export const ERASED = "已销毁";

const PREFIX = "ihp-sealed/1:";
const ERASURE_STREAM = "erasure-";

/** Which fields of an event type are sealed, under whose data key and in which retention class. */
export interface EventSealing {
  /**
   * The data subject (a patient or practitioner id) from the event's data; undefined: nobody's data, nothing sealed.
   * Omitted: the subject of the stream (`SealingPolicy.streamSubject`), for events whose data does not name it.
   */
  readonly subject?: (data: JsonObject, metadata: EventMetadata) => string | undefined;
  readonly retentionClass: string;
  /** Paths into `data`: `text`, `patient.birthDate`, `diagnoses[].name`, `tags[]`. Missing or null values are skipped. */
  readonly fields: readonly string[];
}

export interface SealingPolicy {
  /** By event type. Types not listed are stored as they are. */
  readonly events: Readonly<Record<string, EventSealing>>;
  /** The subject of a stream, from its first event (e.g. the patient of a consult, named in ConsultRequested). */
  readonly streamSubject?: (first: { readonly type: string; readonly data: JsonObject }) => string | undefined;
}

export interface ErasureRequest {
  readonly subject: string;
  readonly retentionClass: string;
  /** The approval this erasure rests on (e.g. the records service's destruction approval event id). */
  readonly approvalRef: string;
  readonly metadata: EventMetadata;
  readonly eventId: string;
}

export interface SealedEventStore extends EventStore {
  /** The decorated store (sealed values as stored): for projections that copy ciphertext into read models. */
  readonly sealedLog: EventStore;
  /** Opens a sealed value kept outside the log (a read-model copy); ERASED when its key is gone; plain text as is. */
  openValue(value: string): Promise<string>;
  erase(request: ErasureRequest): Promise<void>;
  allowNewKey(request: ErasureRequest): Promise<void>;
}

export interface SealedEventStoreOptions {
  readonly ring: KeyRing;
  /** The key ring's store: read for the destroyed key's fingerprint recorded in SubjectKeyDestroyed. */
  readonly keys: DataKeyStore;
  readonly policy: SealingPolicy;
  /** How long a subject's fence state is trusted before the erasure stream is read again (other replicas). 5 s. */
  readonly fenceTtlMs?: number;
  /**
   * How many opened events of recently read streams this process keeps, so that reading a stream again costs only its
   * new events (OpenedStreams; held no longer than the fence's TTL). 10,000; 0 keeps none.
   */
  readonly openedStreamEvents?: number;
  /**
   * How many recently written or opened events this process keeps opened by log position, so that every subscriber
   * and read of them does not open them again (OpenedEvents; held no longer than the fence's TTL). 2,000; 0 keeps none.
   */
  readonly openedEvents?: number;
  readonly now?: () => number;
}

/** A part of an append as it goes to the store, and when the fence of each sealed event was read (by event id). */
interface SealedPart {
  readonly events: NewEvent[];
  readonly fenceAt: ReadonlyMap<string, number>;
}

interface Fence {
  /** Current key generation for new seals (1 = the class itself). */
  readonly generation: number;
  /** Generations destroyed; the current one is destroyed until a reissue. */
  readonly destroyed: ReadonlySet<number>;
  readonly revision: number;
}

export function sealedEventStore(store: EventStore, options: SealedEventStoreOptions): SealedEventStore {
  const { ring, keys, policy } = options;
  const ttl = options.fenceTtlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const fences = new Map<string, { fence: Fence; at: number }>();
  const fenceKey = lastFenceKey();
  const opened = new OpenedStreams(options.openedStreamEvents ?? 10_000, ttl, now);
  const openedEvents = new OpenedEvents(options.openedEvents ?? 2_000, ttl, now);
  /** Stream → subject, learnt from the stream's first event (it never changes). Cleared when it grows large. */
  const streamSubjects = new Map<string, string | undefined>();

  async function subjectOf(streamId: string, event: NewEvent, rule: EventSealing, batch: readonly NewEvent[], fresh: boolean): Promise<string | undefined> {
    if (rule.subject !== undefined) return rule.subject(event.data, event.metadata);
    if (policy.streamSubject === undefined) return undefined;
    if (!streamSubjects.has(streamId)) {
      const first = fresh ? batch[0] : (await store.readStream(streamId))[0];
      if (streamSubjects.size >= 10_000) streamSubjects.clear();
      streamSubjects.set(streamId, first === undefined ? undefined : policy.streamSubject(first));
    }
    const subject = streamSubjects.get(streamId);
    if (subject === undefined) throw new KeyRingError("INVALID_KEY_REFERENCE", `no data subject for a ${event.type} event: its stream names nobody`);
    return subject;
  }

  async function fenceOf(subject: string, retentionClass: string): Promise<Fence> {
    return (await fenceEntry(subject, retentionClass)).fence;
  }

  /** The fence and when it was read (what an opened value held in memory is trusted from). */
  async function fenceEntry(subject: string, retentionClass: string): Promise<{ fence: Fence; at: number }> {
    const key = fenceKey(subject, retentionClass);
    const cached = fences.get(key);
    if (cached !== undefined && now() - cached.at < ttl) return cached;
    const events = await store.readStream(ERASURE_STREAM + subject);
    let generation = 1;
    const destroyed = new Set<number>();
    for (const event of events) {
      if (event.data.retentionClass !== retentionClass) continue;
      if (event.type === "SubjectKeyDestroyed") destroyed.add(Number(event.data.generation));
      if (event.type === "SubjectKeyReissued") generation = Number(event.data.generation);
    }
    const entry = { fence: { generation, destroyed, revision: events.length - 1 }, at: now() };
    fences.set(key, entry);
    return entry;
  }

  const refOf = (subject: string, retentionClass: string, generation: number): DataKeyRef => ({
    subject,
    retentionClass: generation === 1 ? retentionClass : `${retentionClass}#${generation}`,
  });

  /**
   * The event as stored: its fields sealed, and when the fence that allowed it was read (undefined: nothing sealed, or
   * its clear data is not the writer's).
   */
  async function sealEvent(streamId: string, event: NewEvent, batch: readonly NewEvent[], fresh: boolean): Promise<{ sealed: NewEvent; fenceAt?: number }> {
    const rule = policy.events[event.type];
    if (rule === undefined) return { sealed: event };
    const subject = await subjectOf(streamId, event, rule, batch, fresh);
    if (subject === undefined) return { sealed: event };
    const { fence, at } = await fenceEntry(subject, rule.retentionClass);
    if (fence.destroyed.has(fence.generation)) {
      // A refusal, not a fault: the caller learns the stable code (platform ERRORS.md) and nothing is written.
      throw new DomainError(
        "SUBJECT_ERASED",
        "FAILED_PRECONDITION",
        `the data of retention class "${rule.retentionClass}" of this subject was erased; writing it again needs an explicit new key`,
        "XC-01",
      );
    }
    const ref = refOf(subject, rule.retentionClass, fence.generation);
    const identity = { stream: streamId, eventId: event.id, type: event.type, schemaVersion: event.schemaVersion };
    const header = Buffer.from(JSON.stringify([ref.subject, ref.retentionClass, streamId, event.id, event.type, event.schemaVersion])).toString("base64url");
    let keptSealed = false;
    // The writer's data becomes the event's held clear data (reveal): frozen before it is sealed, so that what is held
    // is what was sealed even when the writer would change its object while the append is in flight.
    const data = await mapFields(deepFreeze(event.data), rule.fields, async (value) => {
      if (typeof value === "string" && value.startsWith(PREFIX)) {
        keptSealed = true;
        return value;
      }
      return `${PREFIX}${header}:${await ring.seal(ref, identity, JSON.stringify(value))}`;
    });
    // A value that came sealed is stored as it came: opening it is what decides (another event's value is rejected),
    // so the writer's data is no answer for it.
    return keptSealed ? { sealed: { ...event, data } } : { sealed: { ...event, data }, fenceAt: at };
  }

  /**
   * Opens one sealed string; `containing` is the event it is read from (its identity is the associated data). `seen`,
   * when given, learns the oldest time a fence consulted for it was read.
   */
  async function openOne(value: JsonValue, containing?: EventIdentity, seen?: { fenceAt: number }): Promise<JsonValue> {
    if (typeof value !== "string" || !value.startsWith(PREFIX)) return value;
    const [header = "", sealed = ""] = value.slice(PREFIX.length).split(":");
    const { parsed, retentionClass, generation } = headers.parse(header);
    const [subject, keyClass] = parsed;
    const { fence, at } = await fenceEntry(subject, retentionClass);
    if (seen !== undefined && at < seen.fenceAt) seen.fenceAt = at;
    if (fence.destroyed.has(generation)) return ERASED;
    const identity = containing ?? { stream: parsed[2], eventId: parsed[3], type: parsed[4], schemaVersion: parsed[5] };
    const opened = await ring.open({ subject, retentionClass: keyClass }, identity, sealed);
    if (opened.status === "erased") return ERASED;
    return JSON.parse(opened.plaintext.toString("utf8")) as JsonValue;
  }

  /** The event with its sealed fields opened: held (OpenedEvents), or opened now and held. */
  async function openEvent<E extends StoredEvent>(event: E): Promise<E> {
    const rule = policy.events[event.type];
    if (rule === undefined) return event;
    const held = openedEvents.get(event);
    if (held !== undefined) return { ...event, data: held };
    const epoch = openedEvents.current;
    const seen = { fenceAt: now() };
    const identity = { stream: event.streamId, eventId: event.id, type: event.type, schemaVersion: event.schemaVersion };
    const data = await mapFields(event.data, rule.fields, (value) => openOne(value, identity, seen));
    openedEvents.put(event, data, seen.fenceAt, epoch);
    return { ...event, data };
  }

  /** The events opened, in order; events of types the policy does not name are answered as they are, at once. */
  function openAll(events: readonly StoredEvent[]): Promise<StoredEvent[]> {
    const result = events.slice();
    let opening: Promise<unknown>[] | undefined;
    for (let at = 0; at < events.length; at += 1) {
      const event = events[at]!;
      if (policy.events[event.type] === undefined) continue;
      (opening ??= []).push(
        openEvent(event).then((clear) => {
          result[at] = clear;
        }),
      );
    }
    return opening === undefined ? Promise.resolve(result) : Promise.all(opening).then(() => result);
  }

  async function appendFenceEvent(request: ErasureRequest, type: string, generation: number, extra: JsonObject): Promise<void> {
    const fence = await fenceOf(request.subject, request.retentionClass);
    await store.append(
      ERASURE_STREAM + request.subject,
      [
        {
          id: request.eventId,
          type,
          schemaVersion: 1,
          data: { subject: request.subject, retentionClass: request.retentionClass, generation, approvalRef: request.approvalRef, ...extra },
          metadata: request.metadata,
        },
      ],
      fence.revision < 0 ? "no_stream" : fence.revision,
    );
    fences.delete(fenceKey(request.subject, request.retentionClass));
  }

  /** A part's events as stored, and for each one sealed when its fence was read. */
  async function sealPart(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<SealedPart> {
    const fresh = expectedRevision === "no_stream";
    const sealedEvents: NewEvent[] = [];
    const fenceAt = new Map<string, number>();
    for (const event of events) {
      const { sealed: one, fenceAt: at } = await sealEvent(streamId, event, events, fresh);
      sealedEvents.push(one);
      if (at !== undefined) fenceAt.set(event.id, at);
    }
    return { events: sealedEvents, fenceAt };
  }

  /**
   * Runs an append of `parts`. A stream it begins names its subject by its first event: learnt once the append has
   * landed, so no later append reads the stream for it; a first event that did not land (another writer began the
   * stream) names nothing.
   */
  async function landing<R extends AppendResult | readonly AppendResult[]>(parts: readonly StreamAppend[], append: () => Promise<R>): Promise<R> {
    const begun = parts.filter((part) => part.expectedRevision === "no_stream");
    let result: R;
    try {
      result = await append();
    } catch (error) {
      for (const part of begun) streamSubjects.delete(part.streamId);
      throw error;
    }
    const duplicate = (Array.isArray(result) ? (result as readonly AppendResult[]) : [result as AppendResult]).some((one) => one.duplicate);
    for (const { streamId, events } of begun) {
      const first = events[0];
      if (duplicate || first === undefined || policy.streamSubject === undefined || streamSubjects.has(streamId)) continue;
      if (streamSubjects.size >= 10_000) streamSubjects.clear();
      streamSubjects.set(streamId, policy.streamSubject(first));
    }
    return result;
  }

  /**
   * An append's result with clear data: a repeat opened, or the writer's own clear data for what was just written —
   * which is also held as those events' opened data (OpenedEvents), so that subscribers and reads of this process do
   * not open what it sealed a moment ago. `epoch` is OpenedEvents' before the seal: an erasure since holds nothing.
   */
  async function reveal(result: AppendResult, events: readonly NewEvent[], part: SealedPart, epoch: number): Promise<AppendResult> {
    if (result.duplicate) return { ...result, events: await openAll(result.events) };
    const clear = new Map(events.map((event) => [event.id, event.data]));
    return {
      ...result,
      events: result.events.map((event) => {
        const data = clear.get(event.id);
        if (data === undefined) return event;
        const fenceAt = part.fenceAt.get(event.id);
        if (fenceAt !== undefined) openedEvents.put(event, data, fenceAt, epoch);
        return { ...event, data };
      }),
    };
  }

  const sealed: SealedEventStore = {
    sealedLog: store,
    async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
      const epoch = openedEvents.current;
      const part = await sealPart(streamId, events, expectedRevision);
      const result = await landing([{ streamId, events, expectedRevision }], () => store.append(streamId, part.events, expectedRevision));
      return reveal(result, events, part, epoch);
    },
    async appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
      const epoch = openedEvents.current;
      const parts: SealedPart[] = [];
      for (const part of batch) parts.push(await sealPart(part.streamId, part.events, part.expectedRevision));
      const results = await landing(batch, () => store.appendMany(batch.map((part, at) => ({ ...part, events: parts[at]!.events }))));
      return Promise.all(results.map((result, at) => reveal(result, batch[at]?.events ?? [], parts[at]!, epoch)));
    },
    readStream: (streamId, readOptions) =>
      readOptions?.after === undefined && readOptions?.last !== true
        ? opened.read(streamId, (after) => store.readStream(streamId, { after }), openAll)
        : store.readStream(streamId, readOptions).then(openAll),
    readAll: async (readOptions) => openAll(await store.readAll(readOptions)),
    async *subscribe(subscribeOptions) {
      for await (const event of store.subscribe(subscribeOptions)) yield await openEvent(event);
    },
    verify: () => store.verify(),
    close: () => store.close(),
    async openValue(value) {
      const opened = await openOne(value);
      return typeof opened === "string" ? opened : JSON.stringify(opened);
    },
    async erase(request) {
      const fence = await fenceOf(request.subject, request.retentionClass);
      const ref = refOf(request.subject, request.retentionClass, fence.generation);
      if (!fence.destroyed.has(fence.generation)) {
        const stored = await keys.get(ref);
        const fingerprint = stored?.state === "live" ? createHash("sha256").update(stored.wrapped.bytes).digest("hex") : "";
        await appendFenceEvent(request, "SubjectKeyDestroyed", fence.generation, { keyFingerprint: fingerprint });
      }
      // Held opened values go once the fence is in the log, and again once the key is gone: a read between the two
      // (the key still live) may have put some back.
      opened.clear();
      openedEvents.clear();
      await ring.destroy(ref);
      opened.clear();
      openedEvents.clear();
    },
    async allowNewKey(request) {
      const fence = await fenceOf(request.subject, request.retentionClass);
      if (!fence.destroyed.has(fence.generation)) return;
      await appendFenceEvent(request, "SubjectKeyReissued", fence.generation + 1, {});
    },
  };
  // Issue 15: a store that follows one stream by itself keeps doing so behind the seal (a watcher then costs nothing
  // for other streams' events).
  if (canSubscribeToStream(store)) {
    Object.assign(sealed, {
      async *subscribeStream(streamId: string, streamOptions?: StreamSubscribeOptions): AsyncGenerator<StoredEvent> {
        for await (const event of store.subscribeStream(streamId, streamOptions)) yield await openEvent(event);
      },
    });
  }
  const head = (store as Partial<{ head: unknown }>).head;
  return typeof head === "function" ? Object.assign(sealed, { head: head.bind(store) as unknown }) : sealed;
}
