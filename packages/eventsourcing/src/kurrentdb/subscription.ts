import type { AllStreamSubscription } from "@kurrent/kurrentdb-client";

import type { LogPosition, StoredEvent } from "../types.js";
import { decodeRecord, encodePosition, isSystemEventType } from "./codec.js";

/**
 * Turns a client $all subscription (a Node Readable of resolved events) into the port's subscription: events after
 * `after` in $all order, ending when `signal` aborts, the consumer stops iterating, or the store closes (the stop
 * handed to `register`).
 *
 * Stopping cancels the gRPC call (unsubscribe, which the client defers to a later tick) and destroys the Readable,
 * so an iterator waiting for the next event ends at once, whatever the cancelled call still delivers. That wait then
 * fails with ERR_STREAM_PREMATURE_CLOSE, which is the normal end here.
 */
export async function* iterateSubscription(
  /** Undefined when the store has closed before the first next(). */
  open: () => AllStreamSubscription | undefined,
  after: LogPosition,
  signal: AbortSignal | undefined,
  register: (stop: () => void) => () => void,
): AsyncGenerator<StoredEvent> {
  if (signal?.aborted === true) return;
  // Opened on the first next(), not when subscribe() is called, so an iterator never pulled holds no gRPC call.
  const subscription = open();
  if (subscription === undefined) return;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    subscription.unsubscribe().catch(() => undefined);
    subscription.destroy();
  };
  const unregister = register(stop);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for await (const resolved of subscription) {
      if (isStopped()) return;
      const record = resolved.event;
      if (record === undefined || isSystemEventType(record.type)) continue;
      // The subscription's start is exclusive (KurrentDB docs, "Subscribing from a position"); checked anyway, so a
      // checkpoint never yields its own event again.
      if (encodePosition(record.position) <= after) continue;
      yield decodeRecord(record).event;
      if (isStopped()) return;
    }
  } catch (error) {
    if (!isStopped()) throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    unregister();
    stop();
  }

  /** A function, not an inline test: `stopped` changes while the generator is suspended. */
  function isStopped(): boolean {
    return stopped;
  }
}
