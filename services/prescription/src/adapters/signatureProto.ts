import {
  Profession,
  professionFromJSON,
  professionToJSON,
  type Signature,
  SignatureAlgorithm,
  signatureAlgorithmFromJSON,
  signatureAlgorithmToJSON,
} from "@ihp/contracts/identity";
import type { SignatureRecord } from "../domain/prescriptions/index.js";

export function signatureToProto(record: SignatureRecord): Signature {
  return {
    signerId: record.signerId,
    signerProfession: professionFromJSON(record.signerProfession),
    certificateSerial: record.certificateSerial,
    algorithm: signatureAlgorithmFromJSON(record.algorithm),
    value: Buffer.from(record.valueBase64, "base64"),
    signedAt: record.signedAt,
    documentHash: Buffer.from(record.documentHashBase64, "base64"),
  };
}

export function signatureFromProto(signature: Signature | undefined): SignatureRecord {
  return {
    signerId: signature?.signerId ?? "",
    signerProfession: professionToJSON(signature?.signerProfession ?? Profession.PROFESSION_UNSPECIFIED),
    certificateSerial: signature?.certificateSerial ?? "",
    algorithm: signatureAlgorithmToJSON(signature?.algorithm ?? SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED),
    valueBase64: Buffer.from(signature?.value ?? Buffer.alloc(0)).toString("base64"),
    signedAt: signature?.signedAt ?? "",
    documentHashBase64: Buffer.from(signature?.documentHash ?? Buffer.alloc(0)).toString("base64"),
  };
}
