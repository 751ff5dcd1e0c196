import type { Consult as ConsultMessage, ConsultMessage as ChatMessage, ConsultSummary, FamilyContract } from "@ihp/contracts/consult";
import type { Selectable } from "kysely";
import { completionOf } from "../../application/consultEvents.js";
import type { ConsultView } from "../../application/consultEvents.js";
import type { ContractView } from "../../application/familyContracts.js";
import type { ConsultsTable } from "../../application/queuesProjection.js";
import type { Diagnosis, MessageSentData } from "../../domain/consults/index.js";

// Proto ↔ application. Nothing is judged here: missing values pass through as empty values the rules refuse.

export function diagnosesFromProto(list: readonly { code: string; name: string; version: string }[]): Diagnosis[] {
  return list.map(({ code, name, version }) => ({ code, name, version }));
}

export function consultToProto(view: ConsultView): ConsultMessage {
  const { consult } = view;
  const completion = completionOf(view);
  return {
    consultId: consult.consultId,
    institutionId: consult.institutionId,
    consultType: consult.consultType,
    departmentCode: consult.departmentCode,
    patientId: consult.patientId,
    guardianId: consult.guardianId,
    status: consult.status,
    physicianId: consult.physicianId,
    requestedAt: consult.requestedAt,
    acceptBy: consult.acceptBy,
    priorRecordId: consult.priorRecord?.recordId ?? "",
    confirmedDiagnoses: consult.confirmedDiagnoses.map((diagnosis) => ({ ...diagnosis })),
    eligibility: consult.eligibility,
    consentVersion: consult.consent?.version ?? "",
    terminationReason: consult.terminationReason,
    diagnoses: (completion?.diagnoses ?? []).map(({ flag, ...diagnosis }) => ({ diagnosis, flag })),
    summaryHash: completion?.signature.documentHash ?? "",
    revision: BigInt(view.revision),
  };
}

export function summaryToProto(row: Selectable<ConsultsTable>): ConsultSummary {
  return {
    consultId: row.consult_id,
    institutionId: row.institution_id,
    consultType: row.consult_type,
    departmentCode: row.department_code,
    patientId: row.patient_id,
    physicianId: row.physician_id,
    status: row.status,
    requestedAt: row.requested_at,
    acceptBy: row.accept_by,
    updatedAt: row.updated_at,
  };
}

export function messageToProto(data: MessageSentData): ChatMessage {
  return { ...data };
}

export function contractToProto(view: ContractView): FamilyContract {
  const { terms } = view.state;
  return {
    ...terms,
    coveredDiagnoses: terms.coveredDiagnoses.map((diagnosis) => ({ ...diagnosis })),
    status: view.state.status === "signed" ? "SIGNED" : "PROPOSED",
    active: view.active,
    termsSha256: view.termsSha256,
  };
}
