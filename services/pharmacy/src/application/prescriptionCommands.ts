import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, denialError, requireHuman } from "@ihp/platform";
import { refusal } from "../domain/errors.js";
import {
  type PrescriptionCommand,
  type PrescriptionState,
  type PrescriptionVersion,
  requireEligibleReviewer,
  requireReason,
  requireReviewable,
} from "../domain/prescription/index.js";
import type { Caller } from "./caller.js";
import { type Acting, executeOnPrescription } from "./execute.js";
import { derivedId, prescriptionStreamId, requireRequestId, requireVersionRef, versionResource } from "./ids.js";
import { authorizeOn, type PharmacyAction, permitted, roleGate } from "./policy.js";
import type { IdentityPort, LogisticsPort } from "./ports.js";
import { loadPrescription, type PrescriptionView, viewOf, viewOfHistory } from "./prescriptionViews.js";
import { reviewerPolicy } from "./profiles.js";
import { recordingRefusals } from "@ihp/platform";

export interface PrescriptionCommandsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly identity: IdentityPort;
  readonly logistics: LogisticsPort;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly returnReasons: readonly string[];
  readonly rejectReasons: readonly string[];
  /** The dispensing pharmacy recorded on dispensing and dispatch. */
  readonly pharmacyId: string;
}

/** Names one prescription version in a mutation. */
export interface VersionInput {
  readonly requestId: string;
  readonly prescriptionId: string;
  readonly serialNumber: string;
}

export interface PrescriptionCommands {
  approve(caller: Caller, input: VersionInput): Promise<PrescriptionView>;
  returnToPrescriber(caller: Caller, input: VersionInput & { readonly reasonCode: string }): Promise<PrescriptionView>;
  reject(caller: Caller, input: VersionInput & { readonly reasonCode: string }): Promise<PrescriptionView>;
  /** PHA-03: always refused with LINES_NOT_EDITABLE, after the usual checks, and recorded. */
  amendLines(caller: Caller, input: VersionInput): Promise<PrescriptionView>;
  recordPayment(caller: Caller, input: VersionInput & { readonly paymentReference: string; readonly amountFen: number }): Promise<PrescriptionView>;
  dispense(caller: Caller, input: VersionInput): Promise<PrescriptionView>;
  dispatch(caller: Caller, input: VersionInput & { readonly destinationReference: string }): Promise<PrescriptionView>;
  syncTracking(caller: Caller, input: VersionInput): Promise<PrescriptionView>;
}

type DecisionKind = "ApprovePrescription" | "ReturnPrescription" | "RejectPrescription";

/**
 * Pharmacist acts: only a person (IDN-03, PHA-04: the pharmacist is the first responsible person), never a service or
 * bot credential, whatever roles it claims. The service credential's own writes stay: recording a payment (the payment
 * provider's callback), handing a dispensed prescription to the carrier and syncing its tracking — money and
 * logistics, no judgement about the patient's medication.
 */
const CLINICAL: ReadonlySet<PharmacyAction> = new Set<PharmacyAction>(["ApprovePrescription", "ReturnPrescription", "RejectPrescription", "AmendPrescriptionLines", "DispensePrescription"]);

/**
 * Commands on a prescription version: role gate → ids → load → tenant or patient relationship → (for decisions: the
 * reviewer check and the pharmacist's signature through identity) → decide and append, idempotent by request id.
 * Every refusal, ours or identity's, is recorded before it is returned (XC-02).
 */
