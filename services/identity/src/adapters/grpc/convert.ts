import {
  type Institution as InstitutionMessage,
  type Licence as LicenceMessage,
  type PublicInstitution,
} from "@ihp/contracts/identity";
import type { InstitutionView } from "../../application/institutionEvents.js";
import type { PublicInstitutionEntry } from "../../application/publicDirectory.js";
import type { LicenceInput } from "../../domain/institutions/index.js";
import { gradeToProto } from "../grades.js";

// Proto ↔ domain. Nothing is judged here: missing values pass through as values the decider refuses with their
// stable code (INVALID_LICENCE), so the rules stay in one place.

export function licenceFromProto(licence: LicenceMessage | undefined): LicenceInput {
  return { number: licence?.number ?? "", validFrom: licence?.validFrom ?? "", validUntil: licence?.validUntil ?? "" };
}

export function institutionToProto({ institution, revision }: InstitutionView): InstitutionMessage {
  return {
    institutionId: institution.institutionId,
    name: institution.name,
    grade: gradeToProto(institution.grade),
    licence: { ...institution.licence },
    subjectCodes: [...institution.subjectCodes],
    jurisdiction: institution.jurisdiction,
    hostInstitutionName: institution.hostInstitutionName,
    hostLicenceNumber: institution.hostLicenceNumber,
    regulatorConnected: institution.regulatorConnected,
    revision: BigInt(revision),
  };
}

export function publicInstitutionToProto(entry: PublicInstitutionEntry): PublicInstitution {
  return {
    institutionId: entry.institutionId,
    name: entry.name,
    grade: gradeToProto(entry.grade),
    licenceNumber: entry.licenceNumber,
    subjectCodes: [...entry.subjectCodes],
    jurisdiction: entry.jurisdiction,
  };
}
