import { DomainError, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail } from "@ihp/platform";
import { createIngest } from "../../src/application/ingest.js";
import type { IdentityPort } from "../../src/application/ports.js";

export const VERIFIED = new Set(["pat-zhang", "pat-li", "pat-child"]);

/** Identity as the ingest path sees it: verified patients answer, anyone else is identity's refusal. */
export const fakeIdentity: IdentityPort = {
  verifiedPatient(patientId) {
    if (!VERIFIED.has(patientId)) return Promise.reject(new DomainError("PATIENT_NOT_VERIFIED", "FAILED_PRECONDITION", "not verified"));
    return Promise.resolve({ patientId, birthDate: "1970-01-01", sex: "F" });
  },
  /** doc-1 treats pat-child (a consult of theirs, as identity would say); nobody else treats anyone. */
  isTreating(caller, patientId) {
    return Promise.resolve(caller.principal.subject === "doc-1" && patientId === "pat-child");
  },
  checkGuardian(caller, guardianId, childId) {
    return Promise.resolve(caller.principal.subject === guardianId && guardianId === "pat-zhang" && childId === "pat-child");
  },
};

export function ingestFixture() {
  const store = SqliteEventStore.open({ path: ":memory:" });
  const clock = () => new Date("2026-12-06T08:00:00Z");
  const audit = createAuditTrail({ store, context: "integration", clock, newId: uuidv7 });
  const ingest = createIngest({ store, audit, identity: fakeIdentity, clock, newEventId: uuidv7 });
  async function events(): Promise<StoredEvent[]> {
    const all: StoredEvent[] = [];
    for await (const event of readEverything(store)) all.push(event);
    return all;
  }
  return { store, audit, ingest, clock, events };
}

async function* readEverything(store: SqliteEventStore): AsyncGenerator<StoredEvent> {
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) return;
    yield* page;
    after = page.at(-1)!.position;
  }
}

export const A = { institutionId: "hosp-a", systemId: "svc:his-a" };
export const B = { institutionId: "hosp-b", systemId: "svc:his-b" };

export const encounter = {
  messageId: "msg-enc-1",
  hisPatientId: "HIS-001",
  encounterId: "ENC-2026-1",
  encounterDate: "2026-11-20",
  department: "Endocrinology",
  recordType: "OUTPATIENT_RECORD",
  diagnoses: [{ code: "E11.9", name: "Type 2 diabetes mellitus without complications", version: "ICD-10" }],
};

export const labResult = {
  messageId: "msg-lab-1",
  hisPatientId: "HIS-001",
  reportId: "LAB-77",
  issuedAt: "2026-11-21T09:30:00+08:00",
  observations: [
    { code: "4548-4", codeSystem: "LOINC", name: "HbA1c", value: "7.9", unit: "%", referenceRange: "4.0-6.0", abnormalFlag: "H" },
    { code: "GLU-F", codeSystem: "LOCAL", name: "Fasting glucose", value: "6.1", unit: "mmol/L", referenceRange: "3.9-6.1", abnormalFlag: "N" },
  ],
};

export const imagingReport = {
  messageId: "msg-img-1",
  hisPatientId: "HIS-001",
  reportId: "RIS-5",
  studyInstanceUid: "1.2.840.113619.2.55.3.604688119.969.1268071029.320",
  modality: "CT",
  findings: "No acute abnormality.",
  impression: "Normal chest CT.",
  retrieveUrl: "https://pacs.hosp-a.example/dicomweb/studies/1.2.840.113619.2.55.3.604688119.969.1268071029.320",
  issuedAt: "2026-11-22T10:00:00+08:00",
};
