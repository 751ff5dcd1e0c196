import type { LogPosition, StoredEvent } from "./types.js";

/**
 * The events of this store instance's latest commits, in position order with no gap (issue 15): every whole-log
 * subscriber wakes at each commit and asks for what follows its checkpoint, which is almost always here, so it is
 * served from memory instead of a query and a parse per subscriber. When another writer's events come between two of
 * ours (another process on the same file), the positions jump and what came before is dropped, so what is held never
 * hides another writer's events; a reader whose next event is not held reads the file.
 */
export class RecentCommits {
  /**
   * Held events are events[start…]: dropping from the front moves `start`, and the array is compacted only once
   * `start` reaches the capacity, so a commit costs its own events, not a copy of everything held.
   */
  private events: StoredEvent[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  /** A commit's events, in position order. */
  add(committed: readonly StoredEvent[]): void {
    const first = committed[0];
    if (first === undefined) return;
    const last = this.events.at(-1);
    if (last === undefined || first.position !== last.position + 1n) {
      this.events = [];
      this.start = 0;
    }
    for (const event of committed) this.events.push(event);
    this.start = Math.max(this.start, this.events.length - this.capacity);
    if (this.start >= this.capacity) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
  }

  /**
   * Up to `limit` events after `after`, when the next one is held; undefined when it is not (read the file). A reader
   * at the latest event this instance committed also reads the file: another writer may have added to it.
   */
  after(after: LogPosition, limit: number): readonly StoredEvent[] | undefined {
    const first = this.events[this.start];
    if (first === undefined || after + 1n < first.position) return undefined;
    const from = this.start + Number(after + 1n - first.position);
    if (from >= this.events.length) return undefined;
    return this.events.slice(from, from + limit);
  }
}
