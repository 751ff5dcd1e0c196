import type { WrappedKey } from "./custody.js";

/** Which data key: one per (data subject, retention class), so erasing one class leaves the others readable. */
export interface DataKeyRef {
  readonly subject: string;
  readonly retentionClass: string;
}

export type StoredDataKey = { readonly state: "live"; readonly wrapped: WrappedKey } | { readonly state: "destroyed" };

/**
 * Port: where wrapped data keys live (outside the event log, so destroying one does not touch the log). A destroyed
 * key leaves a tombstone: the key ring then reports "erased" instead of minting a fresh key for the same subject.
 */
export interface DataKeyStore {
  get(ref: DataKeyRef): Promise<StoredDataKey | undefined>;
  /** Stores `wrapped` unless the ref has a row; returns what is stored afterwards (the first writer wins). */
  createIfAbsent(ref: DataKeyRef, wrapped: WrappedKey): Promise<StoredDataKey>;
  /** Compare-and-set for re-wrapping: replaces the row only while it is still wrapped by `from`. */
  replaceWrapped(ref: DataKeyRef, from: string, wrapped: WrappedKey): Promise<boolean>;
  /** Removes the wrapped key for good and leaves a tombstone. */
  destroy(ref: DataKeyRef): Promise<void>;
  /** Live keys wrapped by a master key other than `masterKeyId`, at most `limit`. */
  wrappedByOtherThan(masterKeyId: string, limit: number): Promise<ReadonlyArray<{ ref: DataKeyRef; wrapped: WrappedKey }>>;
  close(): Promise<void>;
}

/** In-memory store for tests and `:memory:` services. */
export function memoryDataKeyStore(): DataKeyStore {
  const rows = new Map<string, { ref: DataKeyRef; stored: StoredDataKey }>();
  const id = (ref: DataKeyRef): string => JSON.stringify([ref.subject, ref.retentionClass]);
  return {
    get: (ref) => Promise.resolve(rows.get(id(ref))?.stored),
    createIfAbsent(ref, wrapped) {
      const existing = rows.get(id(ref));
      if (existing !== undefined) return Promise.resolve(existing.stored);
      const stored: StoredDataKey = { state: "live", wrapped };
      rows.set(id(ref), { ref, stored });
      return Promise.resolve(stored);
    },
    replaceWrapped(ref, from, wrapped) {
      const row = rows.get(id(ref));
      if (row?.stored.state !== "live" || row.stored.wrapped.masterKeyId !== from) return Promise.resolve(false);
      rows.set(id(ref), { ref, stored: { state: "live", wrapped } });
      return Promise.resolve(true);
    },
    destroy(ref) {
      rows.set(id(ref), { ref, stored: { state: "destroyed" } });
      return Promise.resolve();
    },
    wrappedByOtherThan(masterKeyId, limit) {
      const found: Array<{ ref: DataKeyRef; wrapped: WrappedKey }> = [];
      for (const { ref, stored } of rows.values()) {
        if (found.length >= limit) break;
        if (stored.state === "live" && stored.wrapped.masterKeyId !== masterKeyId) found.push({ ref, wrapped: stored.wrapped });
      }
      return Promise.resolve(found);
    },
    close: () => Promise.resolve(),
  };
}
