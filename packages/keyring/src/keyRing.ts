import { randomBytes } from "node:crypto";
import { DATA_KEY_BYTES, open as openSealed, seal as sealBytes, type AeadAlgorithm } from "./aead.js";
import type { MasterKeyCustody } from "./custody.js";
import { KeyRingError } from "./errors.js";
import type { DataKeyRef, DataKeyStore } from "./store.js";

/** The event a value is sealed into: bound as associated data, so the ciphertext cannot be moved to another event. */
export interface EventIdentity {
  readonly stream: string;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
}

export type OpenResult = { readonly status: "opened"; readonly plaintext: Buffer } | { readonly status: "erased" };

export interface KeyRing {
  readonly algorithm: AeadAlgorithm;
  /** Seals with the (subject, retention class) data key, created on first use; base64 of the sealed bytes. */
  seal(ref: DataKeyRef, event: EventIdentity, plaintext: Uint8Array | string): Promise<string>;
  /**
   * "erased" when the data key was destroyed. Throws SEALED_VALUE_REJECTED when the value was altered or belongs to
   * another event, subject or class, and DATA_KEY_MISSING when no key was ever made for the ref.
   */
  open(ref: DataKeyRef, event: EventIdentity, sealed: string): Promise<OpenResult>;
  /** Crypto-erasure: every value sealed under the ref becomes unreadable; the log (and its hash chain) is untouched. */
  destroy(ref: DataKeyRef): Promise<void>;
  /**
   * After `custody.rotate()`: re-wraps data keys still wrapped by an older master key with the current one. Data is
   * not touched (the data keys stay the same). Returns how many keys were re-wrapped.
   */
  rewrap(batchSize?: number): Promise<number>;
}

