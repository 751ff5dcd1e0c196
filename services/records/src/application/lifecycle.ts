import { type EventStore, isRequestId } from "@ihp/eventsourcing";
import type { TimestampAuthority } from "@ihp/timestamping";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { type MedicalRecord, type RecordCommand, type RecordsSettings, refusal } from "../domain/index.js";
import { recordResource } from "./access.js";
import { type Caller, committerOf } from "./caller.js";
import { isSafeId } from "./ids.js";
import type { IdentityPort } from "./ports.js";
import type { RecordStore } from "./store.js";

// What every lifecycle operation (co-signature, archive, addenda, holds, restriction, destruction, sealing) shares:
// the role first (deny by default), then the request's shape, then the custodian of every record touched.

export interface LifecycleDeps {
  readonly store: EventStore;
  readonly records: RecordStore;
  readonly audit: AuditTrail;
  readonly identity: IdentityPort;
  /** REC-07: every signature is timestamped; without a TSA no signature is made (TIMESTAMP_REQUIRED). */
  readonly tsa: TimestampAuthority | undefined;
  readonly settings: RecordsSettings;
  readonly clock: () => Date;
  /** REC-05: practitioner titles whose holders are not qualified supervisors (trainees, probationary physicians). */
  readonly cosignTitles: readonly string[];
}

/** Roles as the platform names them in tokens. */
export type LifecycleRole = "physician" | "records_officer" | "institution_admin" | "patient";

/** Lifecycle operations are a person's, in one of the roles the operation names; a service credential never. */
export function requireRole(caller: Caller, roles: readonly LifecycleRole[]): void {
  const { principal } = caller;
  if (principal.kind !== "human" || !roles.some((role) => principal.roles.includes(role))) throw refusal("RECORD_LIFECYCLE_DENIED");
}

export function requireRequestId(requestId: string): void {
  if (!isRequestId(requestId)) throw refusal("INVALID_RECORD_INPUT", "request id");
}

export function requireRecordId(documentId: string): void {
  if (!isSafeId(documentId)) throw refusal("INVALID_RECORD_INPUT", "record id");
}

/** Staff act only on records their institution keeps (XC-03); checked before anything is signed or written. */
export function requireCustodianOf(record: MedicalRecord, caller: Caller): void {
  if (record.header.custodian.institutionId !== caller.principal.tenantId) throw refusal("NOT_CUSTODIAN");
}

/**
 * One write on one record: the refusal (if any) is audited; the role, request id and record id are checked first,
 * then `run` builds the command from the record and the server time; the decider decides.
 */
export function onRecord(
  deps: LifecycleDeps,
  caller: Caller,
  action: string,
  request: { readonly requestId: string; readonly documentId: string },
  roles: readonly LifecycleRole[],
  build: (record: MedicalRecord, at: Date) => Promise<RecordCommand> | RecordCommand,
): Promise<MedicalRecord> {
  const { records, audit, clock } = deps;
  return recordingRefusals(audit, caller, action, recordResource(request.documentId), async () => {
    requireRole(caller, roles);
    requireRequestId(request.requestId);
    requireRecordId(request.documentId);
    // Staff operations: the custodian's staff only. The patient's own request is judged by who they are (the domain).
    const patientsOnly = roles.length === 1 && roles[0] === "patient";
    const now = clock();
    // The record is read once; a repeated request id writes nothing (and signs nothing): the record as it is now.
    return records.act(
      caller,
      request.documentId,
      { requestId: request.requestId, now },
      (record) => {
        if (!patientsOnly) requireCustodianOf(record, caller);
      },
      (record) => build(record, now),
    );
  });
}

/** The fields every command shares: the record, the caller as committer, the server time. */
export function base(caller: Caller, documentId: string, at: Date) {
  return { documentId, committer: committerOf(caller), at };
}
