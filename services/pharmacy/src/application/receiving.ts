import { type Acting, commandPipeline, DomainError, type EventStore } from "@ihp/eventsourcing";
import type { PrescriptionDocument } from "../domain/types.js";
import { prescriptionDecider } from "../domain/prescription/index.js";
import { prescriptionStreamId } from "./ids.js";
import { toPrescriptionEvent } from "./prescriptionViews.js";
import { type CatalogueLookup, catalogueFacts, type IdentityPort } from "./ports.js";
import { profileFor } from "./profiles.js";

/** Where a bus message came from: what the events it causes record as cause, correlation and trace. */
export interface MessageOrigin {
  readonly messageId: string;
  readonly correlationId: string;
  readonly traceparent: string;
  readonly tracestate: string;
}

export interface ReceivingOptions {
  readonly store: EventStore;
  readonly identity: IdentityPort;
  readonly catalogue: CatalogueLookup;
  readonly clock: () => Date;
  readonly newEventId: () => string;
}

/** The pharmacy acting on its own (a bus consumer): recorded as actor and role on what it appends. */
export const SERVICE_ACTOR = "pharmacy-service";

export interface Receiving {
  /** A signed version from ihp.prescription.v1.PrescriptionSigned: verified, screened, queued or held. */
  receive(document: PrescriptionDocument, origin: MessageOrigin): Promise<{ readonly repeated: boolean }>;
  /** ihp.prescription.v1.PrescriptionVoided: the version leaves the queue. */
  void(
    input: { readonly prescriptionId: string; readonly serialNumber: string; readonly institutionId: string; readonly reason: string; readonly voidedAt: string },
    origin: MessageOrigin,
  ): Promise<void>;
}

function acting(origin: MessageOrigin, tenantId: string): Acting {
  return {
    actorId: SERVICE_ACTOR,
    role: "system",
    tenantId,
    correlationId: origin.correlationId === "" ? origin.messageId : origin.correlationId,
    trace: {
      ...(origin.traceparent === "" ? {} : { traceparent: origin.traceparent }),
      ...(origin.tracestate === "" ? {} : { tracestate: origin.tracestate }),
    },
  };
}

/**
 * The policy reacting to the prescription service's events. Verification is identity's (RX-03): a signature that
 * does not verify holds the version; identity being unreachable rejects, so the bus redelivers rather than the
 * prescription being judged on a failed call.
 */
export function createReceiving(options: ReceivingOptions): Receiving {
  const { store, identity, catalogue, clock } = options;
  const pipeline = commandPipeline(store, prescriptionDecider, { newEventId: options.newEventId, toDomainEvent: toPrescriptionEvent });
  return {
    async receive(document, origin) {
      const now = clock();
      let profileVersion: string | undefined;
      try {
        profileVersion = profileFor(document.jurisdiction, now)?.version;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
      // A redelivered message was already handled: the pipeline answers before identity is called again.
      const result = await pipeline({
        streamId: prescriptionStreamId(document),
        requestId: origin.messageId,
        acting: acting(origin, document.institutionId),
        now,
        profileVersionOf: () => profileVersion,
        prepare: async () => ({ type: "ReceivePrescription", document, physicianSignatureCheck: await signatureCheck(document), catalogue: catalogueFacts(catalogue, document.lines.map((line) => line.drugCode)), at: now }),
      });
      return { repeated: result.repeated };
    },

    async void(input, origin) {
      await pipeline({
        streamId: prescriptionStreamId(input),
        requestId: origin.messageId,
        // The received version names the institution; a void that arrives first says it itself.
        acting: (state) => acting(origin, state.version?.document.institutionId || input.institutionId || "unknown"),
        now: clock(),
        command: { type: "VoidPrescription", reason: input.reason, voidedAt: input.voidedAt },
      });
    },
  };

  function signatureCheck(document: PrescriptionDocument) {
    return document.canonicalDocumentBase64 === ""
      ? Promise.resolve({ valid: false, reasonCode: "DOCUMENT_MISSING" })
      : identity.verifySignature(
          { canonicalDocument: Buffer.from(document.canonicalDocumentBase64, "base64"), signature: document.physicianSignature, expectedSignerId: document.physicianId },
          { token: undefined },
        );
  }
}
