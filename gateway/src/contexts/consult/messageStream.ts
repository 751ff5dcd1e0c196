import type { WatchMessagesResponse } from "@ihp/contracts/consult";
import type { GraphQLError } from "../../graphqlJs.js";
import { type MessageView, messageView } from "./mapping.js";

/**
 * WatchMessages as the consultMessages source. The service reports refusals (NOT_CONSULT_PARTICIPANT, an unknown
 * consult) only as the stream's error, and mercurius sends an error thrown by the source straight to the socket
 * without the error formatter, so it is made public here. Leaving the subscription cancels the gRPC call.
 */
export function consultMessageStream(
  source: AsyncIterableIterator<WatchMessagesResponse>,
  toPublic: (error: unknown) => GraphQLError,
): AsyncIterableIterator<MessageView> {
  const iterator: AsyncIterableIterator<MessageView> = {
    async next(): Promise<IteratorResult<MessageView>> {
      for (;;) {
        let result: IteratorResult<WatchMessagesResponse>;
        try {
          result = await source.next();
        } catch (error) {
          throw toPublic(error);
        }
        if (result.done === true) return { value: undefined, done: true };
        // A response without its message carries nothing to deliver.
        if (result.value.message !== undefined) return { value: messageView(result.value.message), done: false };
      }
    },
    async return(): Promise<IteratorResult<MessageView>> {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
