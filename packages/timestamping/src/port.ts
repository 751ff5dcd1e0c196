/**
 * Trusted timestamps (REC-07): every signature on a record is dated by a time-stamping authority, not by the
 * server's own clock. The port is the protocol-neutral shape: an RFC 3161 adapter implements it over HTTP; a
 * GM/T 0033 (时间戳规范, the Chinese profile: SM3 digests, SM2-signed tokens) adapter can implement the same
 * interface later, which is why the digest names its algorithm and the token names its profile.
 */

export type DigestAlgorithm = "SHA-256" | "SM3";

export interface Digest {
  readonly algorithm: DigestAlgorithm;
  /** The digest bytes (32 for both SHA-256 and SM3). */
  readonly value: Uint8Array;
}

export type TimestampProfile = "RFC3161" | "GMT0033";

/** What a TSA vouches for: this digest existed at genTime. */
export interface VerifiedTimestamp {
  readonly profile: TimestampProfile;
  /** The time the TSA states (TSTInfo.genTime). */
  readonly genTime: Date;
  /** The TSA's serial number of the token, hex. */
  readonly serialNumber: string;
  /** The TSA policy the token was issued under (OID). */
  readonly policy: string;
  readonly digest: Digest;
}

export interface TimestampToken extends VerifiedTimestamp {
  /** The token as the TSA returned it (for RFC 3161: the DER TimeStampToken, a CMS SignedData ContentInfo). */
  readonly token: Uint8Array;
}

export interface TimestampAuthority {
  readonly profile: TimestampProfile;
  /**
   * Asks the TSA to date the digest; the token is verified against the configured TSA certificate before it is
   * returned, and refused with TIMESTAMP_CLOCK_SKEW when the TSA's time and the local clock differ by more than the
   * configured threshold (signing stops: the server clock cannot be trusted to date anything).
   */
  stamp(digest: Digest): Promise<TimestampToken>;
  /** Verifies a stored token: signed by the configured TSA certificate, over exactly this digest. */
  verify(token: Uint8Array, digest: Digest): Promise<VerifiedTimestamp>;
}
