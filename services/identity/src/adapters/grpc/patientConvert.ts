import { enumName, enumValue } from "@ihp/contracts";
import { GuardianRelationship, IdDocumentType, type Patient as PatientMessage, PatientVerificationMethod, sexOfCode } from "@ihp/contracts/identity";
import type { GuardianRelationship as Relationship, Patient } from "../../domain/patients/index.js";

// Proto enums ↔ domain names. Unknown values pass through as "" for the decider to refuse with its code.

export function idTypeFromProto(value: IdDocumentType): string {
  return enumName("ID_DOCUMENT_TYPE_", value) ?? "";
}

/** The method a verification passed with; unspecified before it has. */
export function verificationMethodToProto(verification: Patient["verification"]): PatientVerificationMethod {
  return verification === undefined
    ? PatientVerificationMethod.PATIENT_VERIFICATION_METHOD_UNSPECIFIED
    : enumValue(PatientVerificationMethod, "PATIENT_VERIFICATION_METHOD_", verification.method);
}

/** Name and masked number in clear only where GetPatient answers them. */
export function patientToProto(patient: Patient, clear?: { name: string; maskedIdNumber: string }): PatientMessage {
  return {
    patientId: patient.patientId,
    idType: enumValue(IdDocumentType, "ID_DOCUMENT_TYPE_", patient.idType),
    birthDate: patient.birthDate,
    sex: sexOfCode(patient.sex),
    verified: patient.verification !== undefined,
    verificationMethod: verificationMethodToProto(patient.verification),
    name: clear?.name,
    maskedIdNumber: clear?.maskedIdNumber,
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

/** A guardianship's relationship; unspecified when there is none. */
export function relationshipToProto(name: Relationship | ""): GuardianRelationship {
  return name === "" ? GuardianRelationship.GUARDIAN_RELATIONSHIP_UNSPECIFIED : enumValue(GuardianRelationship, "GUARDIAN_RELATIONSHIP_", name);
}
