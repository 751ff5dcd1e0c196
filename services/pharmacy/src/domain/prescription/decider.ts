import { type Decider, refusing } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import { screenPrescription } from "../screening.js";
import type { DeliveryStatus } from "../types.js";
import type {
  ApprovePrescription,
  DispatchDelivery,
  DispensePrescription,
  PrescriptionCommand,
  ReceivePrescription,
  RecordPayment,
  RecordTrackingEvents,
  RejectPrescription,
  ReturnPrescription,
  VoidPrescription,
} from "./commands.js";
import type { PrescriptionEvent, ReviewDecisionData } from "./events.js";
import {
  canMove,
  received,
  requireDeliveryStatus,
  requireDispensable,
  requireDocument,
  requireEligibleReviewer,
  requirePayment,
  requirePharmacistSignature,
  requirePharmacyId,
  requireReason,
  requireReviewable,
  requireShipment,
} from "./rules.js";
import { NOTHING_RECEIVED, type PrescriptionState, type PrescriptionVersion } from "./state.js";

type Decision = readonly PrescriptionEvent[];

function receive(command: ReceivePrescription, state: PrescriptionState): Decision {
  if (state.version !== undefined) throw refusal("PRESCRIPTION_ALREADY_RECEIVED");
  const document = requireDocument(command.document);
  const at = command.at.toISOString();
  const receivedEvent: PrescriptionEvent = { type: "PrescriptionReceived", data: { document, receivedAt: at } };
  // Voided before it arrived: recorded for the trail, never queued.
  if (state.voided) return [receivedEvent];
  if (!command.physicianSignatureCheck.valid) {
    const reasonCode = command.physicianSignatureCheck.reasonCode === "" ? "SIGNATURE_INVALID" : command.physicianSignatureCheck.reasonCode;
    return [receivedEvent, { type: "PrescriptionSignatureHeld", data: { reasonCode, heldAt: at } }];
  }
  // PHA-04: screening only queues the version with its findings; approval needs the pharmacist's signed decision.
  const findings = screenPrescription({
    lines: document.lines,
    patientBirthDate: document.patientBirthDate,
    issuedOn: document.issuedOn,
    catalogue: command.catalogue,
  });
  return [receivedEvent, { type: "PrescriptionQueuedForReview", data: { findings, queuedAt: at } }];
}

function decision(command: ApprovePrescription | ReturnPrescription | RejectPrescription, state: PrescriptionState): ReviewDecisionData {
  const version = requireReviewable(state);
  requireEligibleReviewer(command.reviewer, command.policy);
  requirePharmacistSignature(command.signature, command.pharmacistId, version);
  return {
    pharmacistId: command.pharmacistId,
    reviewer: command.reviewer,
    signature: command.signature,
    reviewedAt: command.at.toISOString(),
  };
}

function approve(command: ApprovePrescription, state: PrescriptionState): Decision {
  return [{ type: "PrescriptionApproved", data: decision(command, state) }];
}

function returnIt(command: ReturnPrescription, state: PrescriptionState): Decision {
  requireReviewable(state);
  const reasonCode = requireReason(command.reasonCode, command.allowedReasons);
  return [{ type: "PrescriptionReturned", data: { ...decision(command, state), reasonCode } }];
}

function reject(command: RejectPrescription, state: PrescriptionState): Decision {
  requireReviewable(state);
  const reasonCode = requireReason(command.reasonCode, command.allowedReasons);
  return [{ type: "PrescriptionRejected", data: { ...decision(command, state), reasonCode } }];
}

function voidIt(command: VoidPrescription, state: PrescriptionState): Decision {
  if (state.voided) return [];
  return [{ type: "PrescriptionVoided", data: { reason: command.reason.slice(0, 200), voidedAt: command.voidedAt } }];
}

function recordPayment(command: RecordPayment, state: PrescriptionState): Decision {
  const version = requireDispensable(state, command.at);
  if (version.paidAt !== "") throw refusal("PAYMENT_ALREADY_RECORDED");
  requirePayment(command.paymentReference, command.amountFen);
  const data = { paymentReference: command.paymentReference, amountFen: command.amountFen, paidAt: command.at.toISOString() };
  return [{ type: "PaymentRecorded", data }];
}

function dispense(command: DispensePrescription, state: PrescriptionState): Decision {
  const version = requireDispensable(state, command.at);
  if (version.dispensedAt !== "") throw refusal("ALREADY_DISPENSED");
  if (version.paidAt === "") throw refusal("PAYMENT_NOT_RECORDED");
  const pharmacyId = requirePharmacyId(command.pharmacyId);
  const data = { pharmacyId, pharmacistId: command.pharmacistId, dispensedAt: command.at.toISOString() };
  return [{ type: "PrescriptionDispensed", data }];
}

