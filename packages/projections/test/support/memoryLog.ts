import { START, type ReadAllOptions, type StoredEvent, type SubscribeOptions } from "@ihp/eventsourcing";

import type { EventSource } from "../../src/index.js";

/**
 * An in-memory log for fixtures whose positions a real store would not produce (sparse, beyond 64 bits). The live
 * tests use the real SQLite event store instead.
 */
export class MemoryLog implements EventSource {
  private readonly events: StoredEvent[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(events: readonly StoredEvent[] = []) {
    this.append(...events);
  }

  get all(): readonly StoredEvent[] {
    return this.events;
  }

  append(...events: StoredEvent[]): void {
    for (const event of events) {
      const last = this.events.at(-1);
      if (last !== undefined && event.position <= last.position) throw new Error("positions must increase");
      this.events.push(event);
    }
    for (const listener of [...this.listeners]) listener();
  }

  readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    const after = options.after ?? START;
    return Promise.resolve(this.events.filter((event) => event.position > after).slice(0, options.limit));
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    let after = options.after ?? START;
    const signal = options.signal;
    while (!aborted(signal)) {
      const seen = this.events.length;
      for (const event of this.events.filter((candidate) => candidate.position > after)) {
        yield event;
        after = event.position;
        if (aborted(signal)) return;
      }
      await this.changed(seen, signal);
    }
  }

  private changed(seen: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.events.length !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.listeners.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.listeners.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

/** A function, not an inline test: the flag changes while the generator is suspended at a yield. */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
