import { PrescriptionSigned, PrescriptionVoided } from "@ihp/contracts/prescription";
import { decodeEnvelope, type DeliveredMessage } from "@ihp/messaging";
import type { MessageOrigin } from "../../application/receiving.js";
import type { PrescriptionDocument } from "../../domain/types.js";
import { signatureFromProto } from "../signatures.js";

export const PRESCRIPTION_SUBJECTS: readonly string[] = [
  "ihp.prescription.v1.PrescriptionSigned",
  "ihp.prescription.v1.PrescriptionVoided",
];

export type PrescriptionMessage =
  | { readonly kind: "signed"; readonly document: PrescriptionDocument; readonly origin: MessageOrigin }
  | {
      readonly kind: "voided";
      readonly voided: {
        readonly prescriptionId: string;
        readonly serialNumber: string;
        readonly institutionId: string;
        readonly reason: string;
        readonly voidedAt: string;
      };
      readonly origin: MessageOrigin;
    }
  | { readonly kind: "ignored"; readonly type: string };

/** Not a prescription integration event this service can read; the message names ids only, so it may be logged. */
export class UndecodableMessageError extends Error {
  override readonly name = "UndecodableMessageError";
  readonly code = "PRESCRIPTION_MESSAGE_UNDECODABLE";
}

/** An EventEnvelope from the prescription service's relay, its protobuf payload decoded into what the pharmacy keeps. */
export function decodePrescriptionMessage(message: DeliveredMessage): PrescriptionMessage {
  let decoded: ReturnType<typeof decodeEnvelope>;
  try {
    decoded = decodeEnvelope(message);
  } catch (error) {
    throw new UndecodableMessageError(`message ${message.id}: not an event envelope`, { cause: error });
  }
  const { envelope } = decoded;
  const origin: MessageOrigin = {
    messageId: envelope.id,
    correlationId: envelope.metadata?.correlationId ?? "",
    traceparent: envelope.metadata?.traceparent ?? "",
    tracestate: envelope.metadata?.tracestate ?? "",
  };
  const expected = (type: string): void => {
    if (!envelope.contentType.startsWith("application/x-protobuf")) {
      throw new UndecodableMessageError(`message ${message.id}: ${type} is not protobuf (${envelope.contentType})`);
    }
  };
  try {
    switch (envelope.type) {
      case "PrescriptionSigned": {
        expected(envelope.type);
        const signed = PrescriptionSigned.decode(envelope.payload);
        return { kind: "signed", document: documentOf(signed), origin };
      }
      case "PrescriptionVoided": {
        expected(envelope.type);
        const { prescriptionId, serialNumber, institutionId, reason, voidedAt } = PrescriptionVoided.decode(envelope.payload);
        return { kind: "voided", voided: { prescriptionId, serialNumber, institutionId, reason, voidedAt }, origin };
      }
      default:
        return { kind: "ignored", type: envelope.type };
    }
  } catch (error) {
    if (error instanceof UndecodableMessageError) throw error;
    throw new UndecodableMessageError(`message ${message.id}: ${envelope.type} payload does not decode`, { cause: error });
  }
}

function documentOf(signed: PrescriptionSigned): PrescriptionDocument {
  return {
    prescriptionId: signed.prescriptionId,
    serialNumber: signed.serialNumber,
    version: signed.version,
    predecessorSerialNumber: signed.predecessorSerialNumber,
    consultId: signed.consultId,
    institutionId: signed.institutionId,
    jurisdiction: signed.jurisdiction,
    patientId: signed.patientId,
    physicianId: signed.physicianId,
    issuedOn: signed.issuedOn,
    validUntil: signed.validUntil,
    lines: signed.lines.map((line) => ({ ...line })),
    diagnosisCodes: [...signed.diagnosisCodes],
    patientBirthDate: signed.patientBirthDate,
    canonicalDocumentBase64: Buffer.from(signed.canonicalDocument).toString("base64"),
    physicianSignature: signatureFromProto(signed.signature),
  };
}
