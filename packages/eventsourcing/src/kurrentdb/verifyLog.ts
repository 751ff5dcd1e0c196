import type { VerifyFailure, VerifyResult } from "../eventStore.js";
import { GENESIS_HASH } from "../hashChain.js";
import { START, type LogPosition } from "../types.js";
import { decodeRecord, recomputeHash, type KurrentRecord } from "./codec.js";

export interface PositionedRecord {
  readonly record: KurrentRecord;
  readonly position: LogPosition;
}

/**
 * Walks the store's records in $all order and names the first that does not verify. The chain is per stream here
 * (see README): each prevHash must name the hash of the previous event of the same stream, GENESIS_HASH for a
 * stream's first. A record that cannot be decoded as an event this adapter wrote counts as HASH_MISMATCH: its
 * content is not what was hashed. Memory grows with the number of streams, not events.
 */
export async function verifyLog(records: AsyncIterable<PositionedRecord>): Promise<VerifyResult> {
  const tails = new Map<string, { readonly revision: number; readonly hash: string }>();
  let checked = 0;
  let lastPosition = START;
  for await (const { record, position } of records) {
    const fail = (reason: VerifyFailure): VerifyResult => ({ ok: false, checked, position, reason });
    let decoded;
    try {
      decoded = decodeRecord(record);
    } catch {
      return fail("HASH_MISMATCH");
    }
    const { event } = decoded;
    if (recomputeHash(decoded) !== event.hash) return fail("HASH_MISMATCH");
    const tail = tails.get(event.streamId);
    if (event.prevHash !== (tail?.hash ?? GENESIS_HASH)) return fail("CHAIN_BROKEN");
    if (event.revision !== (tail?.revision ?? -1) + 1) return fail("REVISION_GAP");
    tails.set(event.streamId, { revision: event.revision, hash: event.hash });
    lastPosition = position;
    checked++;
  }
  return { ok: true, checked, lastPosition };
}
