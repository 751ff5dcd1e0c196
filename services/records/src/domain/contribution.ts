/**
 * Who wrote what, when, and what kind of change it was: every write event of the records service carries one, after
 * openEHR's CONTRIBUTION/AUDIT_DETAILS (committer from the authenticated caller, time committed set by the server,
 * coded change type), plus the ISO 21089 record-lifecycle event it is (FHIR code system `iso-21089-lifecycle`).
 */

/** openEHR audit change types (terminology group "audit change type") the records service uses. */
export const CHANGE_TYPES = ["creation", "amendment", "modification", "attestation", "deleted"] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * ISO 21089 lifecycle codes the records service uses, plus one local code: "restrict" (PIPL art. 47: kept, not
 * processed) has no ISO 21089 equivalent. Sealing (封存) is "hold" and unsealing "unhold": ISO 21089 defines hold as
 * special access management and suspension of destruction for a dispute, which is what sealing is; a legal hold uses
 * the same codes and is told apart by the event type.
 */
export const LIFECYCLE_CODES = [
  "originate",
  "amend",
  "attest",
  "verify",
  "archive",
  "hold",
  "unhold",
  "disclose",
  "destroy",
  "access",
  "transmit",
  "receive",
  "restrict",
] as const;
export type LifecycleCode = (typeof LIFECYCLE_CODES)[number];

/**
 * The authenticated caller: a person's id, the role they acted in and their institution (tenant), or a service
 * credential acting for an institution. Patients are not staff of an institution: their institutionId is "".
 */
export type Committer = { readonly id: string; readonly role: string; readonly institutionId: string };

export type Contribution = {
  readonly committer: Committer;
  /** Server time, ISO 8601 UTC: the command's `at`, never a time the client sent. */
  readonly committedAt: string;
  readonly changeType: ChangeType;
  /** null for events that are not a record-lifecycle event (dispute claims, destruction approval). */
  readonly lifecycle: LifecycleCode | null;
};

export function contribution(
  committer: Committer,
  at: Date,
  changeType: ChangeType,
  lifecycle: LifecycleCode | null,
): Contribution {
  const { id, role, institutionId } = committer;
  return { committer: { id, role, institutionId }, committedAt: at.toISOString(), changeType, lifecycle };
}
