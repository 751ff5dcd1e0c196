import { type BlobStore, isBlobStoreError, sha256Hex } from "@ihp/blobstore";
import type { EventMetadata, EventStore, NewEvent, StoredEvent } from "@ihp/eventsourcing";
import { type DataKeyRef, type ErasureRequest, type EventIdentity, type KeyRing, KeyRingError } from "@ihp/keyring";
import { type MediaReference, refusal } from "../domain/index.js";
import { derivedId, isSafeId, patientIndexStreamId } from "./ids.js";

/**
 * Media blobs sealed at rest (REC-01, REC-03, issue 10 style). Every media item is encrypted with the key ring
 * (AES-256-GCM, or SM4-CTR-HMAC-SM3 when the ring is configured for 国密) BEFORE it reaches any blob store, under
 * the data key {subject: the patient, retention class: `media:<consultId>`}: one key per patient and consult, apart
 * from the record text's "clinical" key, because a consult's media are destroyed 3 years after it ended (REC-03)
 * while the record stays 15 years. The ciphertext is bound (associated data) to the record and media id.
 *
 * What the blob store (folder or S3) sees: only the sealed bytes, stored under the SHA-256 of the CIPHERTEXT, their
 * size (plaintext size + a fixed header) and a retain-until date. The record's MediaReference keeps the SHA-256 of
 * the PLAINTEXT — what a reader verifies after opening. The link between them (media id → blob key) is a
 * `MediaBlobStored` event in the records log (`records-media-<documentId>`, ids and hashes only).
 *
 * Destruction is crypto-erasure: the media key is destroyed through the sealed store's `erase` (a PII-free
 * `SubjectKeyDestroyed` fence event first, then the key), and the blob is deleted once its retention allows.
 */

export type MediaKind = MediaReference["kind"];

/** The sealed log: appends the index events and destroys keys with a recorded fence. */
export type MediaLog = EventStore & { erase(request: ErasureRequest): Promise<void> };

export interface MediaVaultOptions {
  readonly ring: KeyRing;
  readonly blobs: BlobStore;
  readonly log: MediaLog;
  readonly newEventId: () => string;
}

export interface MediaToSeal {
  readonly documentId: string;
  readonly patientId: string;
  readonly consultId: string;
  readonly mediaId: string;
  readonly kind: MediaKind;
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly consultEndedAt: string;
  /** REC-03: the blob store refuses to delete before this instant (object lock where the server enforces it). */
  readonly retainUntil: Date;
}

/** Where a media item's content is, as the index says. */
export type MediaLocation =
  | { readonly stored: true; readonly blobSha256: string; readonly keyClass: string }
  /** Linked by the consult side's URI and hash only: the records service holds no copy (not fetched). */
  | { readonly stored: false; readonly sourceUri: string };

const BLOB_STORED = "MediaBlobStored";
const LINKED_BY_URI = "MediaLinkedByUri";

export function mediaStreamId(documentId: string): string {
  return `records-media-${documentId}`;
}

export function mediaKeyRef(patientId: string, consultId: string): DataKeyRef {
  return { subject: patientId, retentionClass: `media:${consultId}` };
}

