import { profileAt } from "@ihp/jurisdiction";
import { DomainError } from "@ihp/eventsourcing";
import type {
  MediaReference,
  OriginateRecord,
  RecordEvent,
  RecordSections,
  RecordSignature,
  RecordsSettings,
  RecordState,
  SealAttestation,
} from "../../../src/domain/index.js";
import { recordDecider } from "../../../src/domain/index.js";

export const INSTITUTION = "inst-tianjin-1";
export const PATIENT = "patient-1";
export const AUTHOR = "dr-wang";
export const SUPERVISOR = "dr-li";
export const OFFICER = "officer-zhao";
export const HEAD = "head-chen";
export const DOC = "doc-1";
/** The visit and consult end: 2026-03-15 10:00 Beijing time. */
export const VISIT = "2026-03-15T10:00:00+08:00";
export const AT = new Date(VISIT);
export const NATIONAL = profileAt("national", AT);
export const YINCHUAN = profileAt("yinchuan", AT);
export const SETTINGS: RecordsSettings = { editWindowHours: 24, maxTsaSkewSeconds: 2 };
export const HASH = "a".repeat(64);

/** A committer of the custodian institution; patients belong to none. */
export const committer = (id: string, role = "physician", institutionId = role === "patient" ? "" : INSTITUTION) => ({ id, role, institutionId });
export const hoursAfter = (hours: number) => new Date(AT.getTime() + hours * 3_600_000);
/** Noon Beijing time on a civil day. */
export const onDay = (day: string) => new Date(`${day}T12:00:00+08:00`);

export const SECTIONS: RecordSections = {
  chiefComplaint: "头晕复诊",
  presentIllness: "血压控制尚可",
  pastHistory: "高血压5年",
  allergyHistory: "无",
  physicalExamination: { examined: false },
  auxiliaryExaminations: [],
  diagnoses: [{ code: "I10.x00", name: "原发性高血压", system: "ICD-10 国家临床版 2.0", main: true }],
  treatmentAdvice: "继续服药",
  prescriptions: [{ prescriptionId: "rx-1", serialNumber: "RX0001" }],
};

export const MEDIA: MediaReference = {
  mediaId: "media-1",
  kind: "TRANSCRIPT",
  contentType: "application/json",
  sha256: "b".repeat(64),
  bytes: 1200,
  consultEndedAt: VISIT,
};

export function originate(overrides: Partial<OriginateRecord> = {}): OriginateRecord {
  return {
    type: "OriginateRecord",
    documentId: DOC,
    header: {
      documentId: DOC,
      setId: "set-1",
      visitAt: VISIT,
      department: { code: "03.07", name: "心血管内科", system: "institution" },
      visitKind: "FOLLOW_UP",
      priorRecordId: "his-99",
      consultId: "consult-1",
      patient: { patientId: PATIENT, hisPatientId: "HIS-7", name: "张三", sex: { code: "1", name: "男", system: "GB/T 2261.1" }, birthDate: "1970-01-01" },
      custodian: { institutionId: INSTITUTION, name: "天津某医院" },
    },
    sections: SECTIONS,
    media: [MEDIA],
    author: { practitionerId: AUTHOR, name: "王医生", needsCosign: false },
    profile: NATIONAL,
    committer: committer("records", "records"),
    at: AT,
    ...overrides,
  };
}

export function signature(signerId: string, overrides: Partial<RecordSignature> = {}): RecordSignature {
  return {
    signerId,
    signerName: signerId,
    role: "AUTHOR",
    algorithm: "SM2-with-SM3",
    certificateSerial: "01",
    value: "c2ln",
    documentHash: HASH,
    timestampToken: "dG9rZW4=",
    timestampedAt: "2026-03-15T02:30:00Z",
    ...overrides,
  };
}

export function attestation(party: SealAttestation["party"], partyId: string, signedHash = HASH): SealAttestation {
  return { party, partyId, name: partyId, algorithm: "SM2-with-SM3", certificateSerial: "02", value: "c2ln", signedHash };
}

/** The events a decision produced; fails the test when it refused. */
export function eventsOf<E>(outcome: readonly E[] | DomainError): readonly E[] {
  if (outcome instanceof DomainError) throw new Error(`expected events, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}

/** Runs commands in order, each on the state the previous ones made, and returns every event. */
export function history(...commands: Parameters<typeof recordDecider.decide>[0][]): RecordEvent[] {
  const events: RecordEvent[] = [];
  for (const command of commands) events.push(...eventsOf(recordDecider.decide(command, fold(events))));
  return events;
}

export function fold(events: readonly RecordEvent[]): RecordState {
  return events.reduce(recordDecider.evolve, recordDecider.initialState);
}

export function recordOf(events: readonly RecordEvent[]) {
  const state = fold(events);
  if (state.status !== "exists") throw new Error("no record");
  return state.record;
}

// Common commands, at a given time.
export const attestCmd = (at = hoursAfter(1), version = 1, skew = 0) =>
  ({ type: "AttestRecord", documentId: DOC, version, signature: signature(AUTHOR), tsaSkewSeconds: skew, settings: SETTINGS, committer: committer(AUTHOR), at }) as const;
export const archiveCmd = (at = hoursAfter(2)) => ({ type: "ArchiveRecord", documentId: DOC, committer: committer(OFFICER, "records_officer"), at }) as const;