function dispatch(command: DispatchDelivery, state: PrescriptionState): Decision {
  const version = received(state);
  if (version.dispensedAt === "") throw refusal("NOT_DISPENSED");
  if (version.delivery !== undefined) throw refusal("DELIVERY_ALREADY_DISPATCHED");
  const pharmacyId = requirePharmacyId(command.pharmacyId);
  const shipment = requireShipment(command.shipment, command.deliveryId);
  return [{ type: "DeliveryDispatched", data: { deliveryId: command.deliveryId, pharmacyId, ...shipment } }];
}

function track(command: RecordTrackingEvents, state: PrescriptionState): Decision {
  const delivery = received(state).delivery;
  if (delivery === undefined) throw refusal("DELIVERY_NOT_DISPATCHED");
  const events: PrescriptionEvent[] = [];
  let current: DeliveryStatus = delivery.status;
  let lastAt = delivery.statusAt;
  for (const event of command.events) {
    const status = requireDeliveryStatus(event.status, event.at);
    // Already recorded (a repeated sync) or older than what we have: nothing new.
    const at = new Date(event.at).toISOString();
    if (status === current || Date.parse(at) <= Date.parse(lastAt)) continue;
    if (!canMove(current, status)) throw refusal("DELIVERY_STATUS_NOT_ALLOWED");
    events.push({ type: "DeliveryStatusChanged", data: { deliveryId: delivery.deliveryId, status, at } });
    current = status;
    lastAt = at;
  }
  return events;
}

function decide(command: PrescriptionCommand, state: PrescriptionState): Decision {
  switch (command.type) {
    case "ReceivePrescription":
      return receive(command, state);
    case "ApprovePrescription":
      return approve(command, state);
    case "ReturnPrescription":
      return returnIt(command, state);
    case "RejectPrescription":
      return reject(command, state);
    case "VoidPrescription":
      return voidIt(command, state);
    case "RecordPayment":
      return recordPayment(command, state);
    case "DispensePrescription":
      return dispense(command, state);
    case "DispatchDelivery":
      return dispatch(command, state);
    case "RecordTrackingEvents":
      return track(command, state);
  }
}

function withVersion(state: PrescriptionState, change: (version: PrescriptionVersion) => PrescriptionVersion): PrescriptionState {
  return state.version === undefined ? state : { ...state, version: change(state.version) };
}

function evolve(state: PrescriptionState, event: PrescriptionEvent): PrescriptionState {
  switch (event.type) {
    case "PrescriptionReceived":
      return {
        ...state,
        version: {
          document: event.data.document,
          review: "signed",
          receivedAt: event.data.receivedAt,
          findings: [],
          reasonCode: "",
          pharmacistId: "",
          reviewedAt: "",
          reviewSignature: undefined,
          paidAt: "",
          dispensedAt: "",
          delivery: undefined,
        },
      };
    case "PrescriptionQueuedForReview":
      return withVersion(state, (v) => ({ ...v, review: "under_review", findings: event.data.findings }));
    case "PrescriptionSignatureHeld":
      return withVersion(state, (v) => ({ ...v, review: "signature_invalid", reasonCode: event.data.reasonCode }));
    case "PrescriptionApproved":
      return withVersion(state, (v) => ({
        ...v,
        review: "approved",
        pharmacistId: event.data.pharmacistId,
        reviewedAt: event.data.reviewedAt,
        reviewSignature: event.data.signature,
      }));
    case "PrescriptionReturned":
    case "PrescriptionRejected": {
      const review = event.type === "PrescriptionReturned" ? "returned" : "rejected";
      const { pharmacistId, reviewedAt, reasonCode, signature } = event.data;
      return withVersion(state, (v) => ({ ...v, review, pharmacistId, reviewedAt, reasonCode, reviewSignature: signature }));
    }
    case "PrescriptionVoided":
      return { ...state, voided: true };
    case "PaymentRecorded":
      return withVersion(state, (v) => ({ ...v, paidAt: event.data.paidAt }));
    case "PrescriptionDispensed":
      return withVersion(state, (v) => ({ ...v, dispensedAt: event.data.dispensedAt }));
    case "DeliveryDispatched": {
      const { deliveryId, carrier, agreementId, trackingNumber, handedOverAt } = event.data;
      const delivery = { deliveryId, carrier, agreementId, trackingNumber, handedOverAt, status: "DISPATCHED" as const, statusAt: handedOverAt };
      return withVersion(state, (v) => ({ ...v, delivery }));
    }
    case "DeliveryStatusChanged": {
      const status = event.data.status as DeliveryStatus;
      return withVersion(state, (v) => (v.delivery === undefined ? v : { ...v, delivery: { ...v.delivery, status, statusAt: event.data.at } }));
    }
  }
}

/**
 * One signed prescription version in the pharmacy (stream pharmacy-rx-<prescriptionId>-<serial>): receipt and
 * screening, the pharmacist's signed decision, payment, dispensing and delivery. Rules live in rules.ts.
 */
export const prescriptionDecider: Decider<PrescriptionCommand, PrescriptionEvent, PrescriptionState> = {
  initialState: NOTHING_RECEIVED,
  evolve,
  decide: refusing(decide),
};
