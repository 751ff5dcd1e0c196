import type { EventStore, LogPosition, StoredEvent } from "@ihp/eventsourcing";

import { batched } from "./batched.js";

/** What a projector reads: pages of the log to catch up, a subscription to follow it live. */
export type EventSource = Pick<EventStore, "readAll" | "subscribe">;

export interface BatchResult {
  /** The checkpoint after the batch. */
  readonly checkpoint: LogPosition;
  /** Events given to apply. */
  readonly applied: number;
  /** Events past the checkpoint whose type the projection does not handle (the checkpoint moved past them). */
  readonly ignored: number;
  /** Events at or below the checkpoint: already applied, skipped. */
  readonly duplicates: number;
}

/** The stored checkpoint is behind where this feeder had seen it: someone rebuilt the read model meanwhile. */
export interface Rewound {
  readonly kind: "rewound";
  readonly checkpoint: LogPosition;
}

export type BatchOutcome = { readonly kind: "committed"; readonly result: BatchResult } | Rewound;

/**
 * How a projector's batches reach it: the source, the batch size, and the projector's apply, given each batch with
 * the checkpoint the feeder last saw as its floor.
 */
export interface Feed {
  readonly source: EventSource;
  readonly batchSize: number;
  readonly apply: (events: readonly StoredEvent[], floor: LogPosition) => Promise<BatchOutcome>;
}

/**
 * Catches up from `from` in readAll pages of batchSize, one apply per page, until a page is empty or the signal
 * aborts; returns the checkpoint reached. A rewound page moves the cursor back to the stored checkpoint.
 */
export async function catchUpFrom(feed: Feed, from: LogPosition, signal: AbortSignal | undefined): Promise<LogPosition> {
  let cursor = from;
  while (signal?.aborted !== true) {
    const page = await feed.source.readAll({ after: cursor, limit: feed.batchSize });
    if (page.length === 0) break;
    const outcome = await feed.apply(page, cursor);
    cursor = outcome.kind === "committed" ? outcome.result.checkpoint : outcome.checkpoint;
  }
  return cursor;
}

/** Applies live events from the subscription, batching what arrives together; resubscribes after a rewind. */
export async function followFrom(feed: Feed, from: LogPosition, signal: AbortSignal): Promise<void> {
  let cursor = from;
  while (!signal.aborted) {
    const subscription = new AbortController();
    const abort = (): void => subscription.abort();
    signal.addEventListener("abort", abort, { once: true });
    let rewound = false;
    try {
      const events = feed.source.subscribe({ after: cursor, signal: subscription.signal });
      for await (const batch of batched(events, feed.batchSize)) {
        const outcome = await feed.apply(batch, cursor);
        if (outcome.kind === "rewound") {
          cursor = outcome.checkpoint;
          rewound = true;
          // Abort before leaving the loop, so a subscription waiting for the next event returns at once.
          subscription.abort();
          break;
        }
        cursor = outcome.result.checkpoint;
      }
    } finally {
      subscription.abort();
      signal.removeEventListener("abort", abort);
    }
    // Without a rewind the subscription ended because we were stopped or the store closed.
    if (!rewound) return;
  }
}
