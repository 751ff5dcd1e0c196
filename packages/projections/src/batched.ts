const NOT_READY = Symbol("not ready");

/** Resolves after the pending I/O callbacks of this loop turn, i.e. after every already-settled promise has run. */
function nextTurn(): Promise<typeof NOT_READY> {
  return new Promise((resolve) => setImmediate(resolve, NOT_READY));
}

/**
 * Groups items into arrays of at most maxSize, never waiting to fill one: a batch holds the first item plus whatever
 * the source has ready within the same turn of the event loop. Under load batches fill up (one transaction for many
 * events); when the source is idle each item goes alone (no added latency).
 *
 * A next() still pending when the consumer stops is left to the source's abort signal; the source is closed once it
 * settles.
 */
export async function* batched<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[], void, undefined> {
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`batch size must be a positive integer: ${maxSize}`);
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let exhausted = false;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done === true) {
        exhausted = true;
        return;
      }
      const batch = [first.value];
      while (batch.length < maxSize) {
        pending = iterator.next();
        const next = await Promise.race([pending, nextTurn()]);
        // Not ready: keep the pending next() as the start of the following batch rather than losing its item.
        if (next === NOT_READY) break;
        pending = undefined;
        if (next.done === true) {
          exhausted = true;
          break;
        }
        batch.push(next.value);
      }
      yield batch;
      if (exhausted) return;
    }
  } finally {
    if (!exhausted) {
      if (pending === undefined) await iterator.return?.();
      else void pending.then(() => iterator.return?.()).catch(() => undefined);
    }
  }
}
