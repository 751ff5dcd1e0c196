import { createHash } from "node:crypto";

/** Namespace of feed event ids (a fixed random UUID): ids derived here cannot collide with other name-based ids. */
const FEED_NAMESPACE = "9d44255c-53d6-41c7-bc2d-5e48211d7e4c";
const NAMESPACE_BYTES = Buffer.from(FEED_NAMESPACE.replaceAll("-", ""), "hex");

/**
 * The id of the FeedEntryRecorded event that reports a source event: a name-based UUID (RFC 9562 version 8, SHA-256
 * of namespace and source event id, as in its appendix B.2), lower case. Deterministic, so a redelivered message
 * re-appends the same id and the store answers with the stored event (AppendResult.duplicate): exactly one entry per
 * source event even when two deliveries race past the request-id check.
 */
export function feedEventId(sourceEventId: string): string {
  const digest = createHash("sha256").update(NAMESPACE_BYTES).update(sourceEventId, "utf8").digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
