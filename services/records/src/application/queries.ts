import type { EventStore, StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { type MedicalRecord, type RecordAccessedData, refusal, versionHistory, type VersionEntry } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { consultIndexStreamId, isSafeId, patientIndexStreamId } from "./ids.js";
import { type RecordReader, readerRoleOf } from "./access.js";
import type { RecordStore } from "./store.js";

export interface RecordQueries {
  get(caller: Caller, documentId: string): Promise<MedicalRecord>;
  byConsult(caller: Caller, consultId: string): Promise<MedicalRecord>;
  /** The records of a patient the caller may read (each read is an access event), newest visit first. */
  ofPatient(caller: Caller, patientId: string): Promise<readonly MedicalRecord[]>;
  versions(caller: Caller, documentId: string): Promise<readonly VersionEntry[]>;
  /** Who read the record and when, newest first (reading it is itself an access). */
  accessLog(caller: Caller, documentId: string): Promise<readonly RecordAccessedData[]>;
}

const indexed = (events: readonly StoredEvent[]): string[] =>
  [...new Set(events.map((event) => event.data["documentId"]).filter((id): id is string => typeof id === "string" && isSafeId(id)))];

export function createRecordQueries(options: { store: EventStore; records: RecordStore; read: RecordReader; audit: AuditTrail }): RecordQueries {
  const { store, records, read, audit } = options;
  return {
    get: (caller, documentId) => read(caller, "GetRecord", documentId),
    async byConsult(caller, consultId) {
      await recordingRefusals(audit, caller, "GetRecordByConsult", undefined, () => Promise.resolve(readerRoleOf(caller)));
      const [documentId] = isSafeId(consultId) ? indexed(await store.readStream(consultIndexStreamId(consultId))) : [];
      if (documentId === undefined) {
        return recordingRefusals(audit, caller, "GetRecordByConsult", undefined, () => Promise.reject(refusal("RECORD_NOT_FOUND")));
      }
      return read(caller, "GetRecordByConsult", documentId);
    },
    async ofPatient(caller, patientId) {
      await recordingRefusals(audit, caller, "ListPatientRecords", undefined, () => Promise.resolve(readerRoleOf(caller)));
      const ids = isSafeId(patientId) ? indexed(await store.readStream(patientIndexStreamId(patientId))) : [];
      const found: MedicalRecord[] = [];
      for (const documentId of ids) found.push(await read(caller, "ListPatientRecords", documentId));
      if (ids.length === 0) {
        // Nothing to read: only the patient themself (or staff) learn that; others are refused as for a record.
        const { principal } = caller;
        const mayKnow = principal.subject === patientId || principal.roles.includes("records_officer");
        if (!mayKnow) return recordingRefusals(audit, caller, "ListPatientRecords", undefined, () => Promise.reject(refusal("RECORD_ACCESS_DENIED")));
      }
      return found.sort((a, b) => Date.parse(b.header.visitAt) - Date.parse(a.header.visitAt));
    },
    async versions(caller, documentId) {
      return versionHistory(await read(caller, "ListRecordVersions", documentId));
    },
    async accessLog(caller, documentId) {
      await read(caller, "ListRecordAccess", documentId);
      const events = await records.accessEvents(documentId);
      return events.map((event) => event.data as unknown as RecordAccessedData).reverse();
    },
  };
}
