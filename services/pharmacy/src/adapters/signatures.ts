import { enumName } from "@ihp/contracts";
import { Profession, professionFromJSON, type Signature, SignatureAlgorithm, signatureAlgorithmFromJSON } from "@ihp/contracts/identity";
import type { SignatureData } from "../domain/types.js";

const PROFESSION_PREFIX = "PROFESSION_";
const ALGORITHM_PREFIX = "SIGNATURE_ALGORITHM_";

/** The contract's Signature as the pharmacy stores it (enum names without prefix, "" when not set; bytes as base64 and hex). */
export function signatureFromProto(signature: Signature | undefined): SignatureData {
  if (signature === undefined) {
    return { signerId: "", signerProfession: "", certificateSerial: "", algorithm: "", valueBase64: "", signedAt: "", documentHashHex: "" };
  }
  return {
    signerId: signature.signerId,
    signerProfession: enumName(PROFESSION_PREFIX, signature.signerProfession) ?? "",
    certificateSerial: signature.certificateSerial,
    algorithm: enumName(ALGORITHM_PREFIX, signature.algorithm) ?? "",
    valueBase64: Buffer.from(signature.value).toString("base64"),
    signedAt: signature.signedAt,
    documentHashHex: Buffer.from(signature.documentHash).toString("hex"),
  };
}

export function signatureToProto(signature: SignatureData): Signature {
  const profession = professionFromJSON(`${PROFESSION_PREFIX}${signature.signerProfession}`);
  const algorithm = signatureAlgorithmFromJSON(`${ALGORITHM_PREFIX}${signature.algorithm}`);
  return {
    signerId: signature.signerId,
    signerProfession: profession === Profession.UNRECOGNIZED ? Profession.PROFESSION_UNSPECIFIED : profession,
    certificateSerial: signature.certificateSerial,
    algorithm: algorithm === SignatureAlgorithm.UNRECOGNIZED ? SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED : algorithm,
    value: Buffer.from(signature.valueBase64, "base64"),
    signedAt: signature.signedAt,
    documentHash: Buffer.from(signature.documentHashHex, "hex"),
  };
}
