import { deepFreeze, type StoredEvent } from "@ihp/eventsourcing";

/**
 * Recently read streams, opened (issue 15): a command or a check that reads a stream it read a moment ago costs one
 * query for the events appended since, instead of reading and opening the whole stream again. Without it a long-lived
 * stream (a practitioner's account, read on every session check) costs more with every event it gains.
 *
 * The entries hold opened (clear) values, so they obey the same bound as the erasure fence: a stream is read and
 * opened in full again once `ttlMs` has passed since it last was, and `clear()` (an erasure in this process) drops
 * everything at once, including what a read that was in flight during the erasure would have put back. Nothing is
 * kept past the TTL, busy or idle: a stream opened that long ago leaves at the next read of any stream or at the next
 * sweep (every `ttlMs` while anything is held), and at most `maxEvents` events are held: the least recently read
 * streams leave first, and a longer stream is not held at all.
 *
 * A held stream is handed to every later reader as it is, so its events (data and metadata too) are deeply frozen as
 * they are read, as OpenedEvents freezes what it holds (an event of a type nothing seals comes from the store as it is
 * and would otherwise be shared changeable), and so is the array handed out: a reader that changes them gets a
 * TypeError instead of changing what the readers after it see.
 */
export class OpenedStreams {
  /** In order of last read: the first keys are the least recently read. */
  private readonly entries = new Map<string, { readonly events: readonly StoredEvent[]; readonly openedAt: number; readonly readAt: number }>();
  private held = 0;
  /** Moves on every clear(); a read that began before it does not put its result back. */
  private epoch = 0;
  private sweeping: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxEvents: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * The whole stream: the held events and the tail after them when they are fresh, else a full read.
   * `read(after)` reads the stored events after a revision (-1: all); `open` opens them.
   */
  async read(
    streamId: string,
    read: (after: number) => Promise<readonly StoredEvent[]>,
    open: (events: readonly StoredEvent[]) => Promise<readonly StoredEvent[]>,
  ): Promise<readonly StoredEvent[]> {
    const epoch = this.epoch;
    const entry = this.entries.get(streamId);
    const fresh = entry !== undefined && this.now() - entry.openedAt < this.ttlMs;
    const openedAt = fresh ? entry.openedAt : this.now();
    const held = fresh ? entry.events : [];
    const tail = await open(await read(held.at(-1)?.revision ?? -1));
    // Frozen whether or not the stream is held, so that a reader's bug shows whatever the cache's state.
    for (const event of tail) deepFreeze(event);
    const events = tail.length === 0 ? held : Object.freeze([...held, ...tail]);
    if (epoch === this.epoch) this.put(streamId, events, openedAt);
    return events;
  }

  /** Events held now (a memory figure). */
  get heldEvents(): number {
    return this.held;
  }

  /** Forgets every stream (an erasure happened). */
  clear(): void {
    this.entries.clear();
    this.held = 0;
    this.epoch += 1;
    this.sweep();
  }

  /** Drops every stream opened `ttlMs` ago or more (a read would open it again in full anyway). */
  sweep(): void {
    const now = this.now();
    for (const [streamId, entry] of this.entries) {
      if (now - entry.openedAt < this.ttlMs) continue;
      this.entries.delete(streamId);
      this.held -= entry.events.length;
    }
    if (this.entries.size === 0 && this.sweeping !== undefined) {
      clearInterval(this.sweeping);
      this.sweeping = undefined;
    }
  }

  private put(streamId: string, events: readonly StoredEvent[], openedAt: number): void {
    const previous = this.entries.get(streamId);
    if (previous !== undefined) {
      this.entries.delete(streamId);
      this.held -= previous.events.length;
    }
    if (events.length === 0 || events.length > this.maxEvents) return;
    const now = this.now();
    this.entries.set(streamId, { events, openedAt, readAt: now });
    this.held += events.length;
    if (this.sweeping === undefined) {
      this.sweeping = setInterval(() => this.sweep(), this.ttlMs);
      this.sweeping.unref();
    }
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.maxEvents && now - entry.readAt < this.ttlMs) break;
      this.entries.delete(oldest);
      this.held -= entry.events.length;
    }
  }
}
