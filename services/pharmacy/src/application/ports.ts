import type { CatalogueFacts, DrugFacts, InteractionFacts } from "../domain/catalogue.js";
import type { ReviewerFacts, ShipmentData, SignatureData } from "../domain/types.js";

/**
 * On whose behalf an outgoing call is made: the caller's own token (forwarded, services verify it themselves) and
 * the deadline of the call being served. No token: the service's own credentials (bus consumers).
 */
export interface OutgoingCall {
  readonly token: string | undefined;
  readonly deadline?: Date | undefined;
}

/** identity's ClinicalAccessService.CheckReviewer and SignatureService (proto/ihp/identity/v1/access.proto). */
export interface IdentityPort {
  /** RX-03: verifies the physician's signature over the canonical document. A transport failure rejects. */
  verifySignature(
    input: { readonly canonicalDocument: Uint8Array; readonly signature: SignatureData; readonly expectedSignerId: string },
    call: OutgoingCall,
  ): Promise<{ readonly valid: boolean; readonly reasonCode: string }>;
  /**
   * PHA-05: the calling pharmacist signs the same canonical document, submitted under pharmacy's own service token
   * with the pharmacist's (`call.token`) as the signer's; the pharmacist's step-up must be bound to `prescriptionId`
   * (IDN-03). Refusals reject with identity's code.
   */
  signDocument(
    input: {
      readonly requestId: string;
      readonly documentType: string;
      readonly documentId: string;
      readonly canonicalDocument: Uint8Array;
      readonly prescriptionId: string;
    },
    call: OutgoingCall,
  ): Promise<SignatureData>;
  /**
   * IDN-08: the calling pharmacist (`call.token`) is in their current, active login session — SESSION_REQUIRED,
   * SESSION_SUPERSEDED, SESSION_IDLE_EXPIRED otherwise. Asked under pharmacy's own service token with the
   * pharmacist's as the person's (access.proto, CheckSession), before a clinical act that is not signed.
   */
  checkSession(call: OutgoingCall): Promise<void>;
  /** PHA-02: refused with identity's code (e.g. REVIEWER_NOT_QUALIFIED) when the pharmacist may not review. */
  checkReviewer(input: { readonly pharmacistId: string; readonly institutionId: string }, call: OutgoingCall): Promise<ReviewerFacts>;
}

/** The drug catalogue as the review reads it (@ihp/drug-catalogue behind an adapter). */
export interface CatalogueLookup {
  drug(code: string): DrugFacts | undefined;
  interactionsBetween(a: string, b: string): readonly InteractionFacts[];
}

/** The catalogue's facts for one prescription's drug codes: each drug and every pairwise interaction. */
export function catalogueFacts(catalogue: CatalogueLookup, codes: readonly string[]): CatalogueFacts {
  const unique = [...new Set(codes)];
  const drugs = new Map(unique.map((code) => [code, catalogue.drug(code)] as const));
  const interactions: InteractionFacts[] = [];
  for (let i = 0; i < unique.length; i++) {
    for (let j = i + 1; j < unique.length; j++) interactions.push(...catalogue.interactionsBetween(unique[i]!, unique[j]!));
  }
  return { drugs, interactions };
}

export interface ShipmentRequest {
  readonly deliveryId: string;
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly pharmacyId: string;
  /** The front end's id of the delivery address; the address itself never reaches this service. */
  readonly destinationReference: string;
  readonly at: Date;
}

export interface TrackingEvent {
  readonly status: string;
  readonly at: string;
}

/** PHA-08: a carrier (in-house or contracted) under a delivery agreement. */
export interface LogisticsPort {
  createShipment(request: ShipmentRequest): Promise<ShipmentData>;
  /** The carrier's tracking events up to `now`, oldest first. */
  trackingEvents(trackingNumber: string, now: Date): Promise<readonly TrackingEvent[]>;
}
