import { enumName } from "@ihp/contracts";
import { Profession, professionFromJSON, Signature, SignatureAlgorithm, signatureAlgorithmFromJSON } from "@ihp/contracts/identity";
import type { SignatureData } from "../domain/types.js";

const PROFESSION_PREFIX = "PROFESSION_";
const ALGORITHM_PREFIX = "SIGNATURE_ALGORITHM_";

/** The contract's Signature as the pharmacy stores it (enum names without prefix, "" when not set; bytes as base64 and hex). */
export function signatureFromProto(signature: Signature | undefined): SignatureData {
  const { signerProfession, algorithm, value, documentHash, ...fields } = Signature.fromPartial(signature ?? {});
  return {
    ...fields,
    signerProfession: enumName(PROFESSION_PREFIX, signerProfession) ?? "",
    algorithm: enumName(ALGORITHM_PREFIX, algorithm) ?? "",
    valueBase64: Buffer.from(value).toString("base64"),
    documentHashHex: Buffer.from(documentHash).toString("hex"),
  };
}

export function signatureToProto({ signerProfession, algorithm, valueBase64, documentHashHex, ...fields }: SignatureData): Signature {
  const profession = professionFromJSON(`${PROFESSION_PREFIX}${signerProfession}`);
  const algorithmValue = signatureAlgorithmFromJSON(`${ALGORITHM_PREFIX}${algorithm}`);
  return {
    ...fields,
    signerProfession: profession === Profession.UNRECOGNIZED ? Profession.PROFESSION_UNSPECIFIED : profession,
    algorithm: algorithmValue === SignatureAlgorithm.UNRECOGNIZED ? SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED : algorithmValue,
    value: Buffer.from(valueBase64, "base64"),
    documentHash: Buffer.from(documentHashHex, "hex"),
  };
}
