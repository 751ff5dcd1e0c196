import { completedYears, isRecordDate } from "@ihp/jurisdiction";
import { isKnownSubjectCode } from "../diagnosisSubjects.js";
import { refusal } from "../errors.js";
import { beijingDay } from "../institutions/rules.js";
import type { PracticeInput } from "./commands.js";
import { PRACTICE_SCOPES, scopesCover, subjectsCover } from "./practiceScopes.js";
import {
  AFFILIATIONS,
  type Affiliation,
  DOCUMENT_KINDS,
  type DocumentKind,
  type EligibilitySettings,
  type InstitutionFacts,
  type Practice,
  type Practitioner,
  PROFESSIONS,
  type Profession,
} from "./types.js";

// Every rule of the practitioner aggregate. Each check returns the normalised value or throws the refusal for its
// stable code (errors.ts); the decider turns a thrown refusal back into a returned one.

const CONTROL = /[\p{Cc}\u2028\u2029]/u;
// 医师执业证书编码 is 15 digits; nurses' and pharmacists' certificate numbers vary by province and era, so only
// their shape is checked. The registry lookup (IDN-01) is what proves a number.
const PHYSICIAN_LICENCE = /^\d{15}$/;
const OTHER_LICENCE = /^[0-9A-Za-z]{8,30}$/;
const PHOTO_HASH = /^[0-9a-f]{64}$/;
const REFERENCE = /^[\p{L}\p{N}._:/#-]{1,100}$/u;
const REASON = /^[A-Z][A-Z0-9_]{1,63}$/;
const ID_NUMBER = /^\d{17}[\dX]$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";
const MAX_DISPENSING_YEARS = 70;

/** REP-03, IDN-10: the published name. Trimmed; 2–50 characters, no control characters. */
export function requirePractitionerName(raw: string): string {
  const name = displayText(raw, 2, 50);
  if (name === undefined) throw refusal("INVALID_PRACTITIONER_NAME");
  return name;
}

/**
 * REP-03: a resident ID card number (GB 11643-1999): 17 digits, a check character (0–9 or X) that matches, and a
 * real birth date. Lower-case x is accepted and upper-cased. Called by the application before it seals the number.
 */
export function requireIdNumber(raw: string): string {
  const number = raw.trim().toUpperCase();
  if (!ID_NUMBER.test(number)) throw refusal("INVALID_STAFF_ID_NUMBER");
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(number[i]), 0);
  const birth = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
  if (ID_CHECK[sum % 11] !== number[17] || !isRecordDate(birth)) throw refusal("INVALID_STAFF_ID_NUMBER");
  return number;
}

export function requireProfession(raw: string): Profession {
  const profession = PROFESSIONS.find((candidate) => candidate === raw);
  if (profession === undefined) throw refusal("UNKNOWN_PROFESSION");
  return profession;
}

/** IDN-05: the main institution (第一执业地点) by name. */
export function requireMainInstitution(raw: string): string {
  const name = displayText(raw, 2, 100);
  if (name === undefined) throw refusal("INVALID_MAIN_INSTITUTION");
  return name;
}

/** IDN-04: a real date, not after today (Beijing): independent practice cannot begin in the future. */
export function requirePracticeStart(raw: string, at: Date): string {
  const day = raw.trim();
  if (!isRecordDate(day) || day > beijingDay(at)) throw refusal("INVALID_PRACTICE_START");
  return day;
}

export function requirePhotoHash(raw: string): string {
  const hash = raw.trim().toLowerCase();
  if (!PHOTO_HASH.test(hash)) throw refusal("INVALID_PHOTO_HASH");
  return hash;
}

/**
 * The practice facts for a profession: licence number of the profession's shape and not expired at `at`, title,
 * scopes of that profession, departments on the national list that the scopes cover and the institution approved
 * (IDN-06), and the pharmacist facts (PHA-02).
 */
export function requirePractice(
  input: PracticeInput,
  profession: Profession,
  institution: InstitutionFacts,
  at: Date,
): Practice {
  const licenceNumber = input.licenceNumber.trim();
  const shape = profession === "PHYSICIAN" ? PHYSICIAN_LICENCE : OTHER_LICENCE;
  if (!shape.test(licenceNumber)) throw refusal("INVALID_PRACTICE_LICENCE_NUMBER");
  const licenceValidUntil = input.licenceValidUntil.trim();
  if (licenceValidUntil !== "" && !isRecordDate(licenceValidUntil)) throw refusal("INVALID_LICENCE_VALIDITY");
  if (isExpired(licenceValidUntil, at)) throw refusal("CREDENTIAL_EXPIRED");
  const title = displayText(input.title, 2, 30);
  if (title === undefined) throw refusal("INVALID_TITLE");
  const scopeCodes = requireScopes(input.scopeCodes, profession);
  const departmentCodes = requireDepartments(input.departmentCodes, profession, scopeCodes, institution);
  const { dispensingYears, affiliation } = requirePharmacistFacts(input, profession);
  return { title, licenceNumber, licenceValidUntil, scopeCodes, departmentCodes, dispensingYears, affiliation };
}

