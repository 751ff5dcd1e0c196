import type { ReviewerAffiliation } from "@ihp/jurisdiction";

export const PROFESSIONS = ["PHYSICIAN", "NURSE", "PHARMACIST"] as const;
export type Profession = (typeof PROFESSIONS)[number];

export const AFFILIATIONS = ["IN_HOUSE", "CONTRACTED"] as const;
/** PHA-02: where a pharmacist is employed. Physicians and nurses are always IN_HOUSE here. */
export type Affiliation = (typeof AFFILIATIONS)[number];

/** PENDING until enabled; REVOKED and EXITED are final. */
export type PractitionerStatus = "PENDING" | "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXITED";

/** Why a registry lookup did not confirm the registration (IDN-01). */
export const REGISTRY_FAILURES = ["NOT_FOUND", "SUSPENDED", "MISMATCH", "UNAVAILABLE"] as const;
export type RegistryFailure = (typeof REGISTRY_FAILURES)[number];

export const DOCUMENT_KINDS = ["REGISTERING_INSTITUTION_CONSENT", "MULTI_SITE_FILING"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const IDENTITY_METHODS = ["FACE_MATCH", "DOCUMENT_CHECK"] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** The practice facts that may change after registration (ChangePractice). JSON-plain for event data. */
export type Practice = {
  readonly title: string;
  /** 执业证书编码 / 执业药师注册证编号. */
  readonly licenceNumber: string;
  /** "YYYY-MM-DD" (Beijing day, last valid day) or "" when the certificate does not expire. */
  readonly licenceValidUntil: string;
  /** 执业范围 codes of practiceScopes.ts, sorted, unique. */
  readonly scopeCodes: string[];
  /** 诊疗科目 codes, sorted, unique. */
  readonly departmentCodes: string[];
  /** Pharmacists: whole years of recorded dispensing experience; 0 for others. */
  readonly dispensingYears: number;
  readonly affiliation: Affiliation;
};

/** Fixed at registration. The ID number is stored sealed (ciphertext from the application), never in clear. */
export type PersonFacts = {
  readonly name: string;
  readonly idNumberSealed: string;
  readonly profession: Profession;
  readonly mainInstitutionName: string;
  readonly mainInstitutionIsHost: boolean;
  /** "YYYY-MM-DD": independent practice began. */
  readonly practiceStartedOn: string;
  /** Hex SHA-256 of the photo on file. */
  readonly photoHash: string;
};

export interface Practitioner {
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly person: PersonFacts;
  readonly practice: Practice;
  readonly status: PractitionerStatus;
  /** Where a reinstatement returns to. */
  readonly statusBeforeSuspension: "PENDING" | "ACTIVE";
  /** Ever enabled: from then on status and practice changes produce staff records (REP-03). */
  readonly everEnabled: boolean;
  readonly registryVerified: boolean;
  readonly registryFailure: RegistryFailure | "";
  readonly eLicenceReference: string;
  readonly identityVerified: boolean;
  readonly consentReference: string;
  readonly filingReference: string;
  /** CredentialExpired was recorded for the current licence validity. */
  readonly credentialExpired: boolean;
}

/** What the decider needs to know about the institution, read by the application from the institution stream. */
export interface InstitutionFacts {
  readonly institutionId: string;
  /** Approved 诊疗科目. */
  readonly subjectCodes: readonly string[];
}

/** The jurisdiction settings the decision uses (XC-08), from the profile in effect. */
export interface EligibilitySettings {
  readonly physicianMinIndependentYears: number;
  readonly pharmacistMinYears: number;
  readonly reviewerAffiliations: readonly ReviewerAffiliation[];
}
