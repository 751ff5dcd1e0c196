/**
 * What the clinical checks and signatures need to know about practitioners. Identity's practitioners slice provides
 * it (application/practitioners/practitionerAccess.ts implements this port), so sessions and signing depend on the
 * questions, not on that slice's internals. Refusals are DomainErrors with that slice's codes.
 */
export type Profession = "PHYSICIAN" | "NURSE" | "PHARMACIST";

export interface PractitionerAccess {
  /** IDN-01/02/04/05/06 + status and credential expiry: throws a DomainError (CLINICIAN_NOT_REGISTERED,
   * IDENTITY_NOT_VERIFIED, PRACTITIONER_NOT_ACTIVE, PRACTITIONER_SUSPENDED, CREDENTIAL_EXPIRED, OUT_OF_SCOPE, ...).
   * With the institution's regulator connection (REP-01) as the check read it, for the acceptance that asks. */
  requireReceiving(input: {
    practitionerId: string;
    institutionId: string;
    departmentCode: string;
    now: Date;
  }): Promise<{ profession: Profession; regulatorConnected: boolean }>;
  /** PHA-02: pharmacist credential, >= 3 whole years of recorded dispensing experience, active, affiliation the
   * institution's jurisdiction allows (in-house always; contracted where the profile allows). Throws e.g. REVIEWER_NOT_QUALIFIED. */
  requireReviewer(input: {
    pharmacistId: string;
    institutionId: string;
    now: Date;
  }): Promise<{ affiliation: "IN_HOUSE" | "CONTRACTED"; dispensingYears: number }>;
  /** IDN-08: the practitioner's status allows clinical work now (a login may be opened, used, stepped up). Throws a
   * DomainError (PRACTITIONER_NOT_ACTIVE for PENDING, REVOKED, EXITED; PRACTITIONER_SUSPENDED; CREDENTIAL_EXPIRED, ...). */
  requireAccountHolder(practitionerId: string, now: Date): Promise<{ profession: Profession; institutionId: string }>;
  /** For signing (IDN-09): the practitioner's public name and profession, and whether they may sign now (active). */
  signer(
    practitionerId: string,
    now: Date,
  ): Promise<{ name: string; profession: Profession; institutionId: string; active: boolean } | undefined>;
}

/** The platform role a practitioner's token carries. */
export function roleOf(profession: Profession): "physician" | "nurse" | "pharmacist" {
  switch (profession) {
    case "PHYSICIAN":
      return "physician";
    case "NURSE":
      return "nurse";
    case "PHARMACIST":
      return "pharmacist";
  }
}