function requireScopes(codes: readonly string[], profession: Profession): string[] {
  if (codes.length === 0) throw refusal("NO_PRACTICE_SCOPE");
  if (!codes.every((code) => PRACTICE_SCOPES.get(code)?.profession === profession)) {
    throw refusal("UNKNOWN_PRACTICE_SCOPE");
  }
  return [...new Set(codes)].sort();
}

function requireDepartments(
  codes: readonly string[],
  profession: Profession,
  scopeCodes: readonly string[],
  institution: InstitutionFacts,
): string[] {
  if (!codes.every(isKnownSubjectCode)) throw refusal("UNKNOWN_DEPARTMENT");
  // Pharmacists review and dispense; they are not assigned consults in a department.
  if (profession === "PHARMACIST") {
    if (codes.length > 0) throw refusal("OUT_OF_SCOPE");
    return [];
  }
  if (codes.length === 0) throw refusal("NO_DEPARTMENTS");
  const inScope = codes.every((code) => scopesCover(scopeCodes, code) && subjectsCover(institution.subjectCodes, code));
  if (!inScope) throw refusal("OUT_OF_SCOPE");
  return [...new Set(codes)].sort();
}

function requirePharmacistFacts(
  input: PracticeInput,
  profession: Profession,
): { dispensingYears: number; affiliation: Affiliation } {
  const affiliation = input.affiliation === "" ? "IN_HOUSE" : AFFILIATIONS.find((a) => a === input.affiliation);
  if (affiliation === undefined) throw refusal("INVALID_AFFILIATION");
  const years = input.dispensingYears;
  if (!Number.isInteger(years) || years < 0 || years > MAX_DISPENSING_YEARS) throw refusal("INVALID_DISPENSING_YEARS");
  if (profession !== "PHARMACIST") {
    if (affiliation !== "IN_HOUSE") throw refusal("INVALID_AFFILIATION");
    if (years !== 0) throw refusal("INVALID_DISPENSING_YEARS");
  }
  return { dispensingYears: years, affiliation };
}

/** PHA-02: a contracted pharmacist only where the jurisdiction's profile allows third-party reviewers. */
export function requireAffiliationAllowed(practitioner: Practitioner, settings: EligibilitySettings): void {
  if (practitioner.practice.affiliation === "CONTRACTED" && !settings.reviewerAffiliations.includes("contracted")) {
    throw refusal("AFFILIATION_NOT_ALLOWED");
  }
}

/**
 * Everything enabling needs (IDN-01, 02, 04, 05, 06, PHA-02), in the order a person would fix them: registry,
 * real name, licence, experience, documents, scope.
 */
export function requireEligible(
  practitioner: Practitioner,
  institution: InstitutionFacts,
  settings: EligibilitySettings,
  at: Date,
): void {
  if (!practitioner.registryVerified) throw refusal("CLINICIAN_NOT_REGISTERED");
  if (!practitioner.identityVerified) throw refusal("IDENTITY_NOT_VERIFIED");
  if (isExpired(practitioner.practice.licenceValidUntil, at)) throw refusal("CREDENTIAL_EXPIRED");
  const { profession } = practitioner.person;
  if (profession === "PHYSICIAN") {
    const years = completedYears(practitioner.person.practiceStartedOn, beijingDay(at), "onAnniversary");
    if (years < settings.physicianMinIndependentYears) throw refusal("INSUFFICIENT_PRACTICE_YEARS");
    if (practitioner.consentReference === "") throw refusal("CONSENT_DOCUMENT_MISSING");
  }
  if (profession !== "PHARMACIST" && !practitioner.person.mainInstitutionIsHost && practitioner.filingReference === "") {
    throw refusal("MULTI_SITE_FILING_MISSING");
  }
  requireAffiliationAllowed(practitioner, settings);
  const inScope = practitioner.practice.departmentCodes.every((code) => subjectsCover(institution.subjectCodes, code));
  if (!inScope) throw refusal("OUT_OF_SCOPE");
}

export function requireDocumentKind(raw: string): DocumentKind {
  const kind = DOCUMENT_KINDS.find((candidate) => candidate === raw);
  if (kind === undefined) throw refusal("UNKNOWN_DOCUMENT_KIND");
  return kind;
}

/** A document number, scan hash or provider reference: 1–100 letters, digits or . _ : / # - */
export function requireReference(raw: string): string {
  const reference = raw.trim();
  if (!REFERENCE.test(reference)) throw refusal("INVALID_REFERENCE");
  return reference;
}

/** A status-change reason code such as COMPLAINT_UNDER_REVIEW: upper-case, no free text (no personal data). */
export function requireReasonCode(raw: string): string {
  const reason = raw.trim();
  if (!REASON.test(reason)) throw refusal("INVALID_STATUS_REASON");
  return reason;
}

/** The last valid day has passed (Beijing day). "" never expires. */
export function isExpired(validUntil: string, at: Date): boolean {
  return validUntil !== "" && validUntil < beijingDay(at);
}

function displayText(raw: string, min: number, max: number): string | undefined {
  const text = raw.trim();
  const length = [...text].length;
  return length >= min && length <= max && !CONTROL.test(text) ? text : undefined;
}
