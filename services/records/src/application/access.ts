import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { decideAccess, type MedicalRecord, refusal, refusedByRole } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { isSafeId } from "./ids.js";
import type { IdentityPort } from "./ports.js";
import type { RecordStore } from "./store.js";

/**
 * The roles that may ever read a record, and why they read (shown in the patient's access log). Any other caller is
 * refused before anything is looked up, so nobody else learns whether a record exists; the domain decides the rest.
 */
const PURPOSE_OF_ROLE: Readonly<Record<string, string>> = {
  patient: "SELF_SERVICE",
  physician: "TREATMENT",
  records_officer: "RECORDS_MANAGEMENT",
};

/** Systems (kind service) that may read for a purpose of their own: the custodian's HIS takes exports (REC-01). */
const SYSTEM_PURPOSE_OF_ROLE: Readonly<Record<string, string>> = {
  integration: "EXPORT",
};

/** How a read is made: the purpose it records instead of the role's own, and whether systems may make it. */
export interface ReadOptions {
  readonly purpose?: string | undefined;
  readonly systems?: boolean | undefined;
}

/** The role the caller reads in (the first of theirs that may read), or RECORD_ACCESS_DENIED. */
export function readerRoleOf(caller: Caller, options: ReadOptions = {}): string {
  const { principal } = caller;
  const allowed = principal.kind === "human" ? PURPOSE_OF_ROLE : options.systems === true ? SYSTEM_PURPOSE_OF_ROLE : {};
  const role = principal.roles.find((candidate) => Object.hasOwn(allowed, candidate));
  if (role === undefined) throw refusal("RECORD_ACCESS_DENIED");
  return role;
}

export function recordResource(documentId: string): string | undefined {
  return isSafeId(documentId) ? `record/${documentId}` : undefined;
}

/**
 * Every read of a record goes through here (REC-08, REC-09, XC-01): the domain decides, the access event is appended
 * to the record's stream whether the read is allowed or refused, and a refusal is also an audit record. A record that
 * does not exist gets no stream of its own (its first event must be the originating one): that refusal is in the
 * audit trail only.
 */
export function createRecordReader(options: { records: RecordStore; audit: AuditTrail; identity: IdentityPort; clock: () => Date }) {
  const { records, audit, identity, clock } = options;
  /** XC-01: a role that never reads records is refused before the policy, and the existing record still logs it. */
  async function logRefusedRole(caller: Caller, documentId: string, read: ReadOptions): Promise<void> {
    if (!isSafeId(documentId) || (await records.state(documentId)).status !== "exists") return;
    const { principal } = caller;
    const now = clock();
    const reader = { id: principal.subject, role: principal.roles[0] ?? "", institutionId: principal.tenantId };
    const event = refusedByRole({ documentId, reader, purpose: read.purpose ?? "", guardianOfMinor: false, consultClinicianIds: [], at: now });
    await records.appendAccess(caller, documentId, event, now);
  }
  return function read(caller: Caller, action: string, documentId: string, options: ReadOptions = {}): Promise<MedicalRecord> {
    return recordingRefusals(audit, caller, action, recordResource(documentId), async () => {
      let role: string;
      try {
        role = readerRoleOf(caller, options);
      } catch (error) {
        await logRefusedRole(caller, documentId, options);
        throw error;
      }
      if (!isSafeId(documentId)) throw refusal("INVALID_RECORD_INPUT", "record id");
      const state = await records.state(documentId);
      if (state.status !== "exists") throw refusal("RECORD_NOT_FOUND");
      const { principal } = caller;
      const patientId = state.record.header.patient.patientId;
      const guardianOfMinor = role === "patient" && principal.subject !== patientId && (await identity.checkGuardian(caller, principal.subject, patientId));
      const now = clock();
      const decision = decideAccess(
        {
          documentId,
          reader: { id: principal.subject, role, institutionId: principal.tenantId },
          purpose: options.purpose ?? PURPOSE_OF_ROLE[role] ?? SYSTEM_PURPOSE_OF_ROLE[role] ?? "",
          guardianOfMinor,
          consultClinicianIds: [],
          at: now,
        },
        state,
      );
      await records.appendAccess(caller, documentId, decision.event, now);
      if (decision.refusal !== null) throw decision.refusal;
      return state.record;
    });
  };
}

export type RecordReader = ReturnType<typeof createRecordReader>;
