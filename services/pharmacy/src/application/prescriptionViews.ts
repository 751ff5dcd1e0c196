import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import { refusal } from "../domain/errors.js";
import {
  isPrescriptionEventType,
  type PrescriptionEvent,
  type PrescriptionState,
  prescriptionDecider,
  type PrescriptionVersion,
  signedConsultId,
} from "../domain/prescription/index.js";
import type { PrescriptionLineData, ScreeningFinding, SignatureData } from "../domain/types.js";

/** REVIEW_STATUS_* without the prefix, as the read model and the contract's enum name them. */
export type ReviewStatusName = "SIGNED" | "SIGNATURE_INVALID" | "UNDER_REVIEW" | "APPROVED" | "RETURNED" | "REJECTED" | "VOIDED";

export interface DeliveryView {
  readonly deliveryId: string;
  readonly carrier: string;
  readonly agreementId: string;
  readonly trackingNumber: string;
  readonly handedOverAt: string;
  readonly status: string;
  readonly statusAt: string;
}

/** One prescription version as the contract's Prescription shows it, from the stream or the read model. */
export interface PrescriptionView {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly version: number;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId: string;
  /** The consult it was prescribed in, from the signed document (issue 13 item 16). */
  readonly consultId: string;
  readonly status: ReviewStatusName;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly lines: readonly PrescriptionLineData[];
  readonly diagnosisCodes: readonly string[];
  readonly findings: readonly ScreeningFinding[];
  readonly receivedAt: string;
  readonly reasonCode: string;
  readonly pharmacistId: string;
  readonly reviewedAt: string;
  readonly reviewSignature: SignatureData | undefined;
  readonly paidAt: string;
  readonly dispensedAt: string;
  readonly delivery: DeliveryView | undefined;
  readonly revision: number;
}

/**
 * A stored event of a prescription stream as the decider's event. The data was written by the decider from checked
 * values and the log is hash-chained, so the shape is trusted; any other type there is corruption.
 */
export function toPrescriptionEvent(event: StoredEvent): PrescriptionEvent {
  if (!isPrescriptionEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as PrescriptionEvent;
}

/** The stream's prescription events (refusals live in the audit streams, never here). */
export function foldPrescription(history: readonly StoredEvent[]): PrescriptionState {
  return fold(prescriptionDecider, history.map(toPrescriptionEvent));
}

export function statusOf(state: PrescriptionState): ReviewStatusName {
  if (state.voided) return "VOIDED";
  switch (state.version?.review) {
    case undefined:
    case "signed":
      return "SIGNED";
    case "signature_invalid":
      return "SIGNATURE_INVALID";
    case "under_review":
      return "UNDER_REVIEW";
    case "approved":
      return "APPROVED";
    case "returned":
      return "RETURNED";
    case "rejected":
      return "REJECTED";
  }
}

export function viewOf(state: PrescriptionState, revision: number): PrescriptionView | undefined {
  const version: PrescriptionVersion | undefined = state.version;
  if (version === undefined) return undefined;
  const { document } = version;
  return {
    prescriptionId: document.prescriptionId,
    serialNumber: document.serialNumber,
    version: document.version,
    institutionId: document.institutionId,
    patientId: document.patientId,
    physicianId: document.physicianId,
    consultId: signedConsultId(document),
    status: statusOf(state),
    issuedOn: document.issuedOn,
    validUntil: document.validUntil,
    lines: document.lines,
    diagnosisCodes: document.diagnosisCodes,
    findings: version.findings,
    receivedAt: version.receivedAt,
    reasonCode: version.reasonCode,
    pharmacistId: version.pharmacistId,
    reviewedAt: version.reviewedAt,
    reviewSignature: version.reviewSignature,
    paidAt: version.paidAt,
    dispensedAt: version.dispensedAt,
    delivery: version.delivery === undefined ? undefined : { ...version.delivery },
    revision,
  };
}

/** A version's state and stream revision; PRESCRIPTION_NOT_FOUND when it was never received. */
export async function loadPrescription(
  store: EventStore,
  streamId: string,
): Promise<{ readonly state: PrescriptionState; readonly version: PrescriptionVersion; readonly history: readonly StoredEvent[] }> {
  const history = await store.readStream(streamId);
  const state = foldPrescription(history);
  if (state.version === undefined) throw refusal("PRESCRIPTION_NOT_FOUND");
  return { state, version: state.version, history };
}

export function viewOfHistory(history: readonly StoredEvent[]): PrescriptionView | undefined {
  const last = history.at(-1);
  return last === undefined ? undefined : viewOf(foldPrescription(history), last.revision);
}
