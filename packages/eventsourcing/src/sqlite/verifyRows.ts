import type { VerifyResult } from "../eventStore.js";
import { GENESIS_HASH, hashEvent } from "../hashChain.js";
import type { EventRow } from "./schema.js";

/**
 * Walks the log in position order and names the first position that does not verify: a hash that is not the hash
 * of the stored bytes, a link that does not name its predecessor's hash, or a stream revision out of sequence.
 * Streaming: memory grows with the number of streams, not events.
 */
export function verifyRows(rows: Iterable<EventRow>): VerifyResult {
  let previousHash = GENESIS_HASH;
  let checked = 0;
  let lastPosition = 0n;
  const lastRevision = new Map<string, number>();
  for (const row of rows) {
    const position = BigInt(row.position);
    const fail = (reason: "HASH_MISMATCH" | "CHAIN_BROKEN" | "REVISION_GAP"): VerifyResult => ({
      ok: false,
      checked,
      position,
      reason,
    });
    const recomputed = hashEvent({
      position,
      streamId: row.stream_id,
      revision: row.revision,
      id: row.id,
      type: row.type,
      schemaVersion: row.schema_version,
      dataJson: row.data,
      metadataJson: row.metadata,
      recordedAt: row.recorded_at,
      prevHash: row.prev_hash,
    });
    if (recomputed !== row.hash) return fail("HASH_MISMATCH");
    if (row.prev_hash !== previousHash) return fail("CHAIN_BROKEN");
    if (row.revision !== (lastRevision.get(row.stream_id) ?? -1) + 1) return fail("REVISION_GAP");
    lastRevision.set(row.stream_id, row.revision);
    previousHash = row.hash;
    lastPosition = position;
    checked++;
  }
  return { ok: true, checked, lastPosition };
}
