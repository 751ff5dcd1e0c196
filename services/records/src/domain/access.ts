import type { DomainError } from "@ihp/eventsourcing";
import { type RecordsErrorCode, refusal } from "./errors.js";
import type { RecordEvent } from "./recordEvents.js";
import type { RecordState } from "./recordTypes.js";

// Who may read a record (REC-08, REC-09, XC-01). Deny by default; every read, allowed or refused, is an event.

/** Why the reader says they read: recorded on the access event, shown in the patient's access log. */
export const ACCESS_PURPOSES = ["SELF_SERVICE", "TREATMENT", "RECORDS_MANAGEMENT", "COPY", "DISPUTE", "EXPORT"] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

export type AccessRequest = {
  readonly documentId: string;
  /** The authenticated caller: id, the platform role they act in, their institution (tenant). */
  readonly reader: { readonly id: string; readonly role: string; readonly institutionId: string };
  readonly purpose: string;
  /** Identity's answer: is the reader the verified guardian of this patient, and is the patient a minor? */
  readonly guardianOfMinor: boolean;
  /** The consult's clinicians (its physician, invited consultants): a care relationship besides author and co-signer. */
  readonly consultClinicianIds: readonly string[];
  readonly at: Date;
};

export type AccessDecision = {
  /** Append it whatever the outcome (XC-01): a refused read is audited too. */
  readonly event: Extract<RecordEvent, { type: "RecordAccessed" }>;
  /** null when the read is allowed; otherwise the error to return, after the event is stored. */
  readonly refusal: DomainError | null;
};

/** The refusal code for this read, or null when it is allowed. */
function judge(request: AccessRequest, state: RecordState): RecordsErrorCode | null {
  if (state.status !== "exists") return "RECORD_NOT_FOUND";
  const record = state.record;
  if (record.status === "DESTROYED") return "RECORD_DESTROYED";
  if (!(ACCESS_PURPOSES as readonly string[]).includes(request.purpose)) return "RECORD_ACCESS_DENIED";
  const { reader } = request;
  const ownTenant = reader.institutionId === record.header.custodian.institutionId;
  switch (reader.role) {
    case "patient": {
      // REC-08: the patient's own record, or a minor's record read by the verified guardian.
      const own = reader.id === record.header.patient.patientId;
      return own || request.guardianOfMinor ? null : "RECORD_ACCESS_DENIED";
    }
    case "physician": {
      // REC-09: a care relationship: author, co-signer, or a clinician of the consult; within the custodian.
      const careIds = [record.author.practitionerId, record.cosigner?.practitionerId, ...request.consultClinicianIds];
      if (!ownTenant || !careIds.includes(reader.id)) return "RECORD_ACCESS_DENIED";
      // PIPL art. 47: a restricted record is kept, not used for care.
      return record.restrictedAt !== null ? "RECORD_RESTRICTED" : null;
    }
    case "records_officer":
      // REC-09: medical-records staff of the custodian, by role.
      return ownTenant ? null : "RECORD_ACCESS_DENIED";
    case "integration":
      // REC-01: the custodian's own hospital system (HIS) takes exports (CDA, FHIR) only, never another institution's.
      return ownTenant && request.purpose === "EXPORT" ? null : "RECORD_ACCESS_DENIED";
    default:
      return "RECORD_ACCESS_DENIED";
  }
}

/**
 * Decides a read and builds its access event (ISO 21089 "access"), minimized to who, role, tenant, when, why and
 * the outcome. A read of a record that does not exist is still an event in the would-be record's stream.
 */
export function decideAccess(request: AccessRequest, state: RecordState): AccessDecision {
  const code = judge(request, state);
  return { event: accessEvent(request, code), refusal: code === null ? null : refusal(code) };
}

/**
 * The event of a read refused before the policy runs (XC-01): a role that never reads records, or a system credential
 * where only people read. The caller learns nothing more than RECORD_ACCESS_DENIED; the record's log keeps the attempt.
 */
export function refusedByRole(request: AccessRequest): AccessDecision["event"] {
  return accessEvent(request, "RECORD_ACCESS_DENIED");
}

function accessEvent(request: AccessRequest, code: RecordsErrorCode | null): AccessDecision["event"] {
  return {
    type: "RecordAccessed" as const,
    data: {
      documentId: request.documentId,
      readerId: request.reader.id,
      readerRole: request.reader.role,
      readerInstitutionId: request.reader.institutionId,
      purpose: request.purpose,
      outcome: code === null ? ("ALLOWED" as const) : ("REFUSED" as const),
      code: code ?? "",
      accessedAt: request.at.toISOString(),
    },
  };
}
