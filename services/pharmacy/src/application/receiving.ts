import { DomainError, type EventStore } from "@ihp/eventsourcing";
import type { PrescriptionDocument } from "../domain/types.js";
import { prescriptionStreamId } from "./ids.js";
import { executeOnPrescription } from "./execute.js";
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

function acting(origin: MessageOrigin, institutionId: string, profileVersion?: string) {
  return {
    actorId: SERVICE_ACTOR,
    role: "system" as const,
    institutionId,
    correlationId: origin.correlationId === "" ? origin.messageId : origin.correlationId,
    requestId: origin.messageId,
    trace: {
      ...(origin.traceparent === "" ? {} : { traceparent: origin.traceparent }),
      ...(origin.tracestate === "" ? {} : { tracestate: origin.tracestate }),
    },
    profileVersion,
  };
}

/**
 * The policy reacting to the prescription service's events. Verification is identity's (RX-03): a signature that
 * does not verify holds the version; identity being unreachable rejects, so the bus redelivers rather than the
 * prescription being judged on a failed call.
 */
export function createReceiving(options: ReceivingOptions): Receiving {
  const { store, identity, catalogue, clock } = options;
  const executor = { store, newEventId: options.newEventId };
  return {
    async receive(document, origin) {
      const streamId = prescriptionStreamId(document);
      // A redelivered message was already handled: answer before calling identity again.
      const history = await store.readStream(streamId);
      if (history.some((event) => event.metadata.requestId === origin.messageId)) return { repeated: true };
      const check =
        document.canonicalDocumentBase64 === ""
          ? { valid: false, reasonCode: "DOCUMENT_MISSING" }
          : await identity.verifySignature(
              {
                canonicalDocument: Buffer.from(document.canonicalDocumentBase64, "base64"),
                signature: document.physicianSignature,
                expectedSignerId: document.physicianId,
              },
              { token: undefined },
            );
      const now = clock();
      const facts = catalogueFacts(catalogue, document.lines.map((line) => line.drugCode));
      let profileVersion: string | undefined;
      try {
        profileVersion = profileFor(document.jurisdiction, now)?.version;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
      const result = await executeOnPrescription(
        executor,
        streamId,
        acting(origin, document.institutionId, profileVersion),
        { type: "ReceivePrescription", document, physicianSignatureCheck: check, catalogue: facts, at: now },
        now,
      );
      return { repeated: result.repeated };
    },

    async void(input, origin) {
      const streamId = prescriptionStreamId(input);
      const history = await store.readStream(streamId);
      const received = history.find((event) => event.type === "PrescriptionReceived");
      // The received version names the institution; a void that arrives first says it itself.
      const institutionId = (received?.metadata.tenantId ?? "") || input.institutionId || "unknown";
      await executeOnPrescription(
        executor,
        streamId,
        acting(origin, institutionId),
        { type: "VoidPrescription", reason: input.reason, voidedAt: input.voidedAt },
        clock(),
      );
    },
  };
}
