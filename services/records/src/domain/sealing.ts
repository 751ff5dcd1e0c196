import { addCalendarYears, beijingDay } from "@ihp/jurisdiction";
import { contribution } from "./contribution.js";
import { refusal } from "./errors.js";
import type { LodgeDisputeClaim, ResolveDispute, SealIncrement, SealRecord, UnsealRecord } from "./recordCommands.js";
import type { RecordEvent } from "./recordEvents.js";
import type { MedicalRecord, Seal, SealAttestation } from "./recordTypes.js";
import { current, requireCurrentVersion, requireId } from "./rules.js";

// Sealing (封存) and unsealing (启封) for a dispute: REC-11, REC-12 (Records Provisions; Dispute Regulation art. 24).

/** REC-12: the institution may unseal alone after this many years sealed with no further claim (Dispute Regulation art. 24). */
export const UNSEAL_ALONE_AFTER_YEARS = 3;

type Decision = readonly RecordEvent[];

/** REC-11: the patient side and the institution together, or a notary; each signed exactly this snapshot. */
function requireSealingList(attestations: readonly SealAttestation[], snapshotHash: string): void {
  if (!/^[0-9a-f]{64}$/.test(snapshotHash)) throw refusal("INVALID_RECORD_INPUT", "snapshotHash");
  for (const attestation of attestations) {
    requireId(attestation.partyId, "attestation.partyId");
    if (attestation.value === "" || attestation.signedHash !== snapshotHash) {
      throw refusal("SEAL_ATTESTATION_MISSING", `${attestation.party} did not sign this snapshot`);
    }
  }
  const parties = new Set(attestations.map((a) => a.party));
  const bothSides = parties.has("PATIENT_SIDE") && parties.has("INSTITUTION");
  if (!bothSides && !parties.has("NOTARY")) throw refusal("SEAL_ATTESTATION_MISSING");
}

function unsealedAddenda(record: MedicalRecord, seal: Seal | null): string[] {
  const sealed = new Set(seal?.parts.flatMap((p) => p.addendumIds) ?? []);
  return record.addenda.map((a) => a.addendumId).filter((id) => !sealed.has(id));
}

function requireSeal(record: MedicalRecord): Seal {
  if (record.status === "DESTROYED") throw refusal("RECORD_DESTROYED");
  if (record.seal === null) throw refusal("RECORD_NOT_SEALED");
  return record.seal;
}

export function seal(command: SealRecord, record: MedicalRecord): Decision {
  if (record.status === "DESTROYED") throw refusal("RECORD_DESTROYED");
  if (record.seal !== null) throw refusal("RECORD_ALREADY_SEALED");
  requireId(command.sealId, "sealId");
  requireCurrentVersion(record, command.version);
  requireSealingList(command.attestations, command.snapshotHash);
  const data = {
    documentId: record.documentId,
    sealId: command.sealId,
    version: command.version,
    addendumIds: unsealedAddenda(record, null),
    snapshotHash: command.snapshotHash,
    sealingList: [...command.attestations],
    contribution: contribution(command.committer, command.at, "modification", "hold"),
  };
  return [{ type: "RecordSealed", data }];
}

/** REC-11: versions and addenda written after the seal, sealed later as an increment, attested like the seal. */
export function sealIncrement(command: SealIncrement, record: MedicalRecord): Decision {
  const sealed = requireSeal(record);
  requireCurrentVersion(record, command.version);
  const lastSealedVersion = Math.max(...sealed.parts.map((p) => p.version));
  const addendumIds = unsealedAddenda(record, sealed);
  if (current(record).version === lastSealedVersion && addendumIds.length === 0) throw refusal("NOTHING_TO_SEAL");
  requireSealingList(command.attestations, command.snapshotHash);
  const data = {
    documentId: record.documentId,
    sealId: sealed.sealId,
    increment: sealed.parts.length,
    version: command.version,
    addendumIds,
    snapshotHash: command.snapshotHash,
    sealingList: [...command.attestations],
    contribution: contribution(command.committer, command.at, "modification", "hold"),
  };
  return [{ type: "SealIncremented", data }];
}

/** A further claim (再提出解决医疗纠纷要求) reopens the dispute and restarts the 3 years. */
export function lodgeClaim(command: LodgeDisputeClaim, record: MedicalRecord): Decision {
  requireSeal(record);
  requireId(command.claimId, "claimId");
  const by = contribution(command.committer, command.at, "modification", null);
  const data = { documentId: record.documentId, claimId: command.claimId, contribution: by };
  return [{ type: "DisputeClaimLodged", data }];
}

export function resolveDispute(command: ResolveDispute, record: MedicalRecord): Decision {
  if (!requireSeal(record).disputeOpen) throw refusal("NO_OPEN_DISPUTE");
  const by = contribution(command.committer, command.at, "modification", null);
  return [{ type: "DisputeResolved", data: { documentId: record.documentId, contribution: by } }];
}

/**
 * REC-12: every party on the sealing lists present (each attesting the last sealed snapshot); or the dispute resolved;
 * or 3 full years (Civil Code art. 201: from the day after) since the seal or the last claim, whichever is later.
 */
export function unseal(command: UnsealRecord, record: MedicalRecord): Decision {
  const sealed = requireSeal(record);
  const ground = unsealGround(sealed, command.attestations, command.at);
  if (ground === null) throw refusal("UNSEAL_NOT_ALLOWED");
  const data = {
    documentId: record.documentId,
    sealId: sealed.sealId,
    ground,
    attestations: [...command.attestations],
    contribution: contribution(command.committer, command.at, "modification", "unhold"),
  };
  return [{ type: "RecordUnsealed", data }];
}

type UnsealGround = "ALL_PARTIES" | "DISPUTE_RESOLVED" | "THREE_YEARS_NO_CLAIM";

function unsealGround(sealed: Seal, present: readonly SealAttestation[], at: Date): UnsealGround | null {
  const lastHash = sealed.parts.at(-1)?.snapshotHash ?? "";
  const attested = new Set(present.filter((a) => a.value !== "" && a.signedHash === lastHash).map((a) => `${a.party}:${a.partyId}`));
  const everyParty = sealed.parts.flatMap((p) => p.sealingList).every((a) => attested.has(`${a.party}:${a.partyId}`));
  if (everyParty) return "ALL_PARTIES";
  if (!sealed.disputeOpen) return "DISPUTE_RESOLVED";
  const since = sealed.lastClaimAt ?? sealed.sealedAt;
  const lastDayWaiting = addCalendarYears(beijingDay(new Date(since)), UNSEAL_ALONE_AFTER_YEARS);
  if (beijingDay(at) > lastDayWaiting) return "THREE_YEARS_NO_CLAIM";
  return null;
}
