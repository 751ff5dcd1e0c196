import type { EventStore } from "@ihp/eventsourcing";
import { type JurisdictionProfile, profileAt, profileByVersion } from "@ihp/jurisdiction";
import { lastVisit, type MedicalRecord, refusal } from "../domain/index.js";
import { isSafeId, patientIndexStreamId } from "./ids.js";
import type { RecordStore } from "./store.js";

// The per-patient retention clock (REC-02: 15 years from the patient's LAST visit, restarting at every visit), from
// the patient's record index (one RecordIndexed event per record, written at origination).

export type IndexEntry = { readonly documentId: string; readonly patientId: string; readonly institutionId: string; readonly visitAt: string };

export function indexEntryOf(data: Readonly<Record<string, unknown>>): IndexEntry | undefined {
  const { documentId, patientId, institutionId, visitAt } = data;
  if (typeof documentId !== "string" || typeof patientId !== "string" || typeof institutionId !== "string" || typeof visitAt !== "string") return undefined;
  return isSafeId(documentId) ? { documentId, patientId, institutionId, visitAt } : undefined;
}

export async function patientIndex(store: EventStore, patientId: string): Promise<IndexEntry[]> {
  if (!isSafeId(patientId)) throw refusal("INVALID_RECORD_INPUT", "patient id");
  const entries = (await store.readStream(patientIndexStreamId(patientId))).map((event) => indexEntryOf(event.data));
  const unique = new Map<string, IndexEntry>();
  for (const entry of entries) if (entry !== undefined) unique.set(entry.documentId, entry);
  return [...unique.values()];
}

/** The facts the decider needs for restriction and destruction (RetentionFacts of recordCommands.ts). */
export type RetentionFacts = {
  readonly profile: JurisdictionProfile;
  readonly lastVisitAt: string;
  /**
   * PHA-09: prescriptions are kept max(REC-02, Rx art. 50) counted from the same last visit; art. 50's periods are all
   * shorter than the clinical-record period, so the record period governs and no class needs fetching.
   */
  readonly prescriptionClasses: readonly [];
};

/**
 * The clock of one patient in one institution: the latest visit of any of their records there; the profile in force
 * now for the jurisdiction the latest record was made under (XC-08: its version is recorded with every decision).
 */
export function retentionOf(records: readonly MedicalRecord[], at: Date): RetentionFacts {
  const latest = lastVisit(records.map((record) => record.header.visitAt));
  const newest = records.find((record) => record.header.visitAt === latest);
  if (latest === undefined || newest === undefined) throw refusal("RECORD_NOT_FOUND");
  const profile = profileAt(profileByVersion(newest.profileVersion).jurisdiction, at);
  return { profile, lastVisitAt: latest, prescriptionClasses: [] };
}

export type PatientFacts = {
  /** The patient's records kept by the institution (DESTROYED ones included). */
  readonly records: readonly MedicalRecord[];
  /** Records of the patient kept by other institutions (their content is under the same patient key). */
  readonly elsewhere: readonly IndexEntry[];
  readonly retention: RetentionFacts;
};

export async function patientRecordFacts(deps: { store: EventStore; records: RecordStore }, patientId: string, institutionId: string, at: Date): Promise<PatientFacts> {
  const entries = await patientIndex(deps.store, patientId);
  const here = entries.filter((entry) => entry.institutionId === institutionId);
  const records: MedicalRecord[] = [];
  for (const entry of here) records.push(await deps.records.record(entry.documentId));
  return { records, elsewhere: entries.filter((entry) => entry.institutionId !== institutionId), retention: retentionOf(records, at) };
}
