import { isRecordDate } from "@ihp/jurisdiction";
import { refusal } from "../errors.js";
import { beijingDay } from "../institutions/index.js";
import { idNumberProblem, normalizeIdNumber } from "./idDocuments.js";
import {
  GUARDIAN_RELATIONSHIPS,
  type GuardianRelationship,
  ID_DOCUMENT_TYPES,
  type IdDocumentType,
  SEXES,
  type Sex,
} from "./types.js";

// Every rule of the patient aggregate. Each check returns the normalised value or throws the refusal for its stable
// code (errors.ts); the decider turns a thrown refusal back into a returned one.

// Letters of any script, the middle dot of transcribed names (阿卜杜·热合曼), spaces, apostrophes and hyphens.
const PERSON_NAME = /^[\p{L}\p{M}][\p{L}\p{M}·.' -]*$/u;
const MAX_NAME = 60;
const REFERENCE = /^[^\p{Cc}\u2028\u2029]{1,200}$/u;
export const ADULT_AGE = 18;

export interface IdentityInput {
  readonly name: string;
  readonly idType: string;
  readonly idNumber: string;
  readonly birthDate: string;
  readonly sex: string;
}

export interface CheckedIdentity {
  readonly name: string;
  readonly idType: IdDocumentType;
  readonly idNumber: string;
  readonly birthDate: string;
  readonly sex: Sex;
}

/**
 * IDN-07: a real name, a known document type, a number of its shape (resident ID: check character and embedded birth
 * date), a real date of birth not after today (Beijing), and a sex. Returns the normalised values.
 */
export function requireIdentity(input: IdentityInput, at: Date): CheckedIdentity {
  const name = requirePatientName(input.name);
  const idType = ID_DOCUMENT_TYPES.find((type) => type === input.idType);
  if (idType === undefined) throw refusal("INVALID_ID_DOCUMENT_TYPE");
  const birthDate = input.birthDate.trim();
  if (!isRecordDate(birthDate)) throw refusal("INVALID_BIRTH_DATE");
  if (birthDate > beijingDay(at)) throw refusal("BIRTH_DATE_IN_FUTURE");
  const idNumber = normalizeIdNumber(input.idNumber);
  switch (idNumberProblem(idType, idNumber, birthDate)) {
    case "MALFORMED":
      throw refusal("INVALID_ID_NUMBER");
    case "CHECK_DIGIT":
      throw refusal("ID_NUMBER_CHECK_DIGIT_MISMATCH");
    case "BIRTH_DATE":
      throw refusal("ID_NUMBER_BIRTH_DATE_MISMATCH");
    case undefined:
      break;
  }
  const sex = SEXES.find((candidate) => candidate === input.sex);
  if (sex === undefined) throw refusal("INVALID_SEX");
  return { name, idType, idNumber, birthDate, sex };
}

/** Trimmed, inner runs of spaces collapsed, 1–60 characters of a person's name. */
export function requirePatientName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, " ");
  if (name === "" || [...name].length > MAX_NAME || !PERSON_NAME.test(name)) throw refusal("INVALID_PATIENT_NAME");
  return name;
}

export function requireRelationship(raw: string): GuardianRelationship {
  const relationship = GUARDIAN_RELATIONSHIPS.find((candidate) => candidate === raw);
  if (relationship === undefined) throw refusal("INVALID_GUARDIAN_RELATIONSHIP");
  return relationship;
}

export function requireEvidenceReference(raw: string): string {
  const reference = raw.trim();
  if (!REFERENCE.test(reference)) throw refusal("GUARDIAN_EVIDENCE_REQUIRED");
  return reference;
}

/** Whole years of age on the Beijing day of `at` (a birthday counts from its first day). */
export function ageOn(birthDate: string, at: Date): number {
  const today = beijingDay(at);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

export function isAdult(birthDate: string, at: Date): boolean {
  return ageOn(birthDate, at) >= ADULT_AGE;
}
