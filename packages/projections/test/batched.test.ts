import { describe, expect, it } from "vitest";

import { batched } from "../src/index.js";

/** A source fed by the test: items pushed in one turn are ready together; next() waits when empty. */
class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  returned = false;

  push(...items: T[]): void {
    for (const item of items) {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting !== undefined) waiting({ value: item, done: false });
      else this.items.push(item);
    }
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.returned = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

describe("batched", () => {
  it("groups items that are ready together, up to the maximum size", async () => {
    async function* ready(): AsyncGenerator<number> {
      // Each item settles within microtasks: all ten are ready in the same turn.
      for (let i = 0; i < 10; i += 1) yield await Promise.resolve(i);
    }
    const batches: number[][] = [];
    for await (const batch of batched(ready(), 4)) batches.push(batch);
    expect(batches).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it("does not wait to fill a batch, and keeps the item it was waiting for", async () => {
    const channel = new Channel<string>();
    const batches = batched(channel, 10);
    channel.push("a", "b");
    expect(await batches.next()).toEqual({ value: ["a", "b"], done: false });
    // The generator now holds a pending next() on the channel: what arrives later must open the next batch.
    channel.push("c");
    expect(await batches.next()).toEqual({ value: ["c"], done: false });
    channel.push("d", "e");
    channel.end();
    expect(await batches.next()).toEqual({ value: ["d", "e"], done: false });
    expect(await batches.next()).toEqual({ value: undefined, done: true });
  });

  it("closes the source when the consumer stops early", async () => {
    const channel = new Channel<number>();
    channel.push(1, 2, 3);
    for await (const batch of batched(channel, 2)) {
      expect(batch).toEqual([1, 2]);
      break;
    }
    expect(channel.returned).toBe(true);
  });

  it("rejects a batch size that is not a positive integer", async () => {
    await expect(batched(new Channel<number>(), 0).next()).rejects.toBeInstanceOf(RangeError);
  });
});
