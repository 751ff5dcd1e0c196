import { DomainError, type EventStore } from "@ihp/eventsourcing";
import type { SealedEventStore } from "@ihp/keyring";
import { recordingRefusals } from "@ihp/platform";
import { type MedicalRecord, type RecordCommand, recordDecider, recordRetention, refusal } from "../domain/index.js";
import { type Caller, committerOf } from "./caller.js";
import { derivedId, isSafeId, recordStreamId } from "./ids.js";
import { type LifecycleDeps, requireRequestId, requireRole } from "./lifecycle.js";
import { type PatientFacts, patientRecordFacts } from "./retentionFacts.js";
import type { MediaVault } from "./mediaVault.js";
import { metadataOf } from "./store.js";

// REC-02, PHA-09, §9: approved destruction of one patient's records in one institution. The retention clock is the
// patient's (15 years from their last visit there), and their record text is sealed under the patient's "clinical"
// key in this service's key store, so destruction is per patient: every record at once, a hold or seal on any one
// blocks all, and the key is destroyed (SealedEventStore.erase, as an erasure order does) after the tombstones.

export type DestructionOutcome = {
  readonly approvalId: string;
  readonly patientId: string;
  readonly approvedBy: string;
  readonly lastVisitAt: string;
  readonly retainUntil: string;
  readonly profileVersion: string;
  readonly records: readonly MedicalRecord[];
};

export interface LifecycleDestruction {
  approve(caller: Caller, request: { requestId: string; patientId: string }): Promise<DestructionOutcome>;
  destroy(caller: Caller, request: { requestId: string; patientId: string; approvalId: string }): Promise<DestructionOutcome>;
}

/** The retention class the records service seals record text under (application/sealing.ts). */
const CLINICAL = "clinical";

export function createLifecycleDestruction(
  deps: LifecycleDeps & { readonly newId: () => string; /** The media of the destroyed records go too (key, then blob). */ readonly media?: Pick<MediaVault, "destroy"> | undefined },
): LifecycleDestruction {
  const { records, audit, clock } = deps;

  /** The patient's records here, refusing when another institution keeps some alive under the same patient key. */
  async function factsOf(caller: Caller, patientId: string, at: Date): Promise<PatientFacts> {
    if (!isSafeId(patientId)) throw refusal("INVALID_RECORD_INPUT", "patient id");
    const facts = await patientRecordFacts(deps, patientId, caller.principal.tenantId, at).catch((error: unknown) => {
      throw error instanceof DomainError && error.code === "RECORD_NOT_FOUND" ? refusal("RECORD_NOT_FOUND", "no records of this patient here") : error;
    });
    for (const entry of facts.elsewhere) {
      if ((await records.record(entry.documentId)).status !== "DESTROYED") throw refusal("RECORDS_KEPT_ELSEWHERE");
    }
    return facts;
  }

  /** Every command is checked against its record before any is written: all of the patient's records, or none. */
  async function decideAll(caller: Caller, requestId: string, commands: readonly { record: MedicalRecord; command: RecordCommand }[], at: Date): Promise<MedicalRecord[]> {
    for (const { record, command } of commands) {
      const decision = recordDecider.decide(command, { status: "exists", record });
      if (decision instanceof DomainError) throw decision;
    }
    const written: MedicalRecord[] = [];
    for (const { record, command } of commands) written.push(await records.decide(caller, record.documentId, command, requestId, at));
    return written;
  }

  function outcome(patientId: string, facts: PatientFacts, approvalId: string, approvedBy: string, written: readonly MedicalRecord[]): DestructionOutcome {
    const clock = recordRetention(facts.retention.profile, facts.retention.lastVisitAt, facts.retention.prescriptionClasses);
    const byId = new Map(written.map((record) => [record.documentId, record]));
    const all = facts.records.map((record) => byId.get(record.documentId) ?? record);
    return { approvalId, patientId, approvedBy, lastVisitAt: facts.retention.lastVisitAt, ...clock, records: all };
  }

  return {
    approve: (caller, request) =>
      recordingRefusals(audit, caller, "ApproveRecordDestruction", isSafeId(request.patientId) ? `patient/${request.patientId}` : undefined, async () => {
        // The institution head (医疗机构负责人) approves. Identity does not mark the head: the institution admin acts
        // as the head and the approver's id is recorded on every record's DestructionApproved event.
        requireRole(caller, ["institution_admin"]);
        requireRequestId(request.requestId);
        const at = clock();
        const facts = await factsOf(caller, request.patientId, at);
        const live = facts.records.filter((record) => record.status !== "DESTROYED");
        if (live.length === 0) throw refusal("RECORD_DESTROYED");
        const approvalId = derivedId("destruction-approval", `${caller.principal.tenantId}~${request.patientId}~${request.requestId}`);
        const approver = { id: caller.principal.subject, institutionHead: true };
        const commands = live.map((record) => ({
          record,
          command: { type: "ApproveDestruction" as const, documentId: record.documentId, committer: committerOf(caller), at, approvalId, approver, ...facts.retention },
        }));
        const written = await decideAll(caller, request.requestId, commands, at);
        return outcome(request.patientId, facts, approvalId, approver.id, written);
      }),
    destroy: (caller, request) =>
      recordingRefusals(audit, caller, "DestroyPatientRecords", isSafeId(request.patientId) ? `patient/${request.patientId}` : undefined, async () => {
        requireRole(caller, ["records_officer", "institution_admin"]);
        requireRequestId(request.requestId);
        if (!isSafeId(request.approvalId)) throw refusal("INVALID_RECORD_INPUT", "approval id");
        const at = clock();
        const facts = await factsOf(caller, request.patientId, at);
        const approved = facts.records.filter((record) => record.destructionApproval?.approvalId === request.approvalId);
        if (approved.length === 0) throw refusal("DESTRUCTION_NOT_APPROVED");
        // Every live record must carry this approval: a record indexed since (a new visit) is not approved.
        const live = facts.records.filter((record) => record.status !== "DESTROYED");
        const commands = live.map((record) => ({
          record,
          command: { type: "DestroyRecord" as const, documentId: record.documentId, committer: committerOf(caller), at, approvalId: request.approvalId, ...facts.retention },
        }));
        const written = await decideAll(caller, request.requestId, commands, at);
        await destroyContentKey(deps.store, caller, request.patientId, request.approvalId, deps.newId, at);
        // Media still kept (normally destroyed after their own 3 years, REC-03): their keys and blobs, item by item, as
        // the tombstones list them (so a repeat after an interruption finishes them too; each step is idempotent).
        const metadata = { ...metadataOf(caller, request.approvalId), occurredAt: at.toISOString() };
        for (const record of approved) {
          for (const mediaId of await tombstoneMedia(deps.store, record.documentId)) {
            if (record.destroyedMedia.includes(mediaId)) continue;
            await deps.media?.destroy(record.documentId, request.patientId, mediaId, { approvalRef: request.approvalId, metadata, eventId: deps.newId() });
          }
        }
        const approvedBy = approved[0]?.destructionApproval?.approvedBy ?? "";
        return outcome(request.patientId, facts, request.approvalId, approvedBy, written);
      }),
  };
}

