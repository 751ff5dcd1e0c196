import {
  idDocumentTypeFromJSON,
  idDocumentTypeToJSON,
  type Patient,
  type RegisterPatientRequest,
  sexFromJSON,
  sexToJSON,
} from "@ihp/contracts/identity";
import { enumName, enumValue, orNull } from "./enums.js";

/** GraphQL type IdentityPatient. */
export interface PatientView {
  readonly id: string;
  readonly idType: string | null;
  readonly birthDate: string;
  readonly sex: string | null;
  readonly verified: boolean;
  readonly verificationMethod: string | null;
  readonly name: string | null;
  readonly maskedIdNumber: string | null;
  readonly guardians: readonly { readonly guardianId: string; readonly relationship: string; readonly verified: boolean }[];
}

export function patientView(patient: Patient): PatientView {
  return {
    id: patient.patientId,
    idType: enumName(idDocumentTypeToJSON, "ID_DOCUMENT_TYPE_", patient.idType),
    birthDate: patient.birthDate,
    sex: enumName(sexToJSON, "SEX_", patient.sex),
    verified: patient.verified,
    verificationMethod: orNull(patient.verificationMethod),
    name: orNull(patient.name),
    maskedIdNumber: orNull(patient.maskedIdNumber),
    guardians: patient.guardians.map((guardian) => ({
      guardianId: guardian.guardianId,
      relationship: guardian.relationship,
      verified: guardian.verified,
    })),
  };
}

/**
 * All but the first and last characters masked, as the service masks it in GetPatient. Used on registration, where
 * the service answers without the number: the caller sent it, and gets back only enough to recognise it.
 */
export function maskIdNumber(number: string): string {
  const trimmed = number.trim();
  if (trimmed.length <= 2) return "*".repeat(trimmed.length);
  return `${trimmed.slice(0, 1)}${"*".repeat(trimmed.length - 2)}${trimmed.slice(-1)}`;
}

export interface RegisterPatientInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly name: string;
  readonly idType: string;
  readonly idNumber: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly loginName?: string | null;
  readonly password?: string | null;
}

export function registerPatientRequest(input: RegisterPatientInput): RegisterPatientRequest {
  return {
    requestId: input.requestId,
    institutionId: input.institutionId,
    name: input.name,
    idType: enumValue(idDocumentTypeFromJSON, "ID_DOCUMENT_TYPE_", input.idType),
    idNumber: input.idNumber,
    birthDate: input.birthDate,
    sex: enumValue(sexFromJSON, "SEX_", input.sex),
    loginName: input.loginName ?? "",
    password: input.password ?? "",
  };
}

export interface VerifyPatientIdentityInput {
  readonly requestId: string;
  readonly patientId: string;
  readonly method: string;
  readonly evidence?: string | null;
}

export interface LinkGuardianInput {
  readonly requestId: string;
  readonly childId: string;
  readonly guardianId: string;
  readonly relationship: string;
  readonly evidenceReference: string;
}

export interface VerifyGuardianshipInput {
  readonly requestId: string;
  readonly childId: string;
  readonly guardianId: string;
  readonly method: string;
}
