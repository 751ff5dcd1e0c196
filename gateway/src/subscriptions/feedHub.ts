import type { FeedEntryView } from "../contexts/feed/mapping.js";

export interface FeedHubOptions {
  /** Entries a subscriber may fall behind by before its subscription is ended (a slow client must not grow memory). */
  readonly maxQueue: number;
  /** The error an overflowing subscriber ends with. */
  readonly overflowError: () => Error;
}

/**
 * Fans regulator feed entries out to the live subscriptions of this gateway process. Each subscription filters at
 * publish time and has a bounded queue: publish never blocks (the in-process bus waits for its consumers, so a slow
 * WebSocket client must not hold up the relay), and a subscriber that cannot keep up is ended with an error instead.
 */
export class FeedHub {
  private readonly subscribers = new Set<Subscription>();

  constructor(private readonly options: FeedHubOptions) {}

  /** Live subscriptions, for tests and metrics. */
  get size(): number {
    return this.subscribers.size;
  }

  publish(entry: FeedEntryView): void {
    for (const subscriber of this.subscribers) subscriber.offer(entry);
  }

  subscribe(accepts: (entry: FeedEntryView) => boolean): AsyncIterableIterator<FeedEntryView> {
    const subscription = new Subscription(accepts, this.options, () => this.subscribers.delete(subscription));
    this.subscribers.add(subscription);
    return subscription;
  }

  /** Ends every subscription (the gateway is stopping); their clients receive `complete`. */
  close(): void {
    for (const subscriber of [...this.subscribers]) subscriber.end();
  }
}

class Subscription implements AsyncIterableIterator<FeedEntryView> {
  private readonly queue: FeedEntryView[] = [];
  private waiting: { resolve: (result: IteratorResult<FeedEntryView>) => void; reject: (error: unknown) => void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly accepts: (entry: FeedEntryView) => boolean,
    private readonly options: FeedHubOptions,
    private readonly detach: () => void,
  ) {}

  offer(entry: FeedEntryView): void {
    if (this.ended || !this.accepts(entry)) return;
    if (this.waiting !== undefined) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: entry, done: false });
    } else if (this.queue.length >= this.options.maxQueue) {
      this.fail(this.options.overflowError());
    } else {
      this.queue.push(entry);
    }
  }

  next(): Promise<IteratorResult<FeedEntryView>> {
    const entry = this.queue.shift();
    if (entry !== undefined) return Promise.resolve({ value: entry, done: false });
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<FeedEntryView>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEntryView> {
    return this;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.detach();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  private fail(error: Error): void {
    this.end();
    this.failure = error;
  }
}
