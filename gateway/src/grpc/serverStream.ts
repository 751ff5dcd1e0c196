import { type callDeadline, outgoingMetadata } from "@ihp/platform";
import type { CallScope } from "./unary.js";

type Metadata = ReturnType<typeof outgoingMetadata>;

/** The parts of a grpc-js ClientReadableStream a subscription needs. */
export interface ReadableCall<T> {
  on(event: "data", listener: (message: T) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  cancel(): void;
}

/**
 * A gRPC server stream as an async iterator for a GraphQL subscription: messages in order, the stream's error
 * thrown to the consumer, and the call cancelled when the subscriber leaves (return()). No deadline: a live stream
 * lasts as long as the subscription; `scope.timeoutMs` is not applied.
 */
export function serverStream<T>(
  scope: Omit<CallScope, "timeoutMs">,
  open: (metadata: Metadata, options: ReturnType<typeof callDeadline>) => ReadableCall<T>,
): AsyncIterableIterator<T> {
  const queue: T[] = [];
  const waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }[] = [];
  let failure: unknown;
  let ended = false;
  const call = open(outgoingMetadata({ token: scope.token, context: scope.trace }), {});

  const settle = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0];
      if (next === undefined) break;
      if (queue.length > 0) {
        waiting.shift();
        next.resolve({ value: queue.shift() as T, done: false });
      } else if (failure !== undefined) {
        waiting.shift();
        next.reject(failure);
      } else if (ended) {
        waiting.shift();
        next.resolve({ value: undefined, done: true });
      } else break;
    }
  };
  call.on("data", (message) => {
    queue.push(message);
    settle();
  });
  call.on("error", (error) => {
    // CANCELLED is our own return(): the end of the subscription, not a failure.
    if (!ended) failure = error;
    settle();
  });
  call.on("end", () => {
    ended = true;
    settle();
  });

  const iterator: AsyncIterableIterator<T> = {
    next: () => new Promise<IteratorResult<T>>((resolve, reject) => {
      waiting.push({ resolve, reject });
      settle();
    }),
    return: () => {
      ended = true;
      call.cancel();
      settle();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
