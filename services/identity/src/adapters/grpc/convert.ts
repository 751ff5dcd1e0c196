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

/** The platform's confirmation reference is not part of the contract's institution. */
export function institutionToProto({ institution: { platformReference: _reference, ...institution }, revision }: InstitutionView): InstitutionMessage {
  return {
    ...institution,
    grade: gradeToProto(institution.grade),
    licence: { ...institution.licence },
    subjectCodes: [...institution.subjectCodes],
    revision: BigInt(revision),
  };
}

export function publicInstitutionToProto(entry: PublicInstitutionEntry): PublicInstitution {
  return { ...entry, grade: gradeToProto(entry.grade), subjectCodes: [...entry.subjectCodes] };
}
