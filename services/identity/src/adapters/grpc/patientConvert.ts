import { enumName } from "@ihp/contracts";
import { type GuardianRelationship, IdDocumentType, type Patient as PatientMessage, type PatientVerificationMethod, Sex } from "@ihp/contracts/identity";
import type { Patient } from "../../domain/patients/index.js";

// Proto enums ↔ domain names. Unknown values pass through as "" for the decider to refuse with its code.

const ID_TYPES: ReadonlyMap<IdDocumentType, string> = new Map([
  [IdDocumentType.ID_DOCUMENT_TYPE_RESIDENT_ID_CARD, "RESIDENT_ID_CARD"],
  [IdDocumentType.ID_DOCUMENT_TYPE_PASSPORT, "PASSPORT"],
  [IdDocumentType.ID_DOCUMENT_TYPE_HK_MACAO_PERMIT, "HK_MACAO_PERMIT"],
  [IdDocumentType.ID_DOCUMENT_TYPE_TAIWAN_PERMIT, "TAIWAN_PERMIT"],
  [IdDocumentType.ID_DOCUMENT_TYPE_FOREIGNER_PERMANENT_RESIDENCE, "FOREIGNER_PERMANENT_RESIDENCE"],
]);
const SEXES: ReadonlyMap<Sex, string> = new Map([
  [Sex.SEX_MALE, "M"],
  [Sex.SEX_FEMALE, "F"],
  [Sex.SEX_UNKNOWN, "U"],
]);

export function idTypeFromProto(value: IdDocumentType): string {
  return enumName("ID_DOCUMENT_TYPE_", value) ?? "";
}

export function sexFromProto(value: Sex): string {
  return SEXES.get(value) ?? "";
}

function idTypeToProto(name: string): IdDocumentType {
  return [...ID_TYPES].find(([, candidate]) => candidate === name)?.[0] ?? IdDocumentType.ID_DOCUMENT_TYPE_UNSPECIFIED;
}

function sexToProto(name: string): Sex {
  return [...SEXES].find(([, candidate]) => candidate === name)?.[0] ?? Sex.SEX_UNSPECIFIED;
}

export function patientToProto(patient: Patient, clear: { name: string; maskedIdNumber: string } = { name: "", maskedIdNumber: "" }): PatientMessage {
  return {
    patientId: patient.patientId,
    idType: idTypeToProto(patient.idType),
    birthDate: patient.birthDate,
    sex: sexToProto(patient.sex),
    verified: patient.verification !== undefined,
    verificationMethod: patient.verification?.method ?? "",
    name: clear.name,
    maskedIdNumber: clear.maskedIdNumber,
    guardians: patient.guardians.map((link) => ({ guardianId: link.guardianId, relationship: link.relationship, verified: link.verified })),
  };
}

/** The domain's verification method ("" for an unspecified or unknown one, which the decider refuses). */
export function verificationMethodFromProto(value: PatientVerificationMethod): string {
  return enumName("PATIENT_VERIFICATION_METHOD_", value) ?? "";
}

export function relationshipFromProto(value: GuardianRelationship): string {
  return enumName("GUARDIAN_RELATIONSHIP_", value) ?? "";
}
