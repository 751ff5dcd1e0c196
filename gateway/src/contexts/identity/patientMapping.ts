import { enumName, enumValue } from "@ihp/contracts";
import { IdDocumentType, type Patient, type RegisterPatientRequest, Sex } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { absentAsNull, nullAsAbsent } from "../../grpc/optionals.js";

export function patientView(patient: Patient): Gql.IdentityPatient {
  return {
    ...absentAsNull(patient),
    id: patient.patientId,
    idType: enumName("ID_DOCUMENT_TYPE_", patient.idType),
    sex: enumName("SEX_", patient.sex),
    verificationMethod: enumName("PATIENT_VERIFICATION_METHOD_", patient.verificationMethod),
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

export function registerPatientRequest(input: Gql.RegisterPatientInput): RegisterPatientRequest {
  return {
    ...nullAsAbsent(input),
    idType: enumValue(IdDocumentType, "ID_DOCUMENT_TYPE_", input.idType),
    sex: enumValue(Sex, "SEX_", input.sex),
  };
}
