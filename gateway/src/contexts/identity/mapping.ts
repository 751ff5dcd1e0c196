import {
  type ChangePracticeRequest,
  PharmacistAffiliation,
  pharmacistAffiliationFromJSON,
  pharmacistAffiliationToJSON,
  practiceDocumentKindFromJSON,
  type Practitioner,
  type PractitionerSummary,
  practitionerStatusToJSON,
  type Profession,
  professionFromJSON,
  professionToJSON,
  type PublicClinician,
  type RecordPracticeDocumentRequest,
  type RegisterPractitionerRequest,
} from "@ihp/contracts/identity";
import { enumName, enumValue, orNull } from "./enums.js";

const professionName = (value: Profession) => enumName(professionToJSON, "PROFESSION_", value);
export const professionOf = (name: string): Profession => enumValue(professionFromJSON, "PROFESSION_", name);

function affiliationOf(name: string | null | undefined): PharmacistAffiliation {
  return name == null
    ? PharmacistAffiliation.PHARMACIST_AFFILIATION_UNSPECIFIED
    : enumValue(pharmacistAffiliationFromJSON, "PHARMACIST_AFFILIATION_", name);
}

/** GraphQL type Practitioner. */
export interface PractitionerView {
  readonly id: string;
  readonly institutionId: string;
  readonly name: string;
  readonly profession: string | null;
  readonly practiceLicenceNumber: string;
  readonly licenceValidUntil: string | null;
  readonly title: string;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly mainInstitutionName: string;
  readonly mainInstitutionIsHost: boolean;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly dispensingYears: number;
  readonly affiliation: string | null;
  readonly status: string | null;
  readonly registryVerified: boolean;
  readonly registryFailure: string | null;
  readonly eLicenceReference: string | null;
  readonly identityVerified: boolean;
  readonly consentOnFile: boolean;
  readonly multiSiteFilingOnFile: boolean;
  readonly credentialExpired: boolean;
  readonly revision: string;
}

export function practitionerView(practitioner: Practitioner): PractitionerView {
  const details = practitioner.details;
  return {
    id: practitioner.practitionerId,
    institutionId: practitioner.institutionId,
    name: details?.name ?? "",
    profession: details === undefined ? null : professionName(details.profession),
    practiceLicenceNumber: details?.practiceLicenceNumber ?? "",
    licenceValidUntil: orNull(details?.licenceValidUntil ?? ""),
    title: details?.title ?? "",
    scopeCodes: details?.scopeCodes ?? [],
    departmentCodes: details?.departmentCodes ?? [],
    mainInstitutionName: details?.mainInstitutionName ?? "",
    mainInstitutionIsHost: details?.mainInstitutionIsHost ?? false,
    practiceStartedOn: details?.practiceStartedOn ?? "",
    photoHash: details?.photoHash ?? "",
    dispensingYears: details?.dispensingYears ?? 0,
    affiliation: details === undefined ? null : enumName(pharmacistAffiliationToJSON, "PHARMACIST_AFFILIATION_", details.affiliation),
    status: enumName(practitionerStatusToJSON, "PRACTITIONER_STATUS_", practitioner.status),
    registryVerified: practitioner.registryVerified,
    registryFailure: orNull(practitioner.registryFailure),
    eLicenceReference: orNull(practitioner.eLicenceReference),
    identityVerified: practitioner.identityVerified,
    consentOnFile: practitioner.consentOnFile,
    multiSiteFilingOnFile: practitioner.multiSiteFilingOnFile,
    credentialExpired: practitioner.credentialExpired,
    revision: practitioner.revision.toString(),
  };
}

/** GraphQL type PractitionerSummary. */
export interface PractitionerSummaryView {
  readonly id: string;
  readonly name: string;
  readonly profession: string | null;
  readonly title: string;
  readonly status: string | null;
}

export function practitionerSummaryView(summary: PractitionerSummary): PractitionerSummaryView {
  return {
    id: summary.practitionerId,
    name: summary.name,
    profession: professionName(summary.profession),
    title: summary.title,
    status: enumName(practitionerStatusToJSON, "PRACTITIONER_STATUS_", summary.status),
  };
}

