import type { InstitutionLicenceEntry, RegulatorConnectionEntry } from "./entries.js";
import type {
  LicenceChangedFact,
  LicenceFact,
  RegisteredInstitutionFact,
  RegulatorConnectionChangedFact,
} from "./facts.js";

// REP-04 (最少可用原则): the feed carries exactly the fields of its schema. Every entry is built field by field from
// named properties — never by spreading the source — so a field identity adds later cannot leak to the regulator
// until someone adds it to the feed schema and here.

/** Licence entry for a newly registered institution. */
export function licenceEntryFromRegistration(institution: RegisteredInstitutionFact): InstitutionLicenceEntry {
  return {
    name: institution.name,
    grade: institution.grade,
    ...licenceFields(institution.licence),
    subjectCodes: [...institution.subjectCodes],
    hostLicenceNumber: institution.hostLicenceNumber,
  };
}

/**
 * Licence entry after a change: the institution's name, grade and host licence from what the feed already reported
 * (identity's LicenceChanged does not repeat them), the licence from the change, the subjects from the change when
 * it names any, else as before.
 */
export function licenceEntryFromChange(
  previous: InstitutionLicenceEntry,
  licence: LicenceFact,
  subjectCodes: LicenceChangedFact["subjectCodes"],
): InstitutionLicenceEntry {
  return {
    name: previous.name,
    grade: previous.grade,
    ...licenceFields(licence),
    subjectCodes: subjectCodes.length > 0 ? [...subjectCodes] : [...previous.subjectCodes],
    hostLicenceNumber: previous.hostLicenceNumber,
  };
}

export function connectionEntry(change: RegulatorConnectionChangedFact): RegulatorConnectionEntry {
  return { connected: change.connected, platformReference: change.platformReference };
}

// Spreads a literal built here, not the source object.
function licenceFields(
  licence: LicenceFact | undefined,
): Pick<InstitutionLicenceEntry, "licenceNumber" | "licenceValidFrom" | "licenceValidUntil"> {
  return {
    licenceNumber: licence?.number ?? "",
    licenceValidFrom: licence?.validFrom ?? "",
    licenceValidUntil: licence?.validUntil ?? "",
  };
}
