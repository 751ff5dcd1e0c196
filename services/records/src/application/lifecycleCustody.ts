import type { MedicalRecord } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { base, type LifecycleDeps, onRecord } from "./lifecycle.js";
import { patientRecordFacts } from "./retentionFacts.js";

// Archive (REC-06), legal hold (§9) and restriction on a deletion request (PIPL art. 47).

export interface LifecycleCustody {
  archive(caller: Caller, request: { requestId: string; documentId: string }): Promise<MedicalRecord>;
  placeHold(caller: Caller, request: { requestId: string; documentId: string; holdId: string; reasonCode: string }): Promise<MedicalRecord>;
  removeHold(caller: Caller, request: { requestId: string; documentId: string; holdId: string }): Promise<MedicalRecord>;
  restrict(caller: Caller, request: { requestId: string; documentId: string }): Promise<MedicalRecord>;
}

export function createLifecycleCustody(deps: LifecycleDeps): LifecycleCustody {
  return {
    archive: (caller, request) =>
      onRecord(deps, caller, "ArchiveRecord", request, ["records_officer"], (record, at) => ({ type: "ArchiveRecord", ...base(caller, record.documentId, at) })),
    placeHold: (caller, request) =>
      onRecord(deps, caller, "PlaceLegalHold", request, ["records_officer"], (record, at) => ({
        type: "PlaceLegalHold",
        ...base(caller, record.documentId, at),
        holdId: request.holdId,
        reasonCode: request.reasonCode,
      })),
    removeHold: (caller, request) =>
      onRecord(deps, caller, "RemoveLegalHold", request, ["records_officer"], (record, at) => ({
        type: "RemoveLegalHold",
        ...base(caller, record.documentId, at),
        holdId: request.holdId,
      })),
    // The patient, or the verified guardian of a minor patient (identity's answer); the domain refuses anyone else.
    restrict: (caller, request) =>
      onRecord(deps, caller, "RestrictRecord", request, ["patient"], async (record, at) => {
        const patientId = record.header.patient.patientId;
        const subject = caller.principal.subject;
        const guardianOfMinor = subject !== patientId && (await deps.identity.checkGuardian(caller, subject, patientId));
        const facts = await patientRecordFacts(deps, patientId, record.header.custodian.institutionId, at);
        return { type: "RestrictRecord", ...base(caller, record.documentId, at), ...facts.retention, guardianOfMinor };
      }),
  };
}
