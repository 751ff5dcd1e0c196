import { professionFromJSON, professionToJSON, Signature, signatureAlgorithmFromJSON, signatureAlgorithmToJSON } from "@ihp/contracts/identity";
import type { SignatureRecord } from "../domain/prescriptions/index.js";

/** The domain keeps the enums by their proto names and the bytes as base64; the other fields are the contract's. */
export function signatureToProto({ signerProfession, algorithm, valueBase64, documentHashBase64, ...record }: SignatureRecord): Signature {
  return {
    ...record,
    signerProfession: professionFromJSON(signerProfession),
    algorithm: signatureAlgorithmFromJSON(algorithm),
    value: Buffer.from(valueBase64, "base64"),
    documentHash: Buffer.from(documentHashBase64, "base64"),
  };
}

export function signatureFromProto(signature: Signature | undefined): SignatureRecord {
  const { signerProfession, algorithm, value, documentHash, ...fields } = Signature.fromPartial(signature ?? {});
  return {
    ...fields,
    signerProfession: professionToJSON(signerProfession),
    algorithm: signatureAlgorithmToJSON(algorithm),
    valueBase64: Buffer.from(value).toString("base64"),
    documentHashBase64: Buffer.from(documentHash).toString("base64"),
  };
}
