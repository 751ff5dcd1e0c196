/** Identity documents a patient may register with (实名制, IDN-07). */
export const ID_DOCUMENT_TYPES = [
  "RESIDENT_ID_CARD",
  "PASSPORT",
  "HK_MACAO_PERMIT",
  "TAIWAN_PERMIT",
  "FOREIGNER_PERMANENT_RESIDENCE",
] as const;
export type IdDocumentType = (typeof ID_DOCUMENT_TYPES)[number];

/** As the access contract spells it: male, female, unknown. */
export const SEXES = ["M", "F", "U"] as const;
export type Sex = (typeof SEXES)[number];

/** How real-name verification passed. A face match needs the person; a document check needs staff at a counter. */
export const VERIFICATION_METHODS = ["ID_CARD_FACE_MATCH", "IN_PERSON_DOCUMENT_CHECK"] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** Who may stand for a minor (Civil Code arts. 27–28, in order); LEGAL_GUARDIAN covers one appointed by a court. */
export const GUARDIAN_RELATIONSHIPS = ["PARENT", "GRANDPARENT", "ADULT_SIBLING", "LEGAL_GUARDIAN"] as const;
export type GuardianRelationship = (typeof GUARDIAN_RELATIONSHIPS)[number];

/**
 * Name and ID number as stored: sealed with the patient's own data key (envelope encryption, ARCHITECTURE §5), so
 * destroying that key erases them while the hash chain, which hashes the ciphertext, still verifies.
 */
export type ProtectedIdentity = {
  readonly sealedName: string;
  readonly sealedIdNumber: string;
  /** Keyed blind index (HMAC) of document type and number: finds a second registration without storing the number. */
  readonly idNumberIndex: string;
};

export type Guardianship = {
  readonly guardianId: string;
  readonly relationship: GuardianRelationship;
  /** Where the proof of the relationship is kept (e.g. a scan of the 户口簿 in the document store), not the proof. */
  readonly evidenceReference: string;
  readonly verified: boolean;
  readonly verificationMethod: string;
};

/** A registered patient as the events describe it; the principal subject of a patient is its patientId. */
export interface Patient {
  readonly patientId: string;
  readonly idType: IdDocumentType;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly sex: Sex;
  readonly identity: ProtectedIdentity;
  /** How real-name verification passed; undefined until it has. */
  readonly verification: { readonly method: VerificationMethod } | undefined;
  /** Guardians of this patient while a minor, by guardian id. */
  readonly guardians: readonly Guardianship[];
}
