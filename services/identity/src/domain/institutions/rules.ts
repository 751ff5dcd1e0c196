import { beijingDay, isRecordDate, type JurisdictionCode, JURISDICTIONS } from "@ihp/jurisdiction";
import { isKnownSubjectCode } from "../diagnosisSubjects.js";
import { refusal } from "../errors.js";
import type { LicenceInput } from "./commands.js";
import { GRADES, type Grade, type Licence } from "./types.js";

// Every rule of the institution aggregate. Each check returns the normalised value or throws the refusal for its
// stable code (errors.ts); the decider turns a thrown refusal back into a returned one.

const MAX_NAME = 100;
const MIN_NAME = 2;
const MAX_REFERENCE = 100;
// 登记号 formats differ by province and era; this checks shape only, a registry lookup is a later adapter.
const LICENCE_NUMBER = /^[0-9A-Za-z][0-9A-Za-z-]{5,39}$/;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** IDN-10: the published name. Trimmed; 2–100 characters, no control characters. */
export function requireInstitutionName(raw: string): string {
  const name = displayText(raw, MIN_NAME, MAX_NAME);
  if (name === undefined) throw refusal("INVALID_INSTITUTION_NAME");
  return name;
}

/** IDN-06: the physical institution the internet hospital rests on, with its own licence number. */
export function requireHost(rawName: string, rawLicenceNumber: string): { name: string; licenceNumber: string } {
  const name = displayText(rawName, MIN_NAME, MAX_NAME);
  const licenceNumber = rawLicenceNumber.trim();
  if (name === undefined || !LICENCE_NUMBER.test(licenceNumber)) throw refusal("INVALID_HOST_INSTITUTION");
  return { name, licenceNumber };
}

/** IDN-10: a grade from the contract's list; "unspecified" is not a grade. */
export function requireGrade(raw: string): Grade {
  const grade = GRADES.find((candidate) => candidate === raw);
  if (grade === undefined) throw refusal("INVALID_GRADE");
  return grade;
}

/**
 * REP-02: a licence with a well-formed number and real civil dates, valid_from strictly before valid_until, and not
 * already expired on `at` (Beijing day; the last day of validity still counts).
 */
export function requireLicence(input: LicenceInput, at: Date): Licence {
  const number = input.number.trim();
  const validFrom = input.validFrom.trim();
  const validUntil = input.validUntil.trim();
  if (!LICENCE_NUMBER.test(number) || !isRecordDate(validFrom) || !isRecordDate(validUntil) || validFrom >= validUntil) {
    throw refusal("INVALID_LICENCE");
  }
  if (validUntil < beijingDay(at)) throw refusal("LICENCE_EXPIRED");
  return { number, validFrom, validUntil };
}

/** IDN-06: at least one subject, each on the national list; returned sorted without repeats. */
export function requireSubjects(codes: readonly string[]): string[] {
  if (codes.length === 0) throw refusal("NO_SUBJECTS");
  if (!codes.every(isKnownSubjectCode)) throw refusal("UNKNOWN_SUBJECT_CODE");
  return [...new Set(codes)].sort();
}

/** XC-08: one of the jurisdictions that has a profile. */
export function requireJurisdiction(raw: string): JurisdictionCode {
  const jurisdiction = JURISDICTIONS.find((candidate) => candidate === raw);
  if (jurisdiction === undefined) throw refusal("UNKNOWN_JURISDICTION");
  return jurisdiction;
}

/** REP-01: connecting needs the platform's confirmation reference; disconnecting may cite one. */
export function requirePlatformReference(connected: boolean, raw: string): string {
  const reference = raw.trim();
  if (connected && reference === "") throw refusal("PLATFORM_REFERENCE_REQUIRED");
  if (reference.length > MAX_REFERENCE || CONTROL.test(reference)) throw refusal("INVALID_PLATFORM_REFERENCE");
  return reference;
}

function displayText(raw: string, min: number, max: number): string | undefined {
  const text = raw.trim();
  const length = [...text].length;
  return length >= min && length <= max && !CONTROL.test(text) ? text : undefined;
}

// Other slices and the directory read "today" through here; the one definition is in @ihp/jurisdiction.
export { beijingDay };