export function createPrescriptionCommands(options: PrescriptionCommandsOptions): PrescriptionCommands {
  const { store, audit, identity, logistics, clock } = options;
  const executor = { store, newEventId: options.newEventId };

  interface Prepared {
    readonly streamId: string;
    readonly requestId: string;
    readonly state: PrescriptionState;
    readonly version: PrescriptionVersion;
    readonly acting: Acting;
    /** The request id was already handled: the view as it stands. */
    readonly repeat: PrescriptionView | undefined;
  }

  async function prepare(action: PharmacyAction, caller: Caller, input: VersionInput): Promise<Prepared> {
    const gate = roleGate(action, caller.principal);
    if (!gate.allowed) throw denialError(gate);
    if (CLINICAL.has(action)) requireHuman(caller.principal);
    const ref = requireVersionRef(input.prescriptionId, input.serialNumber);
    const requestId = requireRequestId(input.requestId);
    const streamId = prescriptionStreamId(ref);
    const { state, version, history } = await loadPrescription(store, streamId);
    const role = permitted(authorizeOn(action, caller.principal, { institutionId: version.document.institutionId, patientId: version.document.patientId }));
    const repeated = history.some((event) => event.metadata.requestId === requestId);
    return {
      streamId,
      requestId,
      state,
      version,
      repeat: repeated ? viewOf(state, history.at(-1)?.revision ?? 0) : undefined,
      acting: {
        actorId: caller.principal.subject,
        role,
        institutionId: version.document.institutionId,
        correlationId: caller.correlationId,
        requestId,
        trace: caller.trace,
      },
    };
  }

  async function run(prepared: Prepared, command: PrescriptionCommand, now: Date, profileVersion?: string): Promise<PrescriptionView> {
    const acting = profileVersion === undefined ? prepared.acting : { ...prepared.acting, profileVersion };
    await executeOnPrescription(executor, prepared.streamId, acting, command, now);
    const view = viewOfHistory(await store.readStream(prepared.streamId));
    if (view === undefined) throw refusal("PRESCRIPTION_NOT_FOUND");
    return view;
  }

  async function decide(kind: DecisionKind, caller: Caller, input: VersionInput, reasonCode: string): Promise<PrescriptionView> {
    const prepared = await prepare(kind, caller, input);
    if (prepared.repeat !== undefined) return prepared.repeat;
    const { version } = prepared;
    const { document } = version;
    // Ask before anything is signed: a signature for a decision that would be refused must not exist.
    requireReviewable(prepared.state);
    const now = clock();
    const { policy, version: profileVersion } = reviewerPolicy(document.jurisdiction, now);
    const call = { token: caller.token, deadline: caller.deadline };
    const pharmacistId = caller.principal.subject;
    if (kind !== "ApprovePrescription") requireReason(reasonCode, kind === "ReturnPrescription" ? options.returnReasons : options.rejectReasons);
    const reviewer = await identity.checkReviewer({ pharmacistId, institutionId: document.institutionId }, call);
    requireEligibleReviewer(reviewer, policy);
    const signature = await identity.signDocument(
      {
        requestId: prepared.requestId,
        documentType: "PHARMACIST_REVIEW",
        // Identity's document ids allow letters, digits and . _ : - only.
        documentId: `${document.prescriptionId}:${document.serialNumber}`,
        canonicalDocument: Buffer.from(document.canonicalDocumentBase64, "base64"),
        prescriptionId: document.prescriptionId,
      },
      call,
    );
    const base = { pharmacistId, reviewer, policy, signature, at: now };
    const command: PrescriptionCommand =
      kind === "ApprovePrescription"
        ? { type: kind, ...base }
        : kind === "ReturnPrescription"
          ? { type: kind, ...base, reasonCode, allowedReasons: options.returnReasons }
          : { type: kind, ...base, reasonCode, allowedReasons: options.rejectReasons };
    return run(prepared, command, now, profileVersion);
  }

  const recorded = <T extends VersionInput>(action: PharmacyAction, work: (caller: Caller, input: T) => Promise<PrescriptionView>) =>
    (caller: Caller, input: T): Promise<PrescriptionView> =>
      recordingRefusals(audit, caller, action, versionResource(input.prescriptionId, input.serialNumber), () => work(caller, input));

  return {
    approve: recorded("ApprovePrescription", (caller, input) => decide("ApprovePrescription", caller, input, "")),
    returnToPrescriber: recorded("ReturnPrescription", (caller, input: VersionInput & { reasonCode: string }) =>
      decide("ReturnPrescription", caller, input, input.reasonCode),
    ),
    reject: recorded("RejectPrescription", (caller, input: VersionInput & { reasonCode: string }) =>
      decide("RejectPrescription", caller, input, input.reasonCode),
    ),

    amendLines: recorded("AmendPrescriptionLines", async (caller, input) => {
      await prepare("AmendPrescriptionLines", caller, input);
      throw refusal("LINES_NOT_EDITABLE");
    }),

    recordPayment: recorded("RecordPayment", async (caller, input: VersionInput & { paymentReference: string; amountFen: number }) => {
      const prepared = await prepare("RecordPayment", caller, input);
      if (prepared.repeat !== undefined) return prepared.repeat;
      const now = clock();
      const command = { type: "RecordPayment" as const, paymentReference: input.paymentReference, amountFen: input.amountFen, at: now };
      return run(prepared, command, now);
    }),

    dispense: recorded("DispensePrescription", async (caller, input) => {
      const prepared = await prepare("DispensePrescription", caller, input);
      if (prepared.repeat !== undefined) return prepared.repeat;
      const now = clock();
      const command = { type: "DispensePrescription" as const, pharmacyId: options.pharmacyId, pharmacistId: caller.principal.subject, at: now };
      return run(prepared, command, now);
    }),

    dispatch: recorded("DispatchDelivery", async (caller, input: VersionInput & { destinationReference: string }) => {
      const prepared = await prepare("DispatchDelivery", caller, input);
      if (prepared.repeat !== undefined) return prepared.repeat;
      const { version } = prepared;
      // Checked before the carrier is asked, so no shipment exists for a dispatch that would be refused.
      if (version.dispensedAt === "") throw refusal("NOT_DISPENSED");
      if (version.delivery !== undefined) throw refusal("DELIVERY_ALREADY_DISPATCHED");
      const now = clock();
      const deliveryId = derivedId("delivery", prepared.requestId);
      const shipment = await logistics.createShipment({
        deliveryId,
        prescriptionId: version.document.prescriptionId,
        serialNumber: version.document.serialNumber,
        pharmacyId: options.pharmacyId,
        destinationReference: input.destinationReference,
        at: now,
      });
      return run(prepared, { type: "DispatchDelivery", deliveryId, pharmacyId: options.pharmacyId, shipment }, now);
    }),

    syncTracking: recorded("SyncDeliveryTracking", async (caller, input) => {
      const prepared = await prepare("SyncDeliveryTracking", caller, input);
      if (prepared.repeat !== undefined) return prepared.repeat;
      const delivery = prepared.version.delivery;
      if (delivery === undefined) throw refusal("DELIVERY_NOT_DISPATCHED");
      const now = clock();
      const events = await logistics.trackingEvents(delivery.trackingNumber, now);
      return run(prepared, { type: "RecordTrackingEvents", events }, now);
    }),
  };
}
