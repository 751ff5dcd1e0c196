import type { DomainEvent } from "@ihp/eventsourcing";
import type { Contribution } from "./contribution.js";
import type { MediaReference, RecordSections, RecordSignature } from "./document.js";
import type { RecordHeaderBase, SealAttestation } from "./recordTypes.js";

// Record events, named after the ISO 21089 lifecycle event each one is (the code is in contribution.lifecycle).
// Event data are type aliases of plain JSON; clinical content is sealed by the service before it reaches the log.

/** originate: the draft assembled from a closed consult (REC-01), version 1. */
export type RecordOriginatedData = {
  readonly documentId: string;
  readonly header: RecordHeaderBase;
  readonly sections: RecordSections;
  readonly media: MediaReference[];
  readonly author: { readonly practitionerId: string; readonly name: string };
  readonly authorNeedsCosign: boolean;
  /** XC-08: the jurisdiction profile in force when the record was made. */
  readonly profileVersion: string;
  readonly contribution: Contribution;
};

/** amend: a new whole version (REC-04); signed records go back to DRAFT and need signing again. */
export type RecordAmendedData = {
  readonly documentId: string;
  readonly version: number;
  readonly sections: RecordSections;
  readonly media: MediaReference[];
  readonly contribution: Contribution;
};

/** attest: the author's signature over a version, with its trusted timestamp (REC-04, REC-05, REC-07). */
export type RecordAttestedData = {
  readonly documentId: string;
  readonly version: number;
  readonly signature: RecordSignature;
  /** PENDING_COSIGN for a trainee's record, SIGNED otherwise. */
  readonly status: "PENDING_COSIGN" | "SIGNED";
  /** Shown on confirmed records (REC-04); "" while a co-signature is pending. */
  readonly completedAt: string;
  readonly tsaSkewSeconds: number;
  /** The threshold the signing was checked against (REC-07), so the decision can be replayed. */
  readonly skewLimitSeconds: number;
  readonly contribution: Contribution;
};

/** attest: the supervisor's co-signature completes a trainee's record (REC-05). */
export type RecordCosignedData = {
  readonly documentId: string;
  readonly version: number;
  readonly signature: RecordSignature;
  readonly cosigner: { readonly practitionerId: string; readonly name: string };
  readonly completedAt: string;
  readonly tsaSkewSeconds: number;
  /** The threshold the signing was checked against (REC-07), so the decision can be replayed. */
  readonly skewLimitSeconds: number;
  readonly contribution: Contribution;
};

/** archive: the record becomes immutable (REC-06). */
export type RecordArchivedData = { readonly documentId: string; readonly version: number; readonly contribution: Contribution };

/** amend: a signed correction linked to the version it corrects (REC-06). */
export type AddendumAttestedData = {
  readonly documentId: string;
  readonly addendumId: string;
  readonly parentVersion: number;
  readonly text: string;
  readonly reason: string;
  readonly signature: RecordSignature;
  readonly tsaSkewSeconds: number;
  /** The threshold the signing was checked against (REC-07), so the decision can be replayed. */
  readonly skewLimitSeconds: number;
  readonly contribution: Contribution;
};

/** hold: sealed for a dispute (REC-11): the hashed snapshot and the sealing list. */
export type RecordSealedData = {
  readonly documentId: string;
  readonly sealId: string;
  readonly version: number;
  readonly addendumIds: string[];
  readonly snapshotHash: string;
  readonly sealingList: SealAttestation[];
  readonly contribution: Contribution;
};

/** hold: what was written after sealing, sealed as an increment (REC-11). */
export type SealIncrementedData = RecordSealedData & { readonly increment: number };

export type DisputeClaimLodgedData = { readonly documentId: string; readonly claimId: string; readonly contribution: Contribution };
export type DisputeResolvedData = { readonly documentId: string; readonly contribution: Contribution };

/** unhold: unsealed, on one of the grounds REC-12 allows. */
export type RecordUnsealedData = {
  readonly documentId: string;
  readonly sealId: string;
  readonly ground: "ALL_PARTIES" | "DISPUTE_RESOLVED" | "THREE_YEARS_NO_CLAIM";
  readonly attestations: SealAttestation[];
  readonly contribution: Contribution;
};

