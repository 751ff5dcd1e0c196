import { RecordSigned } from "@ihp/contracts/records";
import type { StoredEvent } from "@ihp/eventsourcing";
import { type BusMessage, envelopedMessage } from "@ihp/messaging";
import type { RecordAttestedData, RecordCosignedData } from "../../domain/recordEvents.js";

const PROTO_PACKAGE = "ihp.records.v1";

/**
 * The relay's mapping (proto/ihp/records/v1/events.proto): a record that became SIGNED leaves the service as
 * RecordSigned, for the regulator feed's EMR category (REP-04) — ids, version, time and the signature's hash and
 * certificate, built field by field. Drafts, trainee signatures awaiting co-signature, reads and everything else stay
 * private (null).
 */
export function recordsEventMessage(stored: StoredEvent): BusMessage | null {
  const message = recordSignedOf(stored);
  if (message === null) return null;
  return envelopedMessage(stored, {
    subject: `${PROTO_PACKAGE}.RecordSigned`,
    type: "RecordSigned",
    contentType: `application/x-protobuf; proto=${PROTO_PACKAGE}.RecordSigned`,
    payload: RecordSigned.encode(message).finish(),
  });
}

function recordSignedOf(stored: StoredEvent): RecordSigned | null {
  let data: RecordAttestedData | RecordCosignedData;
  let cosigned: boolean;
  if (stored.type === "RecordAttested") {
    data = stored.data as unknown as RecordAttestedData;
    if (data.status !== "SIGNED") return null;
    cosigned = false;
  } else if (stored.type === "RecordCosigned") {
    data = stored.data as unknown as RecordCosignedData;
    cosigned = true;
  } else {
    return null;
  }
  return {
    recordId: data.documentId,
    // The signer acts for the custodian (the decider refuses a signer of another institution).
    institutionId: data.contribution.committer.institutionId,
    version: data.version,
    signerId: data.signature.signerId,
    cosigned,
    signedAt: data.completedAt,
    documentHash: data.signature.documentHash,
    signatureCertificateSerial: data.signature.certificateSerial,
    signatureAlgorithm: data.signature.algorithm,
  };
}
