import type { JurisdictionProfile, PrescriptionRetentionClass } from "@ihp/jurisdiction";
import type { Committer } from "./contribution.js";
import type { MediaReference, RecordSections, RecordSignature } from "./document.js";
import type { RecordHeaderBase, SealAttestation } from "./recordTypes.js";

/**
 * Commands as the application builds them: the caller as committer, server time `at`, ids, and the facts the
 * application fetched (qualifications, the patient's last visit, the TSA's clock skew, signatures made through the
 * signing port). Checking them is the decider's job.
 */

/**
 * Institution settings for the record rules that have a configured value rather than a jurisdiction-dependent one
 * (no source gives these a per-jurisdiction number, so they are not in the jurisdiction profile).
 */
export type RecordsSettings = {
  /** REC-05: hours after origination during which the author may write, edit and sign (EMR Norms art. 16). */
  readonly editWindowHours: number;
  /** REC-07: signing stops when the server clock and the TSA differ by more than this, in seconds. */
  readonly maxTsaSkewSeconds: number;
};

type Base = { readonly documentId: string; readonly committer: Committer; readonly at: Date };

/** REC-01: assemble the draft from a closed consult. */
export type OriginateRecord = Base & {
  readonly type: "OriginateRecord";
  readonly header: RecordHeaderBase;
  readonly sections: RecordSections;
  readonly media: readonly MediaReference[];
  /** The consult's physician, and whether identity lists them as trainee or probationary (REC-05). */
  readonly author: { readonly practitionerId: string; readonly name: string; readonly needsCosign: boolean };
  readonly profile: JurisdictionProfile;
};

/** REC-04: a new whole version; media can be added, never removed (only destroyed after retention). */
export type AmendRecord = Base & {
  readonly type: "AmendRecord";
  readonly sections: RecordSections;
  readonly addMedia: readonly MediaReference[];
  readonly settings: RecordsSettings;
};

/** The signing port's output and the skew the application measured against the TSA (REC-07). */
type Signed = {
  /** The version the signer saw and signed. */
  readonly version: number;
  readonly signature: RecordSignature;
  readonly tsaSkewSeconds: number;
  readonly settings: RecordsSettings;
};

export type AttestRecord = Base & Signed & { readonly type: "AttestRecord" };

export type CosignRecord = Base &
  Signed & {
    readonly type: "CosignRecord";
    /** Identity's answer: is the co-signer a qualified supervising physician (REC-05)? */
    readonly supervisor: { readonly practitionerId: string; readonly name: string; readonly qualified: boolean };
  };

export type ArchiveRecord = Base & { readonly type: "ArchiveRecord" };

/** REC-06: a correction after signing or archiving. */
export type AttestAddendum = Base & {
  readonly type: "AttestAddendum";
  readonly addendumId: string;
  readonly text: string;
  readonly reason: string;
  readonly signature: RecordSignature;
  readonly tsaSkewSeconds: number;
  readonly settings: RecordsSettings;
};

/** REC-11: the application hashes documentAt(state) plus the addenda (the snapshot) and collects the attestations. */
type Sealing = {
  readonly version: number;
  readonly snapshotHash: string;
  readonly attestations: readonly SealAttestation[];
};

export type SealRecord = Base & Sealing & { readonly type: "SealRecord"; readonly sealId: string };
export type SealIncrement = Base & Sealing & { readonly type: "SealIncrement" };
export type LodgeDisputeClaim = Base & { readonly type: "LodgeDisputeClaim"; readonly claimId: string };
export type ResolveDispute = Base & { readonly type: "ResolveDispute" };
/** REC-12: the parties present (their attestations over the sealed snapshot), if any. */
export type UnsealRecord = Base & { readonly type: "UnsealRecord"; readonly attestations: SealAttestation[] };

export type PlaceLegalHold = Base & { readonly type: "PlaceLegalHold"; readonly holdId: string; readonly reasonCode: string };
export type RemoveLegalHold = Base & { readonly type: "RemoveLegalHold"; readonly holdId: string };

/** The per-patient retention clock (REC-02): the latest visit of the patient, from the application's projection. */
type RetentionFacts = {
  readonly profile: JurisdictionProfile;
  readonly lastVisitAt: string;
  /** PHA-09: the Rx Measures art. 50 classes of the prescriptions this record links. */
  readonly prescriptionClasses: readonly PrescriptionRetentionClass[];
};

/** PIPL art. 47: the patient (or a minor's guardian) asks for deletion. */
export type RestrictRecord = Base &
  RetentionFacts & {
    readonly type: "RestrictRecord";
    /** Identity's answer: is the committer the verified guardian of this (minor) patient? */
    readonly guardianOfMinor: boolean;
  };

/** Identity's answer: is the approver the head of the institution (医疗机构负责人)? */
export type Approver = { readonly id: string; readonly institutionHead: boolean };

export type ApproveDestruction = Base &
  RetentionFacts & { readonly type: "ApproveDestruction"; readonly approvalId: string; readonly approver: Approver };

export type DestroyRecord = Base & RetentionFacts & { readonly type: "DestroyRecord"; readonly approvalId: string };

/** REC-03: one media blob after 3 years from consult end, on the head's approval. */
export type DestroyMedia = Base & {
  readonly type: "DestroyMedia";
  readonly mediaId: string;
  readonly approver: Approver;
  readonly profile: JurisdictionProfile;
};

export type RecordCommand =
  | OriginateRecord
  | AmendRecord
  | AttestRecord
  | CosignRecord
  | ArchiveRecord
  | AttestAddendum
  | SealRecord
  | SealIncrement
  | LodgeDisputeClaim
  | ResolveDispute
  | UnsealRecord
  | PlaceLegalHold
  | RemoveLegalHold
  | RestrictRecord
  | ApproveDestruction
  | DestroyRecord
  | DestroyMedia;