export interface KeyRingOptions {
  readonly custody: MasterKeyCustody;
  readonly store: DataKeyStore;
  /** AES-256-GCM unless the jurisdiction's profile asks for 国密 (SM4). Opening reads the algorithm from the value. */
  readonly algorithm?: AeadAlgorithm;
  /**
   * How long an unwrapped data key stays in this process's memory (ms); 0: unwrap on every seal and open. Default
   * 30 s, at most 10,000 keys. `destroy` drops it at once; a key another process destroyed stays usable here until it
   * expires — the sealed event store's fence (5 s) answers "erased" before that.
   */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

const CACHE_MAX = 10_000;

const MAX_REF = 200;
const CONTROL = /\p{Cc}/u;

export function createKeyRing(options: KeyRingOptions): KeyRing {
  const { custody, store } = options;
  const algorithm = options.algorithm ?? "AES-256-GCM";
  const ttl = options.cacheTtlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { key: Uint8Array; until: number }>();
  const associatedData = lastAssociatedData();
  const lastWrapContext = lastOf(wrapContext);
  const checkRef = lastOf(checkRefOnce);

  /**
   * Expired keys leave memory as new ones come, oldest first: left in the map they were kept until 10,000 had piled
   * up (issue 15: one data key per consult record, so a key ring held every key of the last 10,000 consults).
   */
  function dropExpired(): void {
    const time = now();
    for (const [id, entry] of cache) {
      if (entry.until > time) return;
      cache.delete(id);
    }
  }

  async function unwrapLive(ref: DataKeyRef): Promise<Uint8Array | "destroyed" | undefined> {
    const id = lastWrapContext(ref);
    const cached = cache.get(id);
    if (cached !== undefined && cached.until > now()) return cached.key;
    const stored = await store.get(ref);
    if (stored === undefined) return undefined;
    if (stored.state === "destroyed") return "destroyed";
    const key = await custody.unwrap(stored.wrapped, id);
    if (ttl > 0) {
      dropExpired();
      if (cache.size >= CACHE_MAX) cache.clear();
      // Deleted first so that the map's order stays the order of expiry (one TTL for all).
      cache.delete(id);
      cache.set(id, { key, until: now() + ttl });
    }
    return key;
  }

  return {
    algorithm,
    async seal(ref, event, plaintext) {
      checkRef(ref);
      let key = await unwrapLive(ref);
      if (key === "destroyed") throw destroyedError(ref);
      if (key === undefined) {
        const fresh = randomBytes(DATA_KEY_BYTES);
        const stored = await store.createIfAbsent(ref, await custody.wrap(fresh, wrapContext(ref)));
        if (stored.state === "destroyed") throw destroyedError(ref);
        key = await custody.unwrap(stored.wrapped, wrapContext(ref));
      }
      const bytes = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
      return asBuffer(sealBytes(algorithm, key, bytes, associatedData(ref, event))).toString("base64");
    },
    async open(ref, event, sealed) {
      checkRef(ref);
      const key = await unwrapLive(ref);
      if (key === "destroyed") return { status: "erased" };
      if (key === undefined) {
        throw new KeyRingError("DATA_KEY_MISSING", `no data key was ever made for retention class "${ref.retentionClass}" of this subject`);
      }
      const plaintext = openSealed(key, Buffer.from(sealed, "base64"), associatedData(ref, event));
      if (plaintext === undefined) {
        throw new KeyRingError(
          "SEALED_VALUE_REJECTED",
          `sealed value does not open for event ${event.eventId} (altered, or sealed for another event, subject or class)`,
        );
      }
      return { status: "opened", plaintext: asBuffer(plaintext) };
    },
    async destroy(ref) {
      checkRef(ref);
      cache.delete(wrapContext(ref));
      await store.destroy(ref);
    },
    async rewrap(batchSize = 100) {
      const current = await custody.currentKeyId();
      let count = 0;
      for (;;) {
        const batch = await store.wrappedByOtherThan(current, batchSize);
        if (batch.length === 0) return count;
        let progressed = false;
        for (const { ref, wrapped } of batch) {
          const key = await custody.unwrap(wrapped, wrapContext(ref));
          const rewrapped = await custody.wrap(key, wrapContext(ref));
          if (rewrapped.masterKeyId !== current) return count;
          if (await store.replaceWrapped(ref, wrapped.masterKeyId, rewrapped)) {
            count += 1;
            progressed = true;
          }
        }
        // Rows another process re-wrapped or destroyed leave the next batch; a batch with no progress at all would
        // come back unchanged, so stop rather than loop.
        if (!progressed) return count;
      }
    },
  };
}

// JSON arrays of strings are an unambiguous encoding: no choice of field values makes two identities collide.
function encodeAssociatedData(ref: DataKeyRef, event: EventIdentity): Buffer {
  return Buffer.from(
    JSON.stringify(["ihp-keyring/1", ref.subject, ref.retentionClass, event.stream, event.eventId, event.type, event.schemaVersion]),
    "utf8",
  );
}

/**
 * encodeAssociatedData, remembering the last one: an event's sealed fields share their key and event, so a seal or open
 * of its second field and on reuses the bytes (read only: the AEAD copies them into its own).
 */
function lastAssociatedData(): (ref: DataKeyRef, event: EventIdentity) => Buffer {
  let last: { subject: string; retentionClass: string; stream: string; eventId: string; type: string; schemaVersion: number; bytes: Buffer } | undefined;
  return (ref, event) => {
    if (
      last?.subject === ref.subject &&
      last.retentionClass === ref.retentionClass &&
      last.stream === event.stream &&
      last.eventId === event.eventId &&
      last.type === event.type &&
      last.schemaVersion === event.schemaVersion
    ) {
      return last.bytes;
    }
    const bytes = encodeAssociatedData(ref, event);
    last = { subject: ref.subject, retentionClass: ref.retentionClass, stream: event.stream, eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, bytes };
    return bytes;
  };
}

/** The same bytes as a Buffer, without a copy when they are one already. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function wrapContext(ref: DataKeyRef): string {
  return JSON.stringify(["ihp-keyring-data-key/1", ref.subject, ref.retentionClass]);
}

/**
 * `compute` remembering its last answer, for the ref it was given: an event's sealed fields, and a stream's events,
 * mostly share one key.
 */
function lastOf<T>(compute: (ref: DataKeyRef) => T): (ref: DataKeyRef) => T {
  let last: { subject: string; retentionClass: string; value: T } | undefined;
  return (ref) => {
    if (last?.subject === ref.subject && last.retentionClass === ref.retentionClass) return last.value;
    const value = compute(ref);
    last = { subject: ref.subject, retentionClass: ref.retentionClass, value };
    return value;
  };
}

function checkRefOnce(ref: DataKeyRef): void {
  for (const value of [ref.subject, ref.retentionClass]) {
    if (typeof value !== "string" || value.length === 0 || value.length > MAX_REF || CONTROL.test(value)) {
      throw new KeyRingError("INVALID_KEY_REFERENCE", `subject and retention class must be 1–${MAX_REF} printable characters`);
    }
  }
}

function destroyedError(ref: DataKeyRef): KeyRingError {
  return new KeyRingError("DATA_KEY_DESTROYED", `the data key of retention class "${ref.retentionClass}" of this subject was destroyed`);
}
