import { signatureAlgorithmToJSON } from "@ihp/contracts/identity";
import { PrescriptionSigned, PrescriptionVoided } from "@ihp/contracts/prescription";
import { type FactDecoder, sourceMessageDecoder } from "./sourceEnvelope.js";

// The prescription events the feed reports (REP-04); anything else on ihp.prescription.v1.> is ignored.
const DECODERS: Readonly<Record<string, FactDecoder>> = {
  PrescriptionSigned: (payload) => {
    const signed = PrescriptionSigned.decode(payload);
    const { signature } = signed;
    return {
      ...signed,
      type: "PrescriptionSigned",
      signature: signature === undefined ? undefined : { ...signature, algorithm: signatureAlgorithmToJSON(signature.algorithm) },
    };
  },
  PrescriptionVoided: (payload) => ({ ...PrescriptionVoided.decode(payload), type: "PrescriptionVoided" }),
};

/** Reads an ihp.prescription.v1 bus message (content type "application/x-protobuf; proto=ihp.prescription.v1.<Type>"). */
export const decodePrescriptionMessage = sourceMessageDecoder("ihp.prescription.v1", DECODERS);
