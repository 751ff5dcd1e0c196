import type { Contribution } from "./contribution.js";
import type { MediaReference, RecordHeader, RecordSections, RecordSignature } from "./document.js";

// The record aggregate as its events describe it (stream records-record-<documentId>). Type aliases of plain JSON.

/**
 * DRAFT: assembled or edited, not signed. PENDING_COSIGN: a trainee's or probationary physician's signed record
 * waiting for a qualified supervisor (REC-05). SIGNED: confirmed (REC-04). ARCHIVED: immutable, corrections only as
 * addenda (REC-06). DESTROYED: only the tombstone remains (REC-02, PHA-09).
 */
export type RecordStatus = "DRAFT" | "PENDING_COSIGN" | "SIGNED" | "ARCHIVED" | "DESTROYED";

/** The header without its version: the version is the position in `versions`. */
export type RecordHeaderBase = Omit<RecordHeader, "version">;

/** Every write keeps a whole version (REC-04); diffs are computed between versions, never stored instead of them. */
export type RecordVersion = {
  readonly version: number;
  readonly sections: RecordSections;
  readonly media: MediaReference[];
  readonly contribution: Contribution;
};

/** A signature and the version it signs. */
export type VersionSignature = RecordSignature & { readonly version: number };

/** A correction after signing: a signed addendum linked to the version it corrects (REC-06). */
export type Addendum = {
  readonly addendumId: string;
  readonly parentVersion: number;
  readonly text: string;
  readonly reason: string;
  readonly signature: RecordSignature;
  readonly contribution: Contribution;
};

/** REC-11: who attested a seal, with their signature over the sealed snapshot's hash. */
export type SealParty = "PATIENT_SIDE" | "INSTITUTION" | "NOTARY";
export type SealAttestation = {
  readonly party: SealParty;
  readonly partyId: string;
  readonly name: string;
  readonly algorithm: string;
  readonly certificateSerial: string;
  readonly value: string;
  /** The snapshot hash this party signed; must equal the snapshot being sealed. */
  readonly signedHash: string;
};

/** One sealed part: the first snapshot, then increments for what was written later (REC-11). */
export type SealedPart = {
  readonly snapshotHash: string;
  readonly version: number;
  readonly addendumIds: string[];
  readonly sealingList: SealAttestation[];
  readonly sealedAt: string;
};

export type Seal = {
  readonly sealId: string;
  readonly sealedAt: string;
  readonly parts: SealedPart[];
  /** The dispute that led to sealing is open until resolved; a later claim reopens it (REC-12). */
  readonly disputeOpen: boolean;
  readonly lastClaimAt: string | null;
};

export type DestructionApproval = {
  readonly approvalId: string;
  readonly approvedBy: string;
  readonly approvedAt: string;
};

export type MedicalRecord = {
  readonly documentId: string;
  readonly header: RecordHeaderBase;
  readonly author: { readonly practitionerId: string; readonly name: string };
  /** REC-05: the author is a trainee or probationary physician, so a supervisor must co-sign. */
  readonly authorNeedsCosign: boolean;
  readonly cosigner: { readonly practitionerId: string; readonly name: string } | null;
  readonly status: RecordStatus;
  readonly originatedAt: string;
  /** When the record was confirmed (REC-04): the author's signature, or the co-signature for a trainee. */
  readonly completedAt: string | null;
  readonly profileVersion: string;
  readonly versions: RecordVersion[];
  readonly signatures: VersionSignature[];
  readonly addenda: Addendum[];
  readonly seal: Seal | null;
  readonly holds: string[];
  /** PIPL art. 47: the patient asked for deletion during retention; kept, not processed. */
  readonly restrictedAt: string | null;
  readonly destructionApproval: DestructionApproval | null;
  readonly destroyedMedia: string[];
};

export type RecordState = { readonly status: "none" } | { readonly status: "exists"; readonly record: MedicalRecord };

export const NO_RECORD: RecordState = { status: "none" };
