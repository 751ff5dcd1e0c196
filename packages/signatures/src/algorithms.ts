export type SignatureAlgorithmName = "ECDSA_P256_SHA256" | "SM2_SM3";

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithmName[] = ["ECDSA_P256_SHA256", "SM2_SM3"];

/** The default signer identity of GM/T 0009 (ASCII "1234567812345678"), used in Z_A for every SM2 signature. */
export const SM2_DEFAULT_USER_ID = "1234567812345678";

export function isSignatureAlgorithm(value: unknown): value is SignatureAlgorithmName {
  return value === "ECDSA_P256_SHA256" || value === "SM2_SM3";
}
