/**
 * Remembers message ids for a while, like JetStream's duplicate_window with Nats-Msg-Id. Each id keeps the outcome
 * of its first publish, so a repeat resolves when the first one does, not before.
 *
 * Expired ids are dropped at the next lookup and, when no publish comes, by a timer set for when the oldest expires
 * (unref'd: it never keeps the process alive), so an idle bus does not hold a window's worth of ids and outcomes
 * for good (issue 15: memory after many flows).
 */
export class DuplicateWindow {
  // Insertion order is time order, so expired entries are always at the front.
  private readonly seen = new Map<string, { readonly at: number; readonly outcome: Promise<void> }>();
  /**
   * When the first (oldest) id was remembered; +Infinity when none is. Lets a lookup see that nothing has expired
   * without walking the map, which cost an iterator and an entry array per publish (issue 15).
   */
  private oldestAt = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Ids remembered now, expired ones not yet dropped included. */
  get size(): number {
    return this.seen.size;
  }

  /** The first publish's outcome when `id` was published within the window. */
  lookup(id: string): Promise<void> | undefined {
    this.prune();
    return this.seen.get(id)?.outcome;
  }

  remember(id: string, outcome: Promise<void>): void {
    const at = this.now();
    if (this.seen.size === 0) this.oldestAt = at;
    this.seen.set(id, { at, outcome });
    this.schedulePrune();
  }

  /** Forgets every id and cancels the timer (the bus is closing). */
  clear(): void {
    this.seen.clear();
    this.oldestAt = Number.POSITIVE_INFINITY;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private prune(): void {
    const oldest = this.now() - this.windowMs;
    if (this.oldestAt > oldest) return;
    for (const [id, entry] of this.seen) {
      if (entry.at > oldest) {
        this.oldestAt = entry.at;
        return;
      }
      this.seen.delete(id);
    }
    this.oldestAt = Number.POSITIVE_INFINITY;
  }

  /**
   * One timer at a time, for when the oldest id expires but at least an eighth of the window away, so a busy bus
   * runs it a few times a window, not once per id; it prunes, then sets itself again while ids remain. Lookups prune
   * exactly; this only lets go of the memory.
   */
  private schedulePrune(): void {
    if (this.timer !== undefined) return;
    const first = this.seen.values().next();
    if (first.done === true) return;
    const delay = Math.max(first.value.at + this.windowMs - this.now(), this.windowMs / 8) + 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.prune();
      this.schedulePrune();
    }, delay);
    this.timer.unref();
  }
}
