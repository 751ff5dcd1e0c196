import { given } from "@ihp/testing";
import { describe, it } from "vitest";
import { type PrescriptionEvent, prescriptionDecider } from "../src/domain/prescription/index.js";
import { AT, document, PHARMACIST, pharmacistSignature, QUALIFIED } from "./support/fixtures.js";

const at = AT.toISOString();
const received: PrescriptionEvent = { type: "PrescriptionReceived", data: { document: document(), receivedAt: at } };
const queued: PrescriptionEvent = { type: "PrescriptionQueuedForReview", data: { findings: [], queuedAt: at } };
const decision = { pharmacistId: PHARMACIST, reviewer: QUALIFIED, signature: pharmacistSignature(), reviewedAt: at };
const approved: PrescriptionEvent = { type: "PrescriptionApproved", data: decision };
const paid: PrescriptionEvent = { type: "PaymentRecorded", data: { paymentReference: "PAY-0001", amountFen: 2350, paidAt: at } };
const dispensed: PrescriptionEvent = {
  type: "PrescriptionDispensed",
  data: { pharmacyId: "pharmacy-1", pharmacistId: PHARMACIST, dispensedAt: at },
};
const shipment = { carrier: "LOCAL-COURIER", agreementId: "AGR-2026-01", trackingNumber: "LC0000000001", handedOverAt: "2026-03-02T03:00:00.000Z" };
const dispatched: PrescriptionEvent = {
  type: "DeliveryDispatched",
  data: { deliveryId: "delivery-1", pharmacyId: "pharmacy-1", ...shipment },
};

const pay = (when: Date = AT) => ({ type: "RecordPayment" as const, paymentReference: "PAY-0001", amountFen: 2350, at: when });
const dispense = (when: Date = AT) => ({ type: "DispensePrescription" as const, pharmacyId: "pharmacy-1", pharmacistId: PHARMACIST, at: when });
// valid_until is 2026-03-04 (Beijing): the last valid day ends at 2026-03-04T16:00Z.
const LAST_MOMENT = new Date("2026-03-04T15:59:59Z");
const DAY_AFTER = new Date("2026-03-04T16:00:00Z");

describe("payment and dispensing gate", () => {
  it("PHA-01: payment and dispensing fail before approval", () => {
    given(prescriptionDecider, [received, queued]).when(pay()).thenError("REVIEW_NOT_APPROVED", "PHA-01");
    given(prescriptionDecider, [received, queued]).when(dispense()).thenError("REVIEW_NOT_APPROVED", "PHA-01");
    const returned: PrescriptionEvent = { type: "PrescriptionReturned", data: { ...decision, reasonCode: "DOSE_INAPPROPRIATE" } };
    given(prescriptionDecider, [received, queued, returned]).when(pay()).thenError("REVIEW_NOT_APPROVED");
  });

  it("PHA-01: records payment, then dispensing, once approved", () => {
    given(prescriptionDecider, [received, queued, approved]).when(pay()).then([paid]);
    given(prescriptionDecider, [received, queued, approved, paid]).when(dispense()).then([dispensed]);
  });

  it("PHA-01: dispensing needs the payment first, and happens once", () => {
    given(prescriptionDecider, [received, queued, approved]).when(dispense()).thenError("PAYMENT_NOT_RECORDED", "PHA-01");
    given(prescriptionDecider, [received, queued, approved, paid]).when(pay()).thenError("PAYMENT_ALREADY_RECORDED");
    given(prescriptionDecider, [received, queued, approved, paid, dispensed]).when(dispense()).thenError("ALREADY_DISPENSED", "PHA-07");
  });

  it("RX-06: dispensing on the last valid day (Beijing) is allowed, the day after is RX_EXPIRED", () => {
    const history = [received, queued, approved, paid];
    given(prescriptionDecider, history)
      .when(dispense(LAST_MOMENT))
      .then([{ ...dispensed, data: { ...dispensed.data, dispensedAt: LAST_MOMENT.toISOString() } }]);
    given(prescriptionDecider, history).when(dispense(DAY_AFTER)).thenError("RX_EXPIRED", "RX-06");
    given(prescriptionDecider, [received, queued, approved]).when(pay(DAY_AFTER)).thenError("RX_EXPIRED");
  });

  it("RX-03: a voided (stale) version cannot be paid or dispensed", () => {
    const voided: PrescriptionEvent = { type: "PrescriptionVoided", data: { reason: "edited", voidedAt: at } };
    given(prescriptionDecider, [received, queued, approved, voided]).when(pay()).thenError("PRESCRIPTION_VOIDED");
  });

  it("refuses bad payment input and a bad pharmacy id", () => {
    const history = [received, queued, approved];
    given(prescriptionDecider, history).when({ ...pay(), paymentReference: "x" }).thenError("INVALID_PAYMENT");
    given(prescriptionDecider, history).when({ ...pay(), amountFen: 0 }).thenError("INVALID_PAYMENT");
    given(prescriptionDecider, [...history, paid]).when({ ...dispense(), pharmacyId: "" }).thenError("INVALID_PHARMACY_ID", "PHA-08");
  });
});

