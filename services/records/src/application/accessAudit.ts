import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { type MedicalRecord, type RecordAccessedData, refusal } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { isSafeId } from "./ids.js";
import type { RecordsIndex } from "./recordsIndex.js";
import type { RecordStore } from "./store.js";

// Access logs for medical administration and the regulator (REC-08, REC-09, XC-01), minimized: who read which record
// id, in which role and institution, when, why and with what outcome — never content, never the patient's name.

export interface MinimizedAccess {
  readonly recordId: string;
  readonly accessorId: string;
  readonly accessorRole: string;
  readonly accessorInstitutionId: string;
  readonly purpose: string;
  readonly outcome: RecordAccessedData["outcome"];
  readonly reasonCode: string;
  readonly at: string;
}

const ADMINISTRATION = ["institution_admin", "records_officer"] as const;
const NATIONAL = "national";

/** The jurisdiction a record was made under (XC-08: its profile version is `<jurisdiction>@<from>#<n>`). */
export const jurisdictionOf = (record: MedicalRecord): string => record.profileVersion.split("@")[0] ?? "";

type Scope = { readonly kind: "institution"; readonly institutionId: string } | { readonly kind: "jurisdiction"; readonly jurisdiction: string };

/** Role first: medical administration of one institution, or a regulator (national: every jurisdiction). */
function scopeOf(caller: Caller): Scope {
  const { principal } = caller;
  if (principal.kind !== "human") throw refusal("RECORD_ACCESS_DENIED");
  if (ADMINISTRATION.some((role) => principal.roles.includes(role))) return { kind: "institution", institutionId: principal.tenantId };
  if (principal.roles.includes("regulator")) return { kind: "jurisdiction", jurisdiction: principal.tenantId };
  throw refusal("RECORD_ACCESS_DENIED");
}

function inScope(scope: Scope, record: MedicalRecord): boolean {
  if (scope.kind === "institution") return record.header.custodian.institutionId === scope.institutionId;
  return scope.jurisdiction === NATIONAL || jurisdictionOf(record) === scope.jurisdiction;
}

const minimized = (data: RecordAccessedData): MinimizedAccess => ({
  recordId: data.documentId,
  accessorId: data.readerId,
  accessorRole: data.readerRole,
  accessorInstitutionId: data.readerInstitutionId,
  purpose: data.purpose,
  outcome: data.outcome,
  reasonCode: data.code,
  at: data.accessedAt,
});

export function createAccessAudit(options: { index: RecordsIndex; records: RecordStore; audit: AuditTrail }) {
  const { index, records, audit } = options;
  return function list(caller: Caller, filter: { readonly recordId: string; readonly accessorId: string }): Promise<readonly MinimizedAccess[]> {
    const target = filter.recordId !== "" ? `record/${filter.recordId}` : `accessor/${filter.accessorId}`;
    return recordingRefusals(audit, caller, "ListRecordAccessAudit", isSafeId(filter.recordId || filter.accessorId) ? `record-access/${target}` : undefined, async () => {
      const scope = scopeOf(caller);
      const one = (filter.recordId === "") !== (filter.accessorId === "");
      if (!one || !isSafeId(filter.recordId || filter.accessorId)) throw refusal("INVALID_RECORD_INPUT", "exactly one of recordId, accessorId");
      let entries: MinimizedAccess[];
      if (filter.recordId !== "") {
        const state = await records.state(filter.recordId);
        if (state.status !== "exists") throw refusal("RECORD_NOT_FOUND");
        if (!inScope(scope, state.record)) throw refusal("NOT_CUSTODIAN");
        entries = (await records.accessEvents(filter.recordId)).map((event) => minimized(event.data as unknown as RecordAccessedData)).reverse();
      } else {
        // From the read model (recordsIndex.ts), not the log: the cost follows this accessor's reads, not the log's
        // length. Scope is the record's as it stands, so each record the accessor read is read once (no more).
        const visible = new Map<string, boolean>();
        entries = [];
        for (const entry of await index.accessesBy(filter.accessorId)) {
          if (!visible.has(entry.recordId)) {
            const state = await records.state(entry.recordId);
            visible.set(entry.recordId, state.status === "exists" && inScope(scope, state.record));
          }
          if (visible.get(entry.recordId) === true) entries.push(entry);
        }
      }
      // The query is itself a sensitive read (XC-01): recorded, by ids only.
      await audit.recorded({ principal: caller.principal, action: "ListRecordAccessAudit", resource: `record-access/${target}`, ruleId: "REC-09", correlationId: caller.correlationId, trace: caller.trace });
      // Newest first.
      return entries;
    });
  };
}

export type AccessAudit = ReturnType<typeof createAccessAudit>;
