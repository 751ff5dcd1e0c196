import { enumName, enumValue, enumValueOf, unlessEmpty } from "@ihp/contracts";
import {
  PharmacistAffiliation,
  type PracticeDocumentKind,
  type Practitioner as PractitionerMessage,
  type PractitionerDetails,
  PractitionerStatus,
  type PractitionerSummary,
  Profession,
  type PublicClinician,
  RegistryFailure,
} from "@ihp/contracts/identity";
import type { PractitionerSummaryEntry, PublicClinicianEntry } from "../../application/practitioners/practitionerDirectory.js";
import type { PractitionerView } from "../../application/practitioners/practitionerEvents.js";
import type { PracticeInput } from "../../domain/practitioners/index.js";

// Proto ↔ domain. Nothing is judged here: unknown enum values become "" and the decider refuses them with their code.

export function professionFromProto(value: Profession): string {
  return enumName("PROFESSION_", value) ?? "";
}

export const professionToProto = (name: string): Profession => enumValueOf(Profession, "PROFESSION_", name);

/** "" when not given; a value this build does not know stays "UNRECOGNIZED", for the decider to refuse. */
export function affiliationFromProto(value: PharmacistAffiliation): string {
  return value === PharmacistAffiliation.UNRECOGNIZED ? "UNRECOGNIZED" : (enumName("PHARMACIST_AFFILIATION_", value) ?? "");
}

export function documentKindFromProto(value: PracticeDocumentKind): string {
  return enumName("PRACTICE_DOCUMENT_KIND_", value) ?? "";
}

const statusToProto = (name: string): PractitionerStatus => enumValueOf(PractitionerStatus, "PRACTITIONER_STATUS_", name);

type PracticeFields = "title" | "practiceLicenceNumber" | "licenceValidUntil" | "scopeCodes" | "departmentCodes" | "dispensingYears" | "affiliation";

/** A registration's details or a ChangePractice request: the practice part of a practitioner. */
export function practiceFromProto(fields: Pick<PractitionerDetails, PracticeFields>): PracticeInput {
  return {
    title: fields.title,
    licenceNumber: fields.practiceLicenceNumber,
    licenceValidUntil: fields.licenceValidUntil ?? "",
    scopeCodes: fields.scopeCodes,
    departmentCodes: fields.departmentCodes,
    dispensingYears: fields.dispensingYears,
    affiliation: affiliationFromProto(fields.affiliation),
  };
}

/** The practitioner as the contract shows it: never the ID number. */
export function practitionerToProto({ practitioner: p, revision }: PractitionerView): PractitionerMessage {
  const details: PractitionerDetails = {
    name: p.person.name,
    idNumber: "",
    profession: professionToProto(p.person.profession),
    practiceLicenceNumber: p.practice.licenceNumber,
    licenceValidUntil: unlessEmpty(p.practice.licenceValidUntil),
    title: p.practice.title,
    scopeCodes: [...p.practice.scopeCodes],
    departmentCodes: [...p.practice.departmentCodes],
    mainInstitutionName: p.person.mainInstitutionName,
    mainInstitutionIsHost: p.person.mainInstitutionIsHost,
    practiceStartedOn: p.person.practiceStartedOn,
    photoHash: p.person.photoHash,
    dispensingYears: p.practice.dispensingYears,
    affiliation: enumValue(PharmacistAffiliation, "PHARMACIST_AFFILIATION_", p.practice.affiliation),
  };
  return {
    practitionerId: p.practitionerId,
    institutionId: p.institutionId,
    details,
    status: statusToProto(p.status),
    registryVerified: p.registryVerified,
    registryFailure: p.registryFailure === "" ? RegistryFailure.REGISTRY_FAILURE_UNSPECIFIED : enumValue(RegistryFailure, "REGISTRY_FAILURE_", p.registryFailure),
    eLicenceReference: unlessEmpty(p.eLicenceReference),
    identityVerified: p.identityVerified,
    consentOnFile: p.consentReference !== "",
    multiSiteFilingOnFile: p.filingReference !== "",
    credentialExpired: p.credentialExpired,
    revision: BigInt(revision),
  };
}

export function summaryToProto(entry: PractitionerSummaryEntry): PractitionerSummary {
  return { ...entry, profession: professionToProto(entry.profession), status: statusToProto(entry.status) };
}

export function publicClinicianToProto({ licenceNumber, ...entry }: PublicClinicianEntry): PublicClinician {
  return {
    ...entry,
    profession: professionToProto(entry.profession),
    scopeCodes: [...entry.scopeCodes],
    departmentCodes: [...entry.departmentCodes],
    practiceLicenceNumber: licenceNumber,
  };
}
