import type { BusMessage } from "./bus.js";
import { matchesAny } from "./subjects.js";

/**
 * The latest messages of the in-process bus, oldest first, for durables created after they were published (a
 * JetStream stream with a max_msgs limit). A ring of at most `limit` messages: never more are held, so a long run
 * keeps `limit` messages, not twice that between two trims (issue 15: memory after many flows). end() drops them
 * and keeps none from then on, once no durable that should see them is still to come.
 */
export class RetainedMessages {
  private ring: BusMessage[] = [];
  /** Where the oldest message is, once the ring is full. */
  private head = 0;
  private ended = false;

  constructor(private readonly limit: number) {}

  /** Messages held now (at most the limit). */
  get size(): number {
    return this.ring.length;
  }

  add(message: BusMessage): void {
    if (this.ended || this.limit <= 0) return;
    if (this.ring.length < this.limit) {
      this.ring.push(message);
      return;
    }
    this.ring[this.head] = message;
    this.head = (this.head + 1) % this.limit;
  }

  /** The held messages on these subjects, oldest first. */
  matching(subjects: readonly string[]): BusMessage[] {
    const ordered = [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return ordered.filter((message) => matchesAny(subjects, message.subject));
  }

  /** Drops what is held and holds nothing more. */
  end(): void {
    this.ended = true;
    this.ring = [];
    this.head = 0;
  }
}
