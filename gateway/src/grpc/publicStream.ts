import type { GraphQLError } from "../graphqlJs.js";

/**
 * A server stream as the subscription's source: each message mapped (null skips it), and the stream's failure
 * thrown as the public error. mercurius sends an error thrown by the source straight to the socket, not through the
 * error formatter, so a refusal (e.g. TENANT_MISMATCH, which the service only reports on the stream) must already
 * be public here. Leaving the subscription cancels the call.
 */
export function publicStream<T, V>(
  source: AsyncIterableIterator<T>,
  map: (message: T) => V | null,
  toPublic: (error: unknown) => GraphQLError,
): AsyncIterableIterator<V> {
  const iterator: AsyncIterableIterator<V> = {
    async next(): Promise<IteratorResult<V>> {
      for (;;) {
        let result: IteratorResult<T>;
        try {
          result = await source.next();
        } catch (error) {
          throw toPublic(error);
        }
        if (result.done === true) return { value: undefined, done: true };
        const mapped = map(result.value);
        if (mapped !== null) return { value: mapped, done: false };
      }
    },
    async return(): Promise<IteratorResult<V>> {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
