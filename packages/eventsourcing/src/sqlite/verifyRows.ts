import type { Anchor } from "../checkpoints/anchors.js";
import type { VerifyFailure, VerifyResult } from "../eventStore.js";
import { GENESIS_HASH, hashEvent } from "../hashChain.js";
import type { EventRow } from "./schema.js";

/**
 * Walks the log in position order and names the first position that does not verify: a hash that is not the hash
 * of the stored bytes, a link that does not name its predecessor's hash, or a stream revision out of sequence.
 *
 * The chain alone cannot catch a forger who edits an event and re-hashes everything after it, or who cuts off the
 * tail: the result is again a well-formed chain. `anchors` (signed checkpoints, already checked, in position order)
 * catch both: the event at each anchor's position must carry the anchor's head hash (else CHECKPOINT_MISMATCH there),
 * and the log must reach the last anchor (else LOG_TRUNCATED at the first missing position).
 * Streaming: memory grows with the number of streams, not events.
 */
export function verifyRows(rows: Iterable<EventRow>, anchors?: readonly Anchor[]): VerifyResult {
  let previousHash = GENESIS_HASH;
  let checked = 0;
  let lastPosition = 0n;
  const lastRevision = new Map<string, number>();
  let next = 0;
  let anchoredPosition: bigint | undefined;
  const anchored = (): { anchoredPosition?: bigint } =>
    anchors === undefined ? {} : { anchoredPosition: anchoredPosition ?? 0n };
  for (const row of rows) {
    const position = BigInt(row.position);
    const fail = (reason: VerifyFailure, at = position): VerifyResult => ({ ok: false, checked, position: at, reason, ...anchored() });
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
    for (let anchor = anchors?.[next]; anchor !== undefined && anchor.position <= position; anchor = anchors?.[++next]) {
      // An anchor below this position names an event that is not there (a gap the chain did not show).
      if (anchor.position < position) return fail("CHECKPOINT_MISMATCH", anchor.position);
      if (anchor.headHash !== row.hash) return fail("CHECKPOINT_MISMATCH");
      anchoredPosition = position;
    }
    lastRevision.set(row.stream_id, row.revision);
    previousHash = row.hash;
    lastPosition = position;
    checked++;
  }
  if (anchors !== undefined && next < anchors.length) {
    return { ok: false, checked, position: lastPosition + 1n, reason: "LOG_TRUNCATED", ...anchored() };
  }
  return { ok: true, checked, lastPosition, ...anchored() };
}
