/**
 * Remembers message ids for a while, like JetStream's duplicate_window with Nats-Msg-Id. Each id keeps the outcome
 * of its first publish, so a repeat resolves when the first one does, not before.
 */
export class DuplicateWindow {
  // Insertion order is time order, so expired entries are always at the front.
  private readonly seen = new Map<string, { readonly at: number; readonly outcome: Promise<void> }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** The first publish's outcome when `id` was published within the window. */
  lookup(id: string): Promise<void> | undefined {
    this.prune();
    return this.seen.get(id)?.outcome;
  }

  remember(id: string, outcome: Promise<void>): void {
    this.seen.set(id, { at: this.now(), outcome });
  }

  private prune(): void {
    const oldest = this.now() - this.windowMs;
    for (const [id, entry] of this.seen) {
      if (entry.at > oldest) return;
      this.seen.delete(id);
    }
  }
}
