import { deepFreeze, type JsonObject, type StoredEvent } from "@ihp/eventsourcing";

/**
 * The clear data of events this store recently wrote or opened, by log position (issue 15). Every whole-log
 * subscriber of a service (projections, the relay) opened each sealed event again, and a stream's tail read opened the
 * events the same process had just written: each field one AEAD open, a cipher object and a key lookup. Held here, an
 * event is opened once — or not at all when this process wrote it (the writer's own clear data).
 *
 * An entry answers only for the stored event it was made from (same position and hash: the hash covers the sealed
 * values), and it obeys the erasure fence's bound as OpenedStreams does: it is stamped with the time its fence state
 * was read (not the time it was put), so a value is never held longer than the fence that let it be opened is
 * trusted; `clear()` (an erasure in this process) drops everything, including what an open in flight would put back;
 * nothing is kept past the TTL (a sweep every `ttlMs` while anything is held); at most `maxEvents`, oldest first out.
 *
 * What is held is handed to every later reader as it is, so it is deeply frozen when put: a reader (or the writer,
 * whose own data object is held) that changes an event's data afterwards gets a TypeError instead of silently changing
 * what the log's other readers see.
 */
export class OpenedEvents {
  /** In the order put: the first keys are the oldest. */
  private readonly entries = new Map<bigint, { readonly hash: string; readonly data: JsonObject; readonly at: number }>();
  /** Moves on every clear(); an open that began before it does not put its result back. */
  private epoch = 0;
  private sweeping: NodeJS.Timeout | undefined;
  private puts = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The current epoch, to hand back to `put` once an open or a write has finished. */
  get current(): number {
    return this.epoch;
  }

  /** Events held now (a memory figure). */
  get size(): number {
    return this.entries.size;
  }

  /** The opened data of this stored event when it is held and its fence is still trusted. */
  get(event: StoredEvent): JsonObject | undefined {
    const entry = this.entries.get(event.position);
    if (entry === undefined || entry.hash !== event.hash) return undefined;
    if (this.now() - entry.at >= this.ttlMs) {
      this.entries.delete(event.position);
      return undefined;
    }
    return entry.data;
  }

  /**
   * Holds `data` as the opened data of the stored event, its fence read at `fenceAt`; nothing when an erasure came
   * since `epoch` was taken, or when the fence is already too old. `data` is deeply frozen in place either way, so that
   * an opened event's data is immutable whether or not it happens to be held (a bug that changes it shows in tests,
   * not only in a busy process); the writer's object is frozen rather than copied, so that a later change by the writer
   * fails loudly where it is made.
   */
  put(event: StoredEvent, data: JsonObject, fenceAt: number, epoch: number): void {
    deepFreeze(data);
    if (epoch !== this.epoch || this.maxEvents <= 0) return;
    const now = this.now();
    if (now - fenceAt >= this.ttlMs) return;
    this.entries.delete(event.position);
    this.entries.set(event.position, { hash: event.hash, data, at: fenceAt });
    // The oldest leave when there are too many, and (looked for every 64th put: get() refuses them meanwhile) when
    // their fence is no longer trusted.
    if (this.entries.size > this.maxEvents || (this.puts += 1) % 64 === 0) {
      for (const [position, entry] of this.entries) {
        if (this.entries.size <= this.maxEvents && now - entry.at < this.ttlMs) break;
        this.entries.delete(position);
      }
    }
    if (this.sweeping === undefined) {
      this.sweeping = setInterval(() => this.sweep(), this.ttlMs);
      this.sweeping.unref();
    }
  }

  /** Forgets every event (an erasure happened). */
  clear(): void {
    this.entries.clear();
    this.epoch += 1;
    this.sweep();
  }

  /** Drops every entry whose fence is no longer trusted. */
  sweep(): void {
    const now = this.now();
    for (const [position, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(position);
    if (this.entries.size === 0 && this.sweeping !== undefined) {
      clearInterval(this.sweeping);
      this.sweeping = undefined;
    }
  }
}
