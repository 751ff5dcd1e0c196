import { createHash } from "node:crypto";
import {
  canSubscribeToStream,
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
  readonly now?: () => number;
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
  const opened = new OpenedStreams(options.openedStreamEvents ?? 10_000, ttl, now);
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
    const key = JSON.stringify([subject, retentionClass]);
    const cached = fences.get(key);
    if (cached !== undefined && now() - cached.at < ttl) return cached.fence;
    const events = await store.readStream(ERASURE_STREAM + subject);
    let generation = 1;
    const destroyed = new Set<number>();
    for (const event of events) {
      if (event.data.retentionClass !== retentionClass) continue;
      if (event.type === "SubjectKeyDestroyed") destroyed.add(Number(event.data.generation));
      if (event.type === "SubjectKeyReissued") generation = Number(event.data.generation);
    }
    const fence = { generation, destroyed, revision: events.length - 1 };
    fences.set(key, { fence, at: now() });
    return fence;
  }

  const refOf = (subject: string, retentionClass: string, generation: number): DataKeyRef => ({
    subject,
    retentionClass: generation === 1 ? retentionClass : `${retentionClass}#${generation}`,
  });

  async function sealEvent(streamId: string, event: NewEvent, batch: readonly NewEvent[], fresh: boolean): Promise<NewEvent> {
    const rule = policy.events[event.type];
    if (rule === undefined) return event;
    const subject = await subjectOf(streamId, event, rule, batch, fresh);
    if (subject === undefined) return event;
    const fence = await fenceOf(subject, rule.retentionClass);
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
    const data = await mapFields(event.data, rule.fields, async (value) => {
      if (typeof value === "string" && value.startsWith(PREFIX)) return value;
      return `${PREFIX}${header}:${await ring.seal(ref, identity, JSON.stringify(value))}`;
    });
    return { ...event, data };
  }

  /** Opens one sealed string; `containing` is the event it is read from (its identity is the associated data). */
  async function openOne(value: JsonValue, containing?: EventIdentity): Promise<JsonValue> {
    if (typeof value !== "string" || !value.startsWith(PREFIX)) return value;
    const [header = "", sealed = ""] = value.slice(PREFIX.length).split(":");
    const parsed = parseHeader(header);
    const [subject, keyClass] = parsed;
    const { retentionClass, generation } = splitClass(keyClass);
    const fence = await fenceOf(subject, retentionClass);
    if (fence.destroyed.has(generation)) return ERASED;
    const identity = containing ?? { stream: parsed[2], eventId: parsed[3], type: parsed[4], schemaVersion: parsed[5] };
    const opened = await ring.open({ subject, retentionClass: keyClass }, identity, sealed);
    if (opened.status === "erased") return ERASED;
    return JSON.parse(opened.plaintext.toString("utf8")) as JsonValue;
  }

  async function openEvent<E extends StoredEvent>(event: E): Promise<E> {
    const rule = policy.events[event.type];
    if (rule === undefined) return event;
    const identity = { stream: event.streamId, eventId: event.id, type: event.type, schemaVersion: event.schemaVersion };
    return { ...event, data: await mapFields(event.data, rule.fields, (value) => openOne(value, identity)) };
  }

  const openAll = (events: readonly StoredEvent[]): Promise<StoredEvent[]> => Promise.all(events.map(openEvent));

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
    fences.delete(JSON.stringify([request.subject, request.retentionClass]));
  }

  async function sealPart(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<NewEvent[]> {
    const fresh = expectedRevision === "no_stream";
    const sealedEvents: NewEvent[] = [];
    for (const event of events) sealedEvents.push(await sealEvent(streamId, event, events, fresh));
    return sealedEvents;
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

  /** An append's result with clear data: a repeat opened, or the writer's own clear data for what was just written. */
  async function reveal(result: AppendResult, events: readonly NewEvent[]): Promise<AppendResult> {
    if (result.duplicate) return { ...result, events: await openAll(result.events) };
    // Just written: the writer's own clear data, not a decryption of what was sealed a moment ago.
    const clear = new Map(events.map((event) => [event.id, event.data]));
    return { ...result, events: result.events.map((event) => ({ ...event, data: clear.get(event.id) ?? event.data })) };
  }

  const sealed: SealedEventStore = {
    sealedLog: store,
    async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
      const sealedEvents = await sealPart(streamId, events, expectedRevision);
      const result = await landing([{ streamId, events, expectedRevision }], () => store.append(streamId, sealedEvents, expectedRevision));
      return reveal(result, events);
    },
    async appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
      const sealedBatch: StreamAppend[] = [];
      for (const part of batch) sealedBatch.push({ ...part, events: await sealPart(part.streamId, part.events, part.expectedRevision) });
      const results = await landing(batch, () => store.appendMany(sealedBatch));
      return Promise.all(results.map((result, at) => reveal(result, batch[at]?.events ?? [])));
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
      await ring.destroy(ref);
      opened.clear();
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

function parseHeader(header: string): [string, string, string, string, string, number] {
  try {
    const parsed = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && parsed.length === 6 && parsed.slice(0, 5).every((part) => typeof part === "string") && typeof parsed[5] === "number") {
      return parsed as [string, string, string, string, string, number];
    }
  } catch {
    // fall through
  }
  throw new KeyRingError("SEALED_VALUE_REJECTED", "sealed value has no readable header");
}

function splitClass(keyClass: string): { retentionClass: string; generation: number } {
  const match = /^(.*)#([1-9][0-9]*)$/.exec(keyClass);
  return match === null ? { retentionClass: keyClass, generation: 1 } : { retentionClass: match[1] ?? "", generation: Number(match[2]) };
}

/** A copy of `data` with every value at the given paths replaced by `map(value)`. */
async function mapFields(data: JsonObject, paths: readonly string[], map: (value: JsonValue) => Promise<JsonValue>): Promise<JsonObject> {
  const copy = structuredClone(data);
  for (const path of paths) await mapPath(copy, path.split("."), map);
  return copy;
}

async function mapPath(node: JsonValue, steps: readonly string[], map: (value: JsonValue) => Promise<JsonValue>): Promise<void> {
  const [step, ...rest] = steps;
  if (step === undefined || node === null || typeof node !== "object" || Array.isArray(node)) return;
  const many = step.endsWith("[]");
  const key = many ? step.slice(0, -2) : step;
  const value = node[key];
  if (value === undefined || value === null) return;
  if (many) {
    if (!Array.isArray(value)) return;
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index] as JsonValue;
      if (rest.length === 0) value[index] = await map(item);
      else await mapPath(item, rest, map);
    }
    return;
  }
  if (rest.length === 0) node[key] = await map(value);
  else await mapPath(value, rest, map);
}
