import { RecordSigned } from "@ihp/contracts/records";
import { type FactDecoder, sourceMessageDecoder } from "./sourceEnvelope.js";

// The records events the feed reports (REP-04, EMR category); anything else on ihp.records.v1.> is ignored.
const DECODERS: Readonly<Record<string, FactDecoder>> = {
  RecordSigned: (payload) => ({ ...RecordSigned.decode(payload), type: "RecordSigned" }),
};

/** Reads an ihp.records.v1 bus message (content type "application/x-protobuf; proto=ihp.records.v1.<Type>"). */
export const decodeRecordsMessage = sourceMessageDecoder("ihp.records.v1", DECODERS);
