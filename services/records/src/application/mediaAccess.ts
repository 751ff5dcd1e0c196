import { isRequestId } from "@ihp/eventsourcing";
import { profileAt, profileByVersion } from "@ihp/jurisdiction";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { type MediaReference, refusal } from "../domain/index.js";
import { recordResource, type RecordReader } from "./access.js";
import { type Caller, committerOf } from "./caller.js";
import { isSafeId } from "./ids.js";
import type { MediaVault } from "./mediaVault.js";
import { metadataOf, type RecordStore } from "./store.js";

// Reading and destroying a record's media (REC-01, REC-03, XC-01).

export type MediaContent = {
  readonly media: MediaReference;
  /** The opened bytes (hash verified), or null when the records service holds no copy (linked by URI only). */
  readonly content: Buffer | null;
  /** The consult side's URI of an item linked by URI and hash only; undefined for stored items. */
  readonly sourceUri: string | undefined;
};

export interface MediaAccessOptions {
  readonly records: RecordStore;
  readonly read: RecordReader;
  readonly audit: AuditTrail;
  /** Undefined: the service keeps no media (every read answers MEDIA_INTEGRITY_FAILED, nothing to destroy). */
  readonly vault: MediaVault | undefined;
  readonly clock: () => Date;
  readonly newEventId: () => string;
}

export function createMediaAccess(options: MediaAccessOptions) {
  const { records, read, audit, vault, clock, newEventId } = options;

  /**
   * A media item of a record, for whoever may read the record: the record read (its access event, allowed or
   * refused, REC-09) comes first; then the content, opened and checked against the record's hash.
   */
  async function get(caller: Caller, documentId: string, mediaId: string): Promise<MediaContent> {
    const record = await read(caller, "GetRecordMedia", documentId);
    return recordingRefusals(audit, caller, "GetRecordMedia", recordResource(documentId), async () => {
      if (!isSafeId(mediaId)) throw refusal("INVALID_RECORD_INPUT", "media id");
      const media = (record.versions.at(-1)?.media ?? []).find((item) => item.mediaId === mediaId);
      if (media === undefined) throw refusal("MEDIA_NOT_FOUND");
      if (record.destroyedMedia.includes(mediaId)) throw refusal("MEDIA_ERASED");
      if (vault === undefined) throw refusal("MEDIA_INTEGRITY_FAILED", "no media store configured");
      const opened = await vault.open(documentId, record.header.patient.patientId, media);
      return "content" in opened ? { media, content: opened.content, sourceUri: undefined } : { media, content: null, sourceUri: opened.sourceUri };
    });
  }

  /**
   * REC-03: destroys one media item whose 3 years from consult end have passed, on an approval (approvalRef names the
   * institution head's approval; the officer executes it). The record stays and still reads; the MediaDestroyed
   * tombstone is appended first, then the media key is destroyed (a fence event carrying approvalRef) and the blob
   * deleted. Repeating the requestId completes an interrupted destruction.
   */
  function destroy(caller: Caller, request: { readonly requestId: string; readonly documentId: string; readonly mediaId: string; readonly approvalRef: string }) {
    const { requestId, documentId, mediaId, approvalRef } = request;
    return recordingRefusals(audit, caller, "DestroyRecordMedia", recordResource(documentId), async () => {
      const { principal } = caller;
      if (principal.kind !== "human" || !principal.roles.includes("records_officer")) throw refusal("MEDIA_DESTRUCTION_DENIED");
      if (!isRequestId(requestId)) throw refusal("INVALID_RECORD_INPUT", "request id");
      if (!isSafeId(documentId)) throw refusal("INVALID_RECORD_INPUT", "record id");
      if (!isSafeId(mediaId)) throw refusal("INVALID_RECORD_INPUT", "media id");
      if (!isSafeId(approvalRef)) throw refusal("INVALID_RECORD_INPUT", "approval reference");
      const record = await records.record(documentId);
      if (record.header.custodian.institutionId !== principal.tenantId) throw refusal("NOT_CUSTODIAN");
      const at = clock();
      const profile = profileAt(profileByVersion(record.profileVersion).jurisdiction, at);
      const committer = committerOf(caller);
      const after = await records.decide(
        caller,
        documentId,
        // The domain's approver is the committer executing the head's approval named by approvalRef (see README).
        { type: "DestroyMedia", documentId, committer, at, mediaId, approver: { id: committer.id, institutionHead: true }, profile },
        requestId,
        at,
      );
      if (vault !== undefined) {
        const metadata = { ...metadataOf(caller), occurredAt: at.toISOString(), requestId };
        await vault.destroy(documentId, record.header.patient.patientId, mediaId, { approvalRef, metadata, eventId: newEventId() });
      }
      return after;
    });
  }

  return { get, destroy };
}

export type MediaAccess = ReturnType<typeof createMediaAccess>;
