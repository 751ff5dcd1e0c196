import { enumValue, unlessEmpty } from "@ihp/contracts";
import {
  type ApproveRecordDestructionResponse,
  DestructionSubjectKind,
  type RecordLifecycle,
  type RecordLifecycleServiceServer,
  type SealAttestation as AttestationMessage,
} from "@ihp/contracts/records";
import type { CallContext, GrpcHandlers } from "@ihp/platform";
import type { LifecycleCustody } from "../../application/lifecycleCustody.js";
import type { DestructionOutcome, LifecycleDestruction } from "../../application/lifecycleDestruction.js";
import type { LifecycleDisputes } from "../../application/lifecycleDisputes.js";
import type { LifecycleSigning } from "../../application/lifecycleSigning.js";
import type { createDueList } from "../../application/retentionJob.js";
import type { MedicalRecord, SealAttestation, SealParty } from "../../domain/index.js";
import { signatureToProto, statusToProto } from "./convert.js";
import { callerOf } from "./recordsServer.js";

/** As sent: the party is checked by the application after the caller's role (requireKnownParties). */
function attestationFromProto(message: AttestationMessage): SealAttestation {
  const { party, partyId, name, algorithm, certificateSerial, value, signedHash } = message;
  return { party: party as SealParty, partyId, name, algorithm, certificateSerial, value, signedHash };
}

/** The lifecycle view: status, signatures, addenda (ids and signers), holds, restriction, seal, approval; no content. */
export function lifecycleToProto(record: MedicalRecord): RecordLifecycle {
  const { seal } = record;
  return {
    recordId: record.documentId,
    patientId: record.header.patient.patientId,
    institutionId: record.header.custodian.institutionId,
    status: statusToProto(record),
    version: record.versions.at(-1)?.version ?? 0,
    authorId: record.author.practitionerId,
    cosignerId: record.cosigner?.practitionerId,
    completedAt: record.completedAt ?? undefined,
    addenda: record.addenda.map((addendum) => ({
      addendumId: addendum.addendumId,
      parentVersion: addendum.parentVersion,
      signerId: addendum.signature.signerId,
      timestampedAt: addendum.signature.timestampedAt,
    })),
    legalHolds: [...record.holds],
    restrictedAt: record.restrictedAt ?? undefined,
    seal:
      seal === null
        ? undefined
        : {
            sealId: seal.sealId,
            sealedAt: seal.sealedAt,
            parts: seal.parts.map((part) => ({ ...part, addendumIds: [...part.addendumIds], sealingList: part.sealingList.map((item) => ({ ...item })) })),
            disputeOpen: seal.disputeOpen,
            lastClaimAt: seal.lastClaimAt ?? undefined,
          },
    destructionApprovalId: record.destructionApproval?.approvalId,
    destructionApprovedBy: record.destructionApproval?.approvedBy,
    profileVersion: record.profileVersion,
    signatures: record.signatures.map(signatureToProto),
  };
}

function destructionToProto(outcome: DestructionOutcome): ApproveRecordDestructionResponse {
  return { ...outcome, records: outcome.records.map(lifecycleToProto) };
}

export interface LifecycleServerOptions {
  readonly handlers: GrpcHandlers;
  readonly signing: LifecycleSigning;
  readonly custody: LifecycleCustody;
  readonly disputes: LifecycleDisputes;
  readonly destruction: LifecycleDestruction;
  readonly dueList: ReturnType<typeof createDueList>;
  readonly newId: () => string;
}

/** ihp.records.v1.RecordLifecycleService: converts messages; the application checks role, tenant and rules. */
export function lifecycleServer(options: LifecycleServerOptions): RecordLifecycleServiceServer {
  const { handlers, signing, custody, disputes, destruction, newId } = options;
  const caller = (call: CallContext) => callerOf(call, newId);
  const answer = (record: MedicalRecord) => ({ record: lifecycleToProto(record) });
  return {
    cosignRecord: handlers.unary(async ({ requestId, recordId, version }, call) => answer(await signing.cosign(caller(call), { requestId, documentId: recordId, version }))),
    archiveRecord: handlers.unary(async ({ requestId, recordId }, call) => answer(await custody.archive(caller(call), { requestId, documentId: recordId }))),
    addRecordAddendum: handlers.unary(async ({ requestId, recordId, text, reason }, call) =>
      answer(await signing.addendum(caller(call), { requestId, documentId: recordId, text, reason })),
    ),
    placeLegalHold: handlers.unary(async ({ requestId, recordId, holdId, reasonCode }, call) =>
      answer(await custody.placeHold(caller(call), { requestId, documentId: recordId, holdId, reasonCode })),
    ),
    removeLegalHold: handlers.unary(async ({ requestId, recordId, holdId }, call) => answer(await custody.removeHold(caller(call), { requestId, documentId: recordId, holdId }))),
    restrictRecord: handlers.unary(async ({ requestId, recordId }, call) => answer(await custody.restrict(caller(call), { requestId, documentId: recordId }))),
    listDueForDestruction: handlers.unary(async (_request, call) => {
      const { day, items } = await options.dueList(caller(call));
      return {
        day,
        items: items.map((item) => ({
          kind: enumValue(DestructionSubjectKind, "DESTRUCTION_SUBJECT_KIND_", item.kind),
          recordId: item.documentId,
          patientId: item.patientId,
          mediaId: unlessEmpty(item.mediaId),
          retainUntil: item.retainUntil,
          profileVersion: item.profileVersion,
        })),
      };
    }),
    approveRecordDestruction: handlers.unary(async ({ requestId, patientId }, call) => destructionToProto(await destruction.approve(caller(call), { requestId, patientId }))),
    destroyPatientRecords: handlers.unary(async ({ requestId, patientId, approvalId }, call) =>
      destructionToProto(await destruction.destroy(caller(call), { requestId, patientId, approvalId })),
    ),
    getSealSnapshot: handlers.unary(async ({ recordId }, call) => {
      const snapshot = await disputes.snapshot(caller(call), recordId);
      return { recordId: snapshot.documentId, version: snapshot.version, addendumIds: [...snapshot.addendumIds], snapshotHash: snapshot.snapshotHash };
    }),
    sealRecord: handlers.unary(async ({ requestId, recordId, sealId, version, attestations }, call) =>
      answer(await disputes.seal(caller(call), { requestId, documentId: recordId, sealId, version, attestations: attestations.map(attestationFromProto) })),
    ),
    sealRecordIncrement: handlers.unary(async ({ requestId, recordId, version, attestations }, call) =>
      answer(await disputes.sealIncrement(caller(call), { requestId, documentId: recordId, version, attestations: attestations.map(attestationFromProto) })),
    ),
    lodgeDisputeClaim: handlers.unary(async ({ requestId, recordId, claimId }, call) => answer(await disputes.lodgeClaim(caller(call), { requestId, documentId: recordId, claimId }))),
    resolveDispute: handlers.unary(async ({ requestId, recordId }, call) => answer(await disputes.resolve(caller(call), { requestId, documentId: recordId }))),
    unsealRecord: handlers.unary(async ({ requestId, recordId, attestations }, call) =>
      answer(await disputes.unseal(caller(call), { requestId, documentId: recordId, attestations: attestations.map(attestationFromProto) })),
    ),
  };
}
