import { refusal } from "../errors.js";
import { scopesCover, subjectsCover, topLevelSubject } from "./practiceScopes.js";
import { isExpired, requireAffiliationAllowed } from "./rules.js";
import type { EligibilitySettings, Practitioner } from "./types.js";

// The checks other services rely on before a clinical act (ClinicalAccessService). Pure: the application loads the
// practitioner and the institution, and records CredentialExpired when `expired` is the reason.

/** Rights end at once on suspension, revocation, exit, registry failure or an expired licence. */
function requireActive(practitioner: Practitioner | undefined, institutionId: string, at: Date): Practitioner {
  // An unknown account is no registered practitioner here: the IDN-01 answer, not a NOT_FOUND that invites probing.
  if (practitioner === undefined) throw refusal("CLINICIAN_NOT_REGISTERED");
  if (practitioner.institutionId !== institutionId) throw refusal("NOT_PRACTISING_HERE");
  if (practitioner.status === "SUSPENDED") throw refusal("PRACTITIONER_SUSPENDED");
  if (practitioner.status !== "ACTIVE") throw refusal("PRACTITIONER_NOT_ACTIVE");
  if (!practitioner.registryVerified) throw refusal("CLINICIAN_NOT_REGISTERED");
  if (!practitioner.identityVerified) throw refusal("IDENTITY_NOT_VERIFIED");
  if (practitioner.credentialExpired || isExpired(practitioner.practice.licenceValidUntil, at)) {
    throw refusal("CREDENTIAL_EXPIRED");
  }
  return practitioner;
}

export interface ReceivingCheck {
  readonly institutionId: string;
  readonly departmentCode: string;
  /** The institution's approved 诊疗科目 now. */
  readonly institutionSubjects: readonly string[];
  readonly at: Date;
}

/**
 * IDN-01/02/04/05/06: may this practitioner receive a patient in this department now? The department must be one
 * of theirs (or a specialty of one), within their practice scope and within the institution's licence.
 */
export function requireReceiving(practitioner: Practitioner | undefined, check: ReceivingCheck): Practitioner {
  const active = requireActive(practitioner, check.institutionId, check.at);
  const department = check.departmentCode;
  const own = active.practice.departmentCodes;
  const inScope =
    active.person.profession !== "PHARMACIST" &&
    (own.includes(department) || own.includes(topLevelSubject(department))) &&
    scopesCover(active.practice.scopeCodes, department) &&
    subjectsCover(check.institutionSubjects, department);
  if (!inScope) throw refusal("OUT_OF_SCOPE");
  return active;
}

export interface ReviewerCheck {
  readonly institutionId: string;
  readonly settings: EligibilitySettings;
  readonly at: Date;
}

/** PHA-02: a pharmacist, active, with the jurisdiction's minimum of recorded dispensing years and an allowed affiliation. */
export function requireReviewer(practitioner: Practitioner | undefined, check: ReviewerCheck): Practitioner {
  if (practitioner !== undefined && practitioner.person.profession !== "PHARMACIST") {
    throw refusal("REVIEWER_NOT_QUALIFIED");
  }
  const active = requireActive(practitioner, check.institutionId, check.at);
  if (active.practice.dispensingYears < check.settings.pharmacistMinYears) throw refusal("REVIEWER_NOT_QUALIFIED");
  requireAffiliationAllowed(active, check.settings);
  return active;
}

/**
 * IDN-08: whether the practitioner's status allows clinical work now, which is what holding and using a login needs
 * (opening the account, logging in, stepping up). Only ACTIVE counts: PENDING was never enabled, SUSPENDED is paused
 * until reinstated, REVOKED and EXITED are final. Throws the same codes as every other access check.
 */
export function requirePractising(practitioner: Practitioner | undefined, at: Date): Practitioner {
  return requireActive(practitioner, practitioner?.institutionId ?? "", at);
}

/** Whether the practitioner may sign now (IDN-09 relies on it): active, verified, licence valid. */
export function maySign(practitioner: Practitioner, at: Date): boolean {
  try {
    requireActive(practitioner, practitioner.institutionId, at);
    return true;
  } catch {
    return false;
  }
}

/** Whether `at` is past the licence validity while CredentialExpired is not yet recorded. */
export function expiryUnnoticed(practitioner: Practitioner, at: Date): boolean {
  return !practitioner.credentialExpired && isExpired(practitioner.practice.licenceValidUntil, at);
}
