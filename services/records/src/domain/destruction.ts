import { contribution } from "./contribution.js";
import { refusal } from "./errors.js";
import type {
  ApproveDestruction,
  Approver,
  DestroyMedia,
  DestroyRecord,
  PlaceLegalHold,
  RemoveLegalHold,
  RestrictRecord,
} from "./recordCommands.js";
import type { RecordEvent } from "./recordEvents.js";
import type { MedicalRecord } from "./recordTypes.js";
import { isPastRetention, mediaRetention, type RetentionClock, recordRetention } from "./retention.js";
import { current, requireId, requireTimestamp } from "./rules.js";

// Legal hold, restriction and destruction (REC-02, REC-03, PHA-09, §9, PIPL art. 47). Nothing is destroyed without
// the institution head's approval, a legal hold or a seal blocks it, and a destroyed record leaves a tombstone.

type Decision = readonly RecordEvent[];

function alive(record: MedicalRecord): MedicalRecord {
  if (record.status === "DESTROYED") throw refusal("RECORD_DESTROYED");
  return record;
}

export function placeHold(command: PlaceLegalHold, record: MedicalRecord): Decision {
  alive(record);
  requireId(command.holdId, "holdId");
  requireId(command.reasonCode, "reasonCode");
  if (record.holds.includes(command.holdId)) throw refusal("HOLD_ALREADY_PLACED");
  const data = {
    documentId: record.documentId,
    holdId: command.holdId,
    reasonCode: command.reasonCode,
    contribution: contribution(command.committer, command.at, "modification", "hold"),
  };
  return [{ type: "LegalHoldPlaced", data }];
}

export function removeHold(command: RemoveLegalHold, record: MedicalRecord): Decision {
  alive(record);
  if (!record.holds.includes(command.holdId)) throw refusal("HOLD_NOT_FOUND");
  const data = {
    documentId: record.documentId,
    holdId: command.holdId,
    contribution: contribution(command.committer, command.at, "modification", "unhold"),
  };
  return [{ type: "LegalHoldRemoved", data }];
}

/** The record's clock from the patient's last visit, which can never be before this record's own visit. */
function recordClock(record: MedicalRecord, command: RestrictRecord | ApproveDestruction | DestroyRecord): RetentionClock {
  const lastVisit = requireTimestamp(command.lastVisitAt, "lastVisitAt");
  if (lastVisit < Date.parse(record.header.visitAt)) throw refusal("LAST_VISIT_INCONSISTENT");
  return recordRetention(command.profile, command.lastVisitAt, command.prescriptionClasses);
}

/**
 * PIPL art. 47: a deletion request while the law still requires keeping the record stops processing instead of
 * destroying. After the period the request is restricted just the same, and destruction follows the head's approval.
 */
export function restrict(command: RestrictRecord, record: MedicalRecord): Decision {
  alive(record);
  const subject = command.committer.id === record.header.patient.patientId || command.guardianOfMinor;
  if (!subject) throw refusal("NOT_RECORD_SUBJECT");
  if (record.restrictedAt !== null) throw refusal("ALREADY_RESTRICTED");
  const clock = recordClock(record, command);
  const data = {
    documentId: record.documentId,
    requestedBy: command.committer.id,
    ...clock,
    contribution: contribution(command.committer, command.at, "modification", "restrict"),
  };
  return [{ type: "RecordRestricted", data }];
}

function requireHead(approver: Approver, committerId: string): void {
  if (approver.id !== committerId || !approver.institutionHead) throw refusal("DESTRUCTION_APPROVER_NOT_HEAD");
}

/** Holds, seals and the minimum period: what stops a destruction, checked at approval and again at destruction. */
function requireDestroyable(record: MedicalRecord, clock: RetentionClock, at: Date, code: "RETENTION_NOT_OVER" | "MEDIA_RETENTION_NOT_OVER"): void {
  if (record.holds.length > 0) throw refusal("LEGAL_HOLD_ACTIVE");
  if (record.seal !== null) throw refusal("RECORD_SEALED");
  if (!isPastRetention(clock, at)) throw refusal(code, `kept through ${clock.retainUntil} (${clock.profileVersion})`);
}

export function approveDestruction(command: ApproveDestruction, record: MedicalRecord): Decision {
  alive(record);
  requireHead(command.approver, command.committer.id);
  requireId(command.approvalId, "approvalId");
  const clock = recordClock(record, command);
  requireDestroyable(record, clock, command.at, "RETENTION_NOT_OVER");
  const data = {
    documentId: record.documentId,
    approvalId: command.approvalId,
    approvedBy: command.approver.id,
    lastVisitAt: command.lastVisitAt,
    ...clock,
    contribution: contribution(command.committer, command.at, "modification", null),
  };
  return [{ type: "DestructionApproved", data }];
}

/**
 * The tombstone. The rules are checked again: a visit after the approval moves the clock, and a hold placed since
 * blocks. The application destroys the content keys and blobs after appending it.
 */
export function destroyRecord(command: DestroyRecord, record: MedicalRecord): Decision {
  alive(record);
  const approval = record.destructionApproval;
  if (approval === null || approval.approvalId !== command.approvalId) throw refusal("DESTRUCTION_NOT_APPROVED");
  const clock = recordClock(record, command);
  requireDestroyable(record, clock, command.at, "RETENTION_NOT_OVER");
  const data = {
    documentId: record.documentId,
    setId: record.header.setId,
    versions: current(record).version,
    mediaIds: current(record).media.map((m) => m.mediaId),
    approvalId: approval.approvalId,
    approvedBy: approval.approvedBy,
    lastVisitAt: command.lastVisitAt,
    ...clock,
    contribution: contribution(command.committer, command.at, "deleted", "destroy"),
  };
  return [{ type: "RecordDestroyed", data }];
}

/** REC-03: one blob after 3 years from consult end; the record stays. Approval and destruction in one step. */
export function destroyMedia(command: DestroyMedia, record: MedicalRecord): Decision {
  alive(record);
  requireHead(command.approver, command.committer.id);
  const media = current(record).media.find((m) => m.mediaId === command.mediaId);
  if (media === undefined) throw refusal("MEDIA_NOT_FOUND");
  if (record.destroyedMedia.includes(media.mediaId)) throw refusal("MEDIA_ALREADY_DESTROYED");
  const clock = mediaRetention(command.profile, media.consultEndedAt);
  requireDestroyable(record, clock, command.at, "MEDIA_RETENTION_NOT_OVER");
  const data = {
    documentId: record.documentId,
    mediaId: media.mediaId,
    sha256: media.sha256,
    approvedBy: command.approver.id,
    ...clock,
    contribution: contribution(command.committer, command.at, "deleted", "destroy"),
  };
  return [{ type: "MediaDestroyed", data }];
}
