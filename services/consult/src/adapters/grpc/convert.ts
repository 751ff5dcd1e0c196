import {
  type Consult as ConsultMessage,
  type ConsultMessage as ChatMessage,
  ConsultDiagnosisFlag,
  ConsultEligibility,
  ConsultStatus,
  type ConsultSummary,
  ConsultType,
  type FamilyContract,
  FamilyContractStatus,
  MessageKind,
  SenderRole,
} from "@ihp/contracts/consult";
import { enumValue, unlessEmpty } from "@ihp/contracts";
import type { Selectable } from "kysely";
import { completionOf } from "../../application/consultEvents.js";
import type { ConsultView } from "../../application/consultEvents.js";
import type { ContractView } from "../../application/familyContracts.js";
import type { ConsultsTable } from "../../application/queuesProjection.js";
import type { ConsultStatus as StatusName, ConsultType as TypeName, Diagnosis, MessageSentData } from "../../domain/consults/index.js";

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
    consultType: enumValue(ConsultType, "CONSULT_TYPE_", consult.consultType),
    departmentCode: consult.departmentCode,
    patientId: consult.patientId,
    guardianId: unlessEmpty(consult.guardianId),
    status: enumValue(ConsultStatus, "CONSULT_STATUS_", consult.status),
    physicianId: unlessEmpty(consult.physicianId),
    requestedAt: consult.requestedAt,
    acceptBy: consult.acceptBy,
    priorRecordId: consult.priorRecord?.recordId,
    confirmedDiagnoses: consult.confirmedDiagnoses.map((diagnosis) => ({ ...diagnosis })),
    eligibility: enumValue(ConsultEligibility, "CONSULT_ELIGIBILITY_", consult.eligibility),
    consentVersion: consult.consent?.version,
    terminationReason: unlessEmpty(consult.terminationReason),
    diagnoses: (completion?.diagnoses ?? []).map(({ flag, ...diagnosis }) => ({
      diagnosis,
      flag: enumValue(ConsultDiagnosisFlag, "CONSULT_DIAGNOSIS_FLAG_", flag),
    })),
    summaryHash: completion?.signature.documentHash,
    revision: BigInt(view.revision),
  };
}

export function summaryToProto(row: Selectable<ConsultsTable>): ConsultSummary {
  return {
    consultId: row.consult_id,
    institutionId: row.institution_id,
    // The projection stores the domain's names (queuesProjection writes the consult's type and status).
    consultType: enumValue(ConsultType, "CONSULT_TYPE_", row.consult_type as TypeName),
    departmentCode: row.department_code,
    patientId: row.patient_id,
    physicianId: unlessEmpty(row.physician_id),
    status: enumValue(ConsultStatus, "CONSULT_STATUS_", row.status as StatusName),
    requestedAt: row.requested_at,
    acceptBy: row.accept_by,
    updatedAt: row.updated_at,
  };
}

export function messageToProto(data: MessageSentData): ChatMessage {
  return {
    ...data,
    senderRole: enumValue(SenderRole, "SENDER_ROLE_", data.senderRole),
    kind: enumValue(MessageKind, "MESSAGE_KIND_", data.kind),
    text: unlessEmpty(data.text),
    mediaUri: unlessEmpty(data.mediaUri),
    mediaSha256: unlessEmpty(data.mediaSha256),
  };
}

export function contractToProto(view: ContractView): FamilyContract {
  const { terms } = view.state;
  return {
    ...terms,
    coveredDiagnoses: terms.coveredDiagnoses.map((diagnosis) => ({ ...diagnosis })),
    status: enumValue(FamilyContractStatus, "FAMILY_CONTRACT_STATUS_", view.state.status === "signed" ? "SIGNED" : "PROPOSED"),
    active: view.active,
    termsSha256: view.termsSha256,
  };
}