/** The associated data: a blob opens only as this media item of this record. */
function blobIdentity(documentId: string, mediaId: string): EventIdentity {
  return { stream: mediaStreamId(documentId), eventId: mediaId, type: "MediaBlob", schemaVersion: 1 };
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

function locations(events: readonly StoredEvent[]): Map<string, MediaLocation> {
  const found = new Map<string, MediaLocation>();
  for (const { type, data } of events) {
    const mediaId = text(data["mediaId"]);
    if (type === BLOB_STORED) found.set(mediaId, { stored: true, blobSha256: text(data["blobSha256"]), keyClass: text(data["keyClass"]) });
    if (type === LINKED_BY_URI) found.set(mediaId, { stored: false, sourceUri: text(data["sourceUri"]) });
  }
  return found;
}

export function createMediaVault(options: MediaVaultOptions) {
  const { ring, blobs, log, newEventId } = options;

  /** Appends an index event to the record's media stream, or hands it to `deferred` for the caller to append. */
  async function indexEvent(documentId: string, type: string, data: Record<string, string>, metadata: EventMetadata, deferred?: NewEvent[]): Promise<void> {
    const id = derivedId(type, `${documentId}~${data["mediaId"] ?? ""}`);
    const event: NewEvent = { id, type, schemaVersion: 1, data: { documentId, ...data }, metadata };
    if (deferred !== undefined) deferred.push(event);
    else await log.append(mediaStreamId(documentId), [event], "any");
  }

  async function location(documentId: string, mediaId: string): Promise<MediaLocation | undefined> {
    return (await indexed(documentId)).get(mediaId);
  }

  /** Every media item of a record the index names, by media id: read once for several items (`known` of seal, linkByUri). */
  async function indexed(documentId: string): Promise<ReadonlyMap<string, MediaLocation>> {
    return locations(await log.readStream(mediaStreamId(documentId)));
  }

  /**
   * Seals and stores one item, records where it is, and returns the reference the record links. Idempotent per
   * (record, media id): a repeated origination reuses what the first one stored. With `deferred`, the index event
   * (MediaBlobStored, its id derived from record and media id) is pushed there for the caller to append to
   * mediaStreamId(documentId) with the change that links it (origination: one commit with the record); the blob is
   * stored first either way. `known`: the record's index as the caller just read it (`indexed`), not read again.
   */
  async function seal(item: MediaToSeal, metadata: EventMetadata, deferred?: NewEvent[], known?: ReadonlyMap<string, MediaLocation>): Promise<MediaReference> {
    const plainSha256 = sha256Hex(item.content);
    const reference: MediaReference = {
      mediaId: item.mediaId,
      kind: item.kind,
      contentType: item.contentType,
      sha256: plainSha256,
      bytes: item.content.byteLength,
      consultEndedAt: item.consultEndedAt,
    };
    if ((known ?? (await indexed(item.documentId))).get(item.mediaId)?.stored === true) return reference;
    const ref = mediaKeyRef(item.patientId, item.consultId);
    const sealed = Buffer.from(await ring.seal(ref, blobIdentity(item.documentId, item.mediaId), item.content), "base64");
    const stored = await blobs.put(sealed, { retainUntil: item.retainUntil });
    await indexEvent(item.documentId, BLOB_STORED, { mediaId: item.mediaId, sha256: plainSha256, blobSha256: stored.sha256, keyClass: ref.retentionClass }, metadata, deferred);
    return reference;
  }

  /** Records that an item is known only by the consult side's URI and hash (nothing fetched, nothing stored); `deferred` as for seal. */
  async function linkByUri(documentId: string, mediaId: string, sourceUri: string, metadata: EventMetadata, deferred?: NewEvent[], known?: ReadonlyMap<string, MediaLocation>): Promise<void> {
    if ((known ?? (await indexed(documentId))).get(mediaId) !== undefined) return;
    await indexEvent(documentId, LINKED_BY_URI, { mediaId, sourceUri }, metadata, deferred);
  }

  /**
   * The plaintext, checked: the blob against its key (the store), the ciphertext against the record and media id
   * (AEAD), the opened bytes against the record's hash. Any mismatch → MEDIA_INTEGRITY_FAILED; a destroyed key →
   * MEDIA_ERASED.
   */
  async function open(documentId: string, patientId: string, media: MediaReference): Promise<{ content: Buffer } | { sourceUri: string }> {
    const where = await location(documentId, media.mediaId);
    if (where === undefined) throw refusal("MEDIA_INTEGRITY_FAILED", "no stored content is indexed for this media id");
    if (!where.stored) return { sourceUri: where.sourceUri };
    let sealed: Uint8Array;
    try {
      sealed = await blobs.get(where.blobSha256);
    } catch (error) {
      if (isBlobStoreError(error) && (error.code === "BLOB_CORRUPTED" || error.code === "BLOB_NOT_FOUND")) throw refusal("MEDIA_INTEGRITY_FAILED", error.code);
      throw error;
    }
    let opened;
    try {
      opened = await ring.open({ subject: patientId, retentionClass: where.keyClass }, blobIdentity(documentId, media.mediaId), Buffer.from(sealed).toString("base64"));
    } catch (error) {
      if (error instanceof KeyRingError && error.code === "SEALED_VALUE_REJECTED") throw refusal("MEDIA_INTEGRITY_FAILED", "does not open under its key");
      throw error;
    }
    if (opened.status === "erased") throw refusal("MEDIA_ERASED");
    if (sha256Hex(opened.plaintext) !== media.sha256) throw refusal("MEDIA_INTEGRITY_FAILED", "content hash differs");
    return { content: opened.plaintext };
  }

  /**
   * REC-03 destruction of one item (after the domain appended MediaDestroyed): the key first — from then on the
   * content is unreadable wherever copies of the blob are — then the blob. Repeatable after an interruption.
   */
  async function destroy(documentId: string, patientId: string, mediaId: string, request: Omit<ErasureRequest, "subject" | "retentionClass">): Promise<void> {
    const where = await location(documentId, mediaId);
    if (where?.stored !== true) return;
    await log.erase({ ...request, subject: patientId, retentionClass: where.keyClass });
    try {
      await blobs.delete(where.blobSha256);
    } catch (error) {
      // Another record's item with the very same ciphertext cannot exist (random IV); a store that still holds it
      // under retention keeps only bytes nobody can open.
      if (!(isBlobStoreError(error) && error.code === "BLOB_RETENTION_ACTIVE")) throw error;
    }
  }

  /**
   * The patient's erasure (an order for class "media" or "clinical"): every media key of every record of the
   * patient is destroyed. Blobs whose retention still runs stay in the store as ciphertext nobody can open.
   */
  async function eraseSubject(patientId: string, approvalRef: string, metadata: EventMetadata): Promise<number> {
    if (!isSafeId(patientId)) return 0;
    const documents = new Set((await log.readStream(patientIndexStreamId(patientId))).map((event) => text(event.data["documentId"])));
    let erased = 0;
    for (const documentId of documents) {
      const classes = new Set<string>();
      for (const where of locations(await log.readStream(mediaStreamId(documentId))).values()) if (where.stored) classes.add(where.keyClass);
      for (const retentionClass of classes) {
        await log.erase({ subject: patientId, retentionClass, approvalRef, metadata, eventId: newEventId() });
        erased += 1;
      }
    }
    return erased;
  }

  return { seal, linkByUri, open, destroy, eraseSubject, location, indexed };
}

export type MediaVault = ReturnType<typeof createMediaVault>;
