import { type Acting, commandPipeline, type EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, denialError, requireHuman } from "@ihp/platform";
import { refusal } from "../domain/errors.js";
import {
  type PrescriptionCommand,
  prescriptionDecider,
  type PrescriptionState,
  type PrescriptionVersion,
  requireEligibleReviewer,
  requireReason,
  requireReviewable,
} from "../domain/prescription/index.js";
import type { Caller } from "./caller.js";
import { derivedId, prescriptionStreamId, requireRequestId, requireVersionRef, versionResource } from "./ids.js";
import { authorizeOn, type PharmacyAction, permitted, roleGate } from "./policy.js";
import type { IdentityPort, LogisticsPort } from "./ports.js";
import { type PrescriptionView, toPrescriptionEvent, viewOf } from "./prescriptionViews.js";
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
 * Commands on a prescription version: role gate → ids → the command pipeline: read the version once → tenant or
 * patient relationship → a repeated request id answers as before → (for decisions: the reviewer check and the
 * pharmacist's signature through identity; for dispatch: the carrier) → decide and append. Every refusal, ours or
 * identity's, is recorded before it is returned (XC-02).
 */
export function createPrescriptionCommands(options: PrescriptionCommandsOptions): PrescriptionCommands {
  const { store, audit, identity, logistics, clock } = options;
  const pipeline = commandPipeline(store, prescriptionDecider, { newEventId: options.newEventId, toDomainEvent: toPrescriptionEvent });

  /** What a command on a version knows once the version is read and the caller may act on it. */
  interface Target {
    readonly state: PrescriptionState;
    readonly version: PrescriptionVersion;
    readonly requestId: string;
    readonly now: Date;
  }

  /**
   * Runs one pharmacy act on a version. `prepare` gets the version (read once) and returns the command; it runs only
   * for a new request id, after the caller's tenant or patient relationship was checked on that version.
   */
  async function act(
    action: PharmacyAction,
    caller: Caller,
    input: VersionInput,
    prepare: (target: Target) => PrescriptionCommand | Promise<PrescriptionCommand>,
    profileVersion?: (target: Target) => string,
  ): Promise<PrescriptionView> {
    const gate = roleGate(action, caller.principal);
    if (!gate.allowed) throw denialError(gate);
    if (CLINICAL.has(action)) requireHuman(caller.principal);
    const ref = requireVersionRef(input.prescriptionId, input.serialNumber);
    const requestId = requireRequestId(input.requestId);
    const now = clock();
    let profile: string | undefined;
    const result = await pipeline({
      streamId: prescriptionStreamId(ref),
      requestId,
      now,
      acting: (state): Acting => {
        const version = state.version;
        if (version === undefined) throw refusal("PRESCRIPTION_NOT_FOUND");
        const { institutionId, patientId } = version.document;
        const role = permitted(authorizeOn(action, caller.principal, { institutionId, patientId }));
        // PHA-03: never editable, whatever the request id.
        if (action === "AmendPrescriptionLines") throw refusal("LINES_NOT_EDITABLE");
        return { actorId: caller.principal.subject, role, tenantId: institutionId, correlationId: caller.correlationId, trace: caller.trace };
      },
      prepare: async (state) => {
        const target = { state, version: state.version!, requestId, now };
        profile = profileVersion?.(target);
        return prepare(target);
      },
      profileVersionOf: () => profile,
    });
    const view = viewOf(result.state, result.revision);
    if (view === undefined) throw refusal("PRESCRIPTION_NOT_FOUND");
    return view;
  }

  function decide(kind: DecisionKind, caller: Caller, input: VersionInput, reasonCode: string): Promise<PrescriptionView> {
    let policyVersion = "";
    return act(
      kind,
      caller,
      input,
      async ({ state, version, requestId, now }) => {
        const { document } = version;
        // Ask before anything is signed: a signature for a decision that would be refused must not exist.
        requireReviewable(state);
        const { policy, version: profileVersion } = reviewerPolicy(document.jurisdiction, now);
        policyVersion = profileVersion;
        const call = { token: caller.token, deadline: caller.deadline };
        const pharmacistId = caller.principal.subject;
        if (kind !== "ApprovePrescription") requireReason(reasonCode, kind === "ReturnPrescription" ? options.returnReasons : options.rejectReasons);
        const reviewer = await identity.checkReviewer({ pharmacistId, institutionId: document.institutionId }, call);
        requireEligibleReviewer(reviewer, policy);
        const signature = await identity.signDocument(
          {
            requestId,
            documentType: "PHARMACIST_REVIEW",
            // Identity's document ids allow letters, digits and . _ : - only.
            documentId: `${document.prescriptionId}:${document.serialNumber}`,
            canonicalDocument: Buffer.from(document.canonicalDocumentBase64, "base64"),
            prescriptionId: document.prescriptionId,
          },
          call,
        );
        const base = { pharmacistId, reviewer, policy, signature, at: now };
        return kind === "ApprovePrescription"
          ? { type: kind, ...base }
          : kind === "ReturnPrescription"
            ? { type: kind, ...base, reasonCode, allowedReasons: options.returnReasons }
            : { type: kind, ...base, reasonCode, allowedReasons: options.rejectReasons };
      },
      () => policyVersion,
    );
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

    // PHA-03: refused after the usual checks (role, version, tenant), even for a request id used before.
    amendLines: recorded("AmendPrescriptionLines", (caller, input) =>
      act("AmendPrescriptionLines", caller, input, () => {
        throw refusal("LINES_NOT_EDITABLE");
      }),
    ),

    recordPayment: recorded("RecordPayment", (caller, input: VersionInput & { paymentReference: string; amountFen: number }) =>
      act("RecordPayment", caller, input, ({ now }) => ({ type: "RecordPayment", paymentReference: input.paymentReference, amountFen: input.amountFen, at: now })),
    ),

    // IDN-08: dispensing is not signed, so it asks identity for the pharmacist's current session itself (the signed
    // decisions have it checked with their step-up).
    dispense: recorded("DispensePrescription", (caller, input) =>
      act("DispensePrescription", caller, input, async ({ now }) => {
        await identity.checkSession({ token: caller.token, deadline: caller.deadline });
        return { type: "DispensePrescription", pharmacyId: options.pharmacyId, pharmacistId: caller.principal.subject, at: now };
      }),
    ),

    dispatch: recorded("DispatchDelivery", (caller, input: VersionInput & { destinationReference: string }) =>
      act("DispatchDelivery", caller, input, async ({ version, requestId, now }) => {
        // Checked before the carrier is asked, so no shipment exists for a dispatch that would be refused.
        if (version.dispensedAt === "") throw refusal("NOT_DISPENSED");
        if (version.delivery !== undefined) throw refusal("DELIVERY_ALREADY_DISPATCHED");
        const deliveryId = derivedId("delivery", requestId);
        const shipment = await logistics.createShipment({
          deliveryId,
          prescriptionId: version.document.prescriptionId,
          serialNumber: version.document.serialNumber,
          pharmacyId: options.pharmacyId,
          destinationReference: input.destinationReference,
          at: now,
        });
        return { type: "DispatchDelivery", deliveryId, pharmacyId: options.pharmacyId, shipment };
      }),
    ),

    syncTracking: recorded("SyncDeliveryTracking", (caller, input) =>
      act("SyncDeliveryTracking", caller, input, async ({ version, now }) => {
        const delivery = version.delivery;
        if (delivery === undefined) throw refusal("DELIVERY_NOT_DISPATCHED");
        return { type: "RecordTrackingEvents", events: await logistics.trackingEvents(delivery.trackingNumber, now) };
      }),
    ),
  };
}
