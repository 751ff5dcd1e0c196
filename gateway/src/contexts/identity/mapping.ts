import { enumName, enumValue } from "@ihp/contracts";
import {
  type ChangePracticeRequest,
  PharmacistAffiliation,
  PracticeDocumentKind,
  type Practitioner,
  PractitionerDetails,
  type PractitionerSummary,
  Profession,
  type PublicClinician,
  type RecordPracticeDocumentRequest,
  type RegisterPractitionerRequest,
} from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { absentAsNull, nullAsAbsent } from "../../grpc/optionals.js";

export const professionOf = (name: Gql.PractitionerProfession): Profession => enumValue(Profession, "PROFESSION_", name);

function affiliationOf(name: Gql.PharmacistAffiliation | null | undefined): PharmacistAffiliation {
  return name == null ? PharmacistAffiliation.PHARMACIST_AFFILIATION_UNSPECIFIED : enumValue(PharmacistAffiliation, "PHARMACIST_AFFILIATION_", name);
}

export function practitionerView(practitioner: Practitioner): Gql.Practitioner {
  // The ID number is never returned (schema: Practitioner).
  const { idNumber: _idNumber, profession, affiliation, licenceValidUntil, ...facts } = practitioner.details ?? PractitionerDetails.fromPartial({});
  const { practitionerId, status, registryFailure, revision, details: _details, ...account } = practitioner;
  return {
    ...facts,
    ...absentAsNull(account),
    id: practitionerId,
    profession: enumName("PROFESSION_", profession),
    licenceValidUntil: licenceValidUntil ?? null,
    affiliation: enumName("PHARMACIST_AFFILIATION_", affiliation),
    status: enumName("PRACTITIONER_STATUS_", status),
    registryFailure: enumName("REGISTRY_FAILURE_", registryFailure),
    revision: revision.toString(),
  };
}

export function practitionerSummaryView(summary: PractitionerSummary): Gql.PractitionerSummary {
  return {
    ...summary,
    id: summary.practitionerId,
    profession: enumName("PROFESSION_", summary.profession),
    status: enumName("PRACTITIONER_STATUS_", summary.status),
  };
}

/** IDN-10. */
export function publicClinicianView(clinician: PublicClinician): Gql.PublicClinician {
  return { ...clinician, id: clinician.practitionerId, profession: enumName("PROFESSION_", clinician.profession) };
}

export function registerPractitionerRequest(input: Gql.RegisterPractitionerInput): RegisterPractitionerRequest {
  const { requestId, institutionId, profession, licenceValidUntil, dispensingYears: years, affiliation, ...details } = input;
  return {
    requestId,
    institutionId,
    details: {
      ...details,
      profession: professionOf(profession),
      licenceValidUntil: licenceValidUntil ?? undefined,
      scopeCodes: [...details.scopeCodes],
      departmentCodes: [...details.departmentCodes],
      dispensingYears: dispensingYears(years),
      affiliation: affiliationOf(affiliation),
    },
  };
}

export function changePracticeRequest(input: Gql.ChangePracticeInput): ChangePracticeRequest {
  return {
    ...nullAsAbsent(input),
    scopeCodes: [...input.scopeCodes],
    departmentCodes: [...input.departmentCodes],
    dispensingYears: dispensingYears(input.dispensingYears),
    affiliation: affiliationOf(input.affiliation),
  };
}

export function recordPracticeDocumentRequest(input: Gql.RecordPracticeDocumentInput): RecordPracticeDocumentRequest {
  return { ...input, kind: enumValue(PracticeDocumentKind, "PRACTICE_DOCUMENT_KIND_", input.kind) };
}

/**
 * The proto field is a uint32: a negative Int would wrap around on the wire into a huge count. Out-of-range values
 * are passed as one the service refuses (INVALID_DISPENSING_YEARS, its limit is 70) rather than judged here.
 */
function dispensingYears(value: number | null | undefined): number {
  if (value == null) return 0;
  return value < 0 ? 0xffffffff : value;
}
