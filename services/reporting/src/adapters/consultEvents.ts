import { ConsultCompleted, ConsultRefused, ConsultStarted, ConsultTerminated } from "@ihp/contracts/consult";
import { type FactDecoder, sourceMessageDecoder } from "./sourceEnvelope.js";

// The consult events the feed reports (REP-04); anything else on ihp.consult.v1.> is ignored.
const DECODERS: Readonly<Record<string, FactDecoder>> = {
  ConsultStarted: (payload) => ({ ...ConsultStarted.decode(payload), type: "ConsultStarted" }),
  ConsultCompleted: (payload) => ({ ...ConsultCompleted.decode(payload), type: "ConsultCompleted" }),
  ConsultTerminated: (payload) => ({ ...ConsultTerminated.decode(payload), type: "ConsultTerminated" }),
  ConsultRefused: (payload) => ({ ...ConsultRefused.decode(payload), type: "ConsultRefused" }),
};

/** Reads an ihp.consult.v1 bus message (content type "application/x-protobuf; proto=ihp.consult.v1.<Type>"). */
export const decodeConsultMessage = sourceMessageDecoder("ihp.consult.v1", DECODERS);