export type LegalHoldPlacedData = {
  readonly documentId: string;
  readonly holdId: string;
  readonly reasonCode: string;
  readonly contribution: Contribution;
};
export type LegalHoldRemovedData = { readonly documentId: string; readonly holdId: string; readonly contribution: Contribution };

/** restrict (local code): a deletion request during retention keeps the record but stops processing (PIPL art. 47). */
export type RecordRestrictedData = {
  readonly documentId: string;
  readonly requestedBy: string;
  readonly retainUntil: string;
  readonly profileVersion: string;
  readonly contribution: Contribution;
};

/** The institution head's approval to destroy after the minimum period (PHA-09, §9). */
export type DestructionApprovedData = {
  readonly documentId: string;
  readonly approvalId: string;
  readonly approvedBy: string;
  readonly lastVisitAt: string;
  readonly retainUntil: string;
  readonly profileVersion: string;
  readonly contribution: Contribution;
};

/** destroy: the tombstone. Names what was destroyed and on whose approval; no clinical or personal content. */
export type RecordDestroyedData = {
  readonly documentId: string;
  readonly setId: string;
  readonly versions: number;
  readonly mediaIds: string[];
  readonly approvalId: string;
  readonly approvedBy: string;
  readonly lastVisitAt: string;
  readonly retainUntil: string;
  readonly profileVersion: string;
  readonly contribution: Contribution;
};

/** destroy: one media blob after its 3 years (REC-03); the record itself stays. */
export type MediaDestroyedData = {
  readonly documentId: string;
  readonly mediaId: string;
  readonly sha256: string;
  readonly approvedBy: string;
  readonly retainUntil: string;
  readonly profileVersion: string;
  readonly contribution: Contribution;
};

/**
 * access: every read, allowed or refused (REC-09, XC-01). Minimized: who, in which role, when, why, the outcome;
 * nothing of the record's content.
 */
export type RecordAccessedData = {
  readonly documentId: string;
  readonly readerId: string;
  readonly readerRole: string;
  readonly readerInstitutionId: string;
  readonly purpose: string;
  readonly outcome: "ALLOWED" | "REFUSED";
  /** The refusal code; "" when allowed. */
  readonly code: string;
  readonly accessedAt: string;
};

export type RecordEvent =
  | DomainEvent<"RecordOriginated", RecordOriginatedData>
  | DomainEvent<"RecordAmended", RecordAmendedData>
  | DomainEvent<"RecordAttested", RecordAttestedData>
  | DomainEvent<"RecordCosigned", RecordCosignedData>
  | DomainEvent<"RecordArchived", RecordArchivedData>
  | DomainEvent<"AddendumAttested", AddendumAttestedData>
  | DomainEvent<"RecordSealed", RecordSealedData>
  | DomainEvent<"SealIncremented", SealIncrementedData>
  | DomainEvent<"DisputeClaimLodged", DisputeClaimLodgedData>
  | DomainEvent<"DisputeResolved", DisputeResolvedData>
  | DomainEvent<"RecordUnsealed", RecordUnsealedData>
  | DomainEvent<"LegalHoldPlaced", LegalHoldPlacedData>
  | DomainEvent<"LegalHoldRemoved", LegalHoldRemovedData>
  | DomainEvent<"RecordRestricted", RecordRestrictedData>
  | DomainEvent<"DestructionApproved", DestructionApprovedData>
  | DomainEvent<"RecordDestroyed", RecordDestroyedData>
  | DomainEvent<"MediaDestroyed", MediaDestroyedData>
  | DomainEvent<"RecordAccessed", RecordAccessedData>;

export type RecordEventType = RecordEvent["type"];

export const RECORD_EVENT_TYPES: readonly RecordEventType[] = [
  "RecordOriginated",
  "RecordAmended",
  "RecordAttested",
  "RecordCosigned",
  "RecordArchived",
  "AddendumAttested",
  "RecordSealed",
  "SealIncremented",
  "DisputeClaimLodged",
  "DisputeResolved",
  "RecordUnsealed",
  "LegalHoldPlaced",
  "LegalHoldRemoved",
  "RecordRestricted",
  "DestructionApproved",
  "RecordDestroyed",
  "MediaDestroyed",
  "RecordAccessed",
];