/** The media ids a record's tombstone names (RecordDestroyed.mediaIds); none before it is destroyed. */
async function tombstoneMedia(store: EventStore, documentId: string): Promise<string[]> {
  const tombstone = (await store.readStream(recordStreamId(documentId))).find((event) => event.type === "RecordDestroyed");
  const ids = tombstone?.data["mediaIds"];
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/**
 * The patient's "clinical" data key in this service's key store, destroyed as an erasure order destroys it: the
 * PII-free SubjectKeyDestroyed fence first, then the key; then a new key generation is allowed (SubjectKeyReissued,
 * recorded) so that a later visit can still be recorded, while the destroyed generation stays unreadable. Once per
 * approval: when this approval's reissue is in the log the work is done, and a repeat must not destroy the new
 * generation; before that, a repeat finishes an interrupted destruction (erase is idempotent on a destroyed one).
 */
async function destroyContentKey(store: EventStore, caller: Caller, patientId: string, approvalId: string, newId: () => string, at: Date): Promise<void> {
  const sealed = store as Partial<SealedEventStore>;
  if (typeof sealed.erase !== "function" || typeof sealed.allowNewKey !== "function") throw new Error("the records log is not sealed: no content key to destroy");
  const fences = await store.readStream(`erasure-${patientId}`);
  const reissued = fences.some((event) => event.type === "SubjectKeyReissued" && event.data["retentionClass"] === CLINICAL && event.data["approvalRef"] === approvalId);
  if (reissued) return;
  const metadata = { ...metadataOf(caller, approvalId), occurredAt: at.toISOString() };
  await sealed.erase({ subject: patientId, retentionClass: CLINICAL, approvalRef: approvalId, metadata, eventId: newId() });
  await sealed.allowNewKey({ subject: patientId, retentionClass: CLINICAL, approvalRef: approvalId, metadata, eventId: newId() });
}