/** GraphQL type PublicClinician (IDN-10). */
export interface PublicClinicianView {
  readonly id: string;
  readonly institutionId: string;
  readonly name: string;
  readonly profession: string | null;
  readonly title: string;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly practiceLicenceNumber: string;
  readonly eLicenceReference: string;
}

export function publicClinicianView(clinician: PublicClinician): PublicClinicianView {
  return {
    id: clinician.practitionerId,
    institutionId: clinician.institutionId,
    name: clinician.name,
    profession: professionName(clinician.profession),
    title: clinician.title,
    scopeCodes: clinician.scopeCodes,
    departmentCodes: clinician.departmentCodes,
    practiceLicenceNumber: clinician.practiceLicenceNumber,
    eLicenceReference: clinician.eLicenceReference,
  };
}

// Inputs, as graphql-js hands them over after coercing them against the schema.

export interface RegisterPractitionerInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly name: string;
  readonly idNumber: string;
  readonly profession: string;
  readonly practiceLicenceNumber: string;
  readonly licenceValidUntil?: string | null;
  readonly title: string;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly mainInstitutionName: string;
  readonly mainInstitutionIsHost: boolean;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly dispensingYears?: number | null;
  readonly affiliation?: string | null;
}

export function registerPractitionerRequest(input: RegisterPractitionerInput): RegisterPractitionerRequest {
  return {
    requestId: input.requestId,
    institutionId: input.institutionId,
    details: {
      name: input.name,
      idNumber: input.idNumber,
      profession: professionOf(input.profession),
      practiceLicenceNumber: input.practiceLicenceNumber,
      licenceValidUntil: input.licenceValidUntil ?? "",
      title: input.title,
      scopeCodes: [...input.scopeCodes],
      departmentCodes: [...input.departmentCodes],
      mainInstitutionName: input.mainInstitutionName,
      mainInstitutionIsHost: input.mainInstitutionIsHost,
      practiceStartedOn: input.practiceStartedOn,
      photoHash: input.photoHash,
      dispensingYears: dispensingYears(input.dispensingYears),
      affiliation: affiliationOf(input.affiliation),
    },
  };
}

export interface ChangePracticeInput {
  readonly requestId: string;
  readonly practitionerId: string;
  readonly title: string;
  readonly practiceLicenceNumber: string;
  readonly licenceValidUntil?: string | null;
  readonly scopeCodes: readonly string[];
  readonly departmentCodes: readonly string[];
  readonly dispensingYears?: number | null;
  readonly affiliation?: string | null;
}

export function changePracticeRequest(input: ChangePracticeInput): ChangePracticeRequest {
  return {
    requestId: input.requestId,
    practitionerId: input.practitionerId,
    title: input.title,
    practiceLicenceNumber: input.practiceLicenceNumber,
    licenceValidUntil: input.licenceValidUntil ?? "",
    scopeCodes: [...input.scopeCodes],
    departmentCodes: [...input.departmentCodes],
    dispensingYears: dispensingYears(input.dispensingYears),
    affiliation: affiliationOf(input.affiliation),
  };
}

export interface RecordPracticeDocumentInput {
  readonly requestId: string;
  readonly practitionerId: string;
  readonly kind: string;
  readonly reference: string;
}

export function recordPracticeDocumentRequest(input: RecordPracticeDocumentInput): RecordPracticeDocumentRequest {
  return {
    requestId: input.requestId,
    practitionerId: input.practitionerId,
    kind: enumValue(practiceDocumentKindFromJSON, "PRACTICE_DOCUMENT_KIND_", input.kind),
    reference: input.reference,
  };
}

/**
 * The proto field is a uint32: a negative Int would wrap around on the wire into a huge count. Out-of-range values
 * are passed as one the service refuses (INVALID_DISPENSING_YEARS, its limit is 70) rather than judged here.
 */
function dispensingYears(value: number | null | undefined): number {
  if (value == null) return 0;
  return value < 0 ? 0xffffffff : value;
}
