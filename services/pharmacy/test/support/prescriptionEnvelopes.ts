import { PrescriptionSigned, PrescriptionVoided } from "@ihp/contracts/prescription";
import { canonicalJson, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { type BusMessage, envelopedMessage } from "@ihp/messaging";
import { signatureToProto } from "../../src/adapters/signatures.js";
import { documentHash, fakeSignatureValue } from "./inMemoryIdentity.js";

let position = 0n;

/** What the prescription service's relay would put on the bus for one of its stored events. */
function asPublished(type: string, payload: Uint8Array, streamId: string, tenantId: string): BusMessage {
  position += 1n;
  const stored: StoredEvent = {
    id: uuidv7(Date.now()),
    type,
    schemaVersion: 1,
    data: {},
    metadata: {
      actorId: "physician-0001",
      actorRole: "physician",
      tenantId,
      correlationId: `corr-${position}`,
      causationId: `req-${position}`,
      occurredAt: "2026-03-02T01:00:00.000Z",
    },
    streamId,
    revision: 0,
    position,
    recordedAt: "2026-03-02T01:00:00.000Z",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
  return envelopedMessage(stored, {
    subject: `ihp.prescription.v1.${type}`,
    type,
    contentType: `application/x-protobuf; proto=ihp.prescription.v1.${type}`,
    payload,
  });
}

export interface SignedOptions {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId?: string;
  readonly drugCode?: string;
  readonly dose?: string;
  readonly issuedOn?: string;
  readonly validUntil?: string;
  /** The consult the signed canonical document names (the message's own consult_id stays "consult-0001"). */
  readonly consultId?: string;
  /** Sign with a value the physician's key did not make. */
  readonly forged?: boolean;
}

export function signedEnvelope(options: SignedOptions): BusMessage {
  const physicianId = options.physicianId ?? "physician-0001";
  const line = {
    drugCode: options.drugCode ?? "amlodipine-besylate-tab-5mg",
    approvedName: "苯磺酸氨氯地平片",
    form: "tablet",
    strength: "5mg",
    dose: options.dose ?? "5",
    doseUnit: "mg",
    route: "PO",
    frequency: "QD",
    daysSupply: 7,
    quantity: "7",
    quantityUnit: "tablet",
  };
  const fields = {
    prescriptionId: options.prescriptionId,
    serialNumber: options.serialNumber,
    institutionId: options.institutionId,
    patientId: options.patientId,
    physicianId,
    issuedOn: options.issuedOn ?? "2026-03-02",
    validUntil: options.validUntil ?? "2026-03-04",
    lines: [line],
    ...(options.consultId === undefined ? {} : { consultId: options.consultId }),
  };
  const canonical = Buffer.from(canonicalJson(fields), "utf8");
  const hash = documentHash(canonical);
  const signature = signatureToProto({
    signerId: physicianId,
    signerProfession: "PHYSICIAN",
    certificateSerial: "CERT-PHY",
    algorithm: "ECDSA_P256_SHA256",
    valueBase64: options.forged === true ? Buffer.from("forged").toString("base64") : fakeSignatureValue(physicianId, hash),
    signedAt: "2026-03-02T01:00:00.000Z",
    documentHashHex: hash,
  });
  const message: PrescriptionSigned = {
    ...fields,
    version: 1,
    predecessorSerialNumber: "",
    consultId: "consult-0001",
    jurisdiction: "tianjin",
    diagnosisCodes: ["I10"],
    extensionReason: "",
    longTerm: false,
    canonicalDocument: canonical,
    signature,
    patientBirthDate: "1960-05-01",
    patientSex: "F",
  };
  return asPublished("PrescriptionSigned", PrescriptionSigned.encode(message).finish(), `prescription-${options.prescriptionId}`, options.institutionId);
}

export function voidedEnvelope(prescriptionId: string, serialNumber: string, institutionId: string): BusMessage {
  const message: PrescriptionVoided = { prescriptionId, serialNumber, institutionId, reason: "EDITED_AFTER_SIGNING", voidedAt: "2026-03-02T01:30:00.000Z" };
  return asPublished("PrescriptionVoided", PrescriptionVoided.encode(message).finish(), `prescription-${prescriptionId}`, institutionId);
}
