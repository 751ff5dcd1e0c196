export const SIGNING_ALGORITHMS = ["SM2_SM3", "ECDSA_P256_SHA256"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * A certificate as the CA issued it (the fields of @ihp/signatures' Certificate), kept whole so that anyone can check
 * the CA's signature on it later. A type alias of plain JSON, so it can sit in event data.
 */
export type CertificateRecord = {
  readonly version: 1;
  readonly serial: string;
  readonly subjectId: string;
  readonly subjectName: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicKey: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuer: string;
  readonly issuerAlgorithm: SigningAlgorithm;
  readonly issuerSignature: string;
};

export type SigningKey = {
  readonly certificate: CertificateRecord;
  /** The private key sealed by the key vault, bound to practitioner and serial. */
  readonly sealedPrivateKey: string;
  /** ISO instant of revocation; undefined while not revoked. */
  readonly revokedAt: string | undefined;
};

/** A practitioner's signing keys, oldest first (old certificates still verify what they signed). */
export interface SigningKeys {
  readonly practitionerId: string;
  readonly keys: readonly SigningKey[];
}