describe("delivery (PHA-08)", () => {
  const dispatch = { type: "DispatchDelivery" as const, deliveryId: "delivery-1", pharmacyId: "pharmacy-1", shipment };
  const history = [received, queued, approved, paid, dispensed];

  it("PHA-08: the dispatch names prescription, pharmacy, carrier, agreement and handover time", () => {
    given(prescriptionDecider, history).when(dispatch).then([dispatched]);
  });

  it("PHA-07: nothing is dispatched before dispensing; a dispatch happens once", () => {
    given(prescriptionDecider, [received, queued, approved, paid]).when(dispatch).thenError("NOT_DISPENSED", "PHA-07");
    given(prescriptionDecider, [...history, dispatched]).when(dispatch).thenError("DELIVERY_ALREADY_DISPATCHED", "PHA-08");
  });

  it("PHA-08: refuses a dispatch without agreement or handover time", () => {
    given(prescriptionDecider, history).when({ ...dispatch, shipment: { ...shipment, agreementId: "" } }).thenError("INVALID_SHIPMENT", "PHA-08");
    given(prescriptionDecider, history).when({ ...dispatch, shipment: { ...shipment, handedOverAt: "soon" } }).thenError("INVALID_SHIPMENT");
  });

  it("PHA-08: records each tracking status change once, in order", () => {
    const events = [
      { status: "IN_TRANSIT", at: "2026-03-02T04:00:00.000Z" },
      { status: "DELIVERED", at: "2026-03-03T02:00:00.000Z" },
    ];
    const inTransit: PrescriptionEvent = { type: "DeliveryStatusChanged", data: { deliveryId: "delivery-1", status: "IN_TRANSIT", at: events[0]!.at } };
    const delivered: PrescriptionEvent = { type: "DeliveryStatusChanged", data: { deliveryId: "delivery-1", status: "DELIVERED", at: events[1]!.at } };
    given(prescriptionDecider, [...history, dispatched]).when({ type: "RecordTrackingEvents", events }).then([inTransit, delivered]);
    given(prescriptionDecider, [...history, dispatched, inTransit, delivered]).when({ type: "RecordTrackingEvents", events }).then([]);
  });

  it("PHA-08: refuses tracking before dispatch, unknown statuses and moves out of a final status", () => {
    given(prescriptionDecider, history)
      .when({ type: "RecordTrackingEvents", events: [{ status: "IN_TRANSIT", at }] })
      .thenError("DELIVERY_NOT_DISPATCHED");
    given(prescriptionDecider, [...history, dispatched])
      .when({ type: "RecordTrackingEvents", events: [{ status: "LOST", at: "2026-03-02T05:00:00Z" }] })
      .thenError("INVALID_DELIVERY_STATUS");
    const delivered: PrescriptionEvent = { type: "DeliveryStatusChanged", data: { deliveryId: "delivery-1", status: "DELIVERED", at: "2026-03-02T05:00:00.000Z" } };
    given(prescriptionDecider, [...history, dispatched, delivered])
      .when({ type: "RecordTrackingEvents", events: [{ status: "RETURNED", at: "2026-03-02T06:00:00Z" }] })
      .thenError("DELIVERY_STATUS_NOT_ALLOWED");
  });
});
