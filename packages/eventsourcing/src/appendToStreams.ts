import { MultiStreamAppendUnsupportedError } from "./errors.js";
import type { AppendResult, EventStore, StreamAppend } from "./eventStore.js";

/**
 * One logical change that writes several streams: one atomic appendMany where the store has it. A store that
 * refuses it (KurrentDB: MultiStreamAppendUnsupportedError, nothing written) gets the parts as consecutive appends,
 * in batch order — what such callers did before appendMany: each part atomic on its own, a crash between two parts
 * leaves the first ones written (callers keep their ids derived, so a retry completes the rest).
 */
export async function appendToStreams(store: EventStore, batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
  try {
    return await store.appendMany(batch);
  } catch (error) {
    if (!(error instanceof MultiStreamAppendUnsupportedError)) throw error;
  }
  const results: AppendResult[] = [];
  for (const { streamId, events, expectedRevision } of batch) results.push(await store.append(streamId, events, expectedRevision));
  return results;
}
