import { createHash } from "node:crypto";
import { canonicalJson } from "@ihp/eventsourcing";
import { recordingRefusals } from "@ihp/platform";
import { type MedicalRecord, refusal, type SealAttestation, type SealParty, sealSnapshot } from "../domain/index.js";
import { recordResource } from "./access.js";
import type { Caller } from "./caller.js";
import { base, type LifecycleDeps, onRecord, requireCustodianOf, requireRecordId, requireRole } from "./lifecycle.js";

// Sealing (封存) and unsealing (启封) for a dispute (REC-11, REC-12), operated by medical-records staff. The service
// hashes the snapshot (the current document and its addenda, canonical JSON, SHA-256); each party signs that hash and
// the attestations are checked against it by the decider, so a record changed since the parties signed is refused.

export type SealSnapshot = { readonly documentId: string; readonly version: number; readonly addendumIds: readonly string[]; readonly snapshotHash: string };

export interface LifecycleDisputes {
  snapshot(caller: Caller, documentId: string): Promise<SealSnapshot>;
  seal(caller: Caller, request: { requestId: string; documentId: string; sealId: string; version: number; attestations: SealAttestation[] }): Promise<MedicalRecord>;
  sealIncrement(caller: Caller, request: { requestId: string; documentId: string; version: number; attestations: SealAttestation[] }): Promise<MedicalRecord>;
  lodgeClaim(caller: Caller, request: { requestId: string; documentId: string; claimId: string }): Promise<MedicalRecord>;
  resolve(caller: Caller, request: { requestId: string; documentId: string }): Promise<MedicalRecord>;
  unseal(caller: Caller, request: { requestId: string; documentId: string; attestations: SealAttestation[] }): Promise<MedicalRecord>;
}

/** REC-11: what the parties sign. */
export function snapshotOf(record: MedicalRecord): SealSnapshot {
  const snapshot = sealSnapshot(record);
  if (snapshot === undefined) throw refusal("RECORD_NOT_FOUND");
  const sealed = new Set(record.seal?.parts.flatMap((part) => part.addendumIds) ?? []);
  return {
    documentId: record.documentId,
    version: snapshot.document.header.version,
    addendumIds: record.addenda.map((addendum) => addendum.addendumId).filter((id) => !sealed.has(id)),
    snapshotHash: createHash("sha256").update(canonicalJson(snapshot), "utf8").digest("hex"),
  };
}

const STAFF = ["records_officer"] as const;
const PARTIES: readonly string[] = ["PATIENT_SIDE", "INSTITUTION", "NOTARY"] satisfies readonly SealParty[];

/** Attestations come from the wire as sent; an unknown party is bad input, not a party that did not sign. */
function requireKnownParties(attestations: readonly SealAttestation[]): SealAttestation[] {
  if (attestations.some((attestation) => !PARTIES.includes(attestation.party))) throw refusal("INVALID_RECORD_INPUT", "attestation.party");
  return [...attestations];
}

export function createLifecycleDisputes(deps: LifecycleDeps): LifecycleDisputes {
  const { records, audit } = deps;
  return {
    snapshot: (caller, documentId) =>
      recordingRefusals(audit, caller, "GetSealSnapshot", recordResource(documentId), async () => {
        requireRole(caller, STAFF);
        requireRecordId(documentId);
        const record = await records.record(documentId);
        requireCustodianOf(record, caller);
        if (record.status === "DESTROYED") throw refusal("RECORD_DESTROYED");
        return snapshotOf(record);
      }),
    seal: (caller, request) =>
      onRecord(deps, caller, "SealRecord", request, STAFF, (record, at) => ({
        type: "SealRecord",
        ...base(caller, record.documentId, at),
        sealId: request.sealId,
        version: request.version,
        snapshotHash: snapshotOf(record).snapshotHash,
        attestations: requireKnownParties(request.attestations),
      })),
    sealIncrement: (caller, request) =>
      onRecord(deps, caller, "SealRecordIncrement", request, STAFF, (record, at) => ({
        type: "SealIncrement",
        ...base(caller, record.documentId, at),
        version: request.version,
        snapshotHash: snapshotOf(record).snapshotHash,
        attestations: requireKnownParties(request.attestations),
      })),
    lodgeClaim: (caller, request) =>
      onRecord(deps, caller, "LodgeDisputeClaim", request, STAFF, (record, at) => ({ type: "LodgeDisputeClaim", ...base(caller, record.documentId, at), claimId: request.claimId })),
    resolve: (caller, request) =>
      onRecord(deps, caller, "ResolveDispute", request, STAFF, (record, at) => ({ type: "ResolveDispute", ...base(caller, record.documentId, at) })),
    unseal: (caller, request) =>
      onRecord(deps, caller, "UnsealRecord", request, STAFF, (record, at) => ({ type: "UnsealRecord", ...base(caller, record.documentId, at), attestations: requireKnownParties(request.attestations) })),
  };
}
