import type { Bundle, DiagnosticReport, Encounter, ImagingStudy, Observation, Resource } from "@medplum/fhirtypes";
import { isDomainError, uuidv7 } from "@ihp/eventsourcing";
import type { Principal } from "@ihp/platform";
import { beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { createQueries } from "../src/application/queries.js";
import { createRecords } from "../src/application/records.js";
import { A, B, encounter, fakeIdentity, imagingReport, ingestFixture, labResult } from "./support/ingestFixture.js";

const as = (principal: Principal): Caller => ({ principal, token: "t", correlationId: uuidv7(), trace: {} });
const patient = (subject: string) => as({ subject, roles: ["patient"], tenantId: "platform", kind: "human" });
const physician = as({ subject: "doc-1", roles: ["physician"], tenantId: "hosp-a", kind: "human" });
const otherPhysician = as({ subject: "doc-2", roles: ["physician"], tenantId: "hosp-a", kind: "human" });
const consult = as({ subject: "svc:consult", roles: ["system"], tenantId: "platform", kind: "service" });
const hisOf = (tenantId: string) => as({ subject: `svc:his-${tenantId}`, roles: ["integration"], tenantId, kind: "service" });

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return "ALLOWED";
}

describe("integration queries (REC-08: patients see their results; deny by default; every read audited)", () => {
  let f: ReturnType<typeof ingestFixture>;
  let queries: ReturnType<typeof createQueries>;
  beforeEach(async () => {
    f = ingestFixture();
    queries = createQueries({ records: createRecords(f.store), audit: f.audit, identity: fakeIdentity });
    await f.ingest.linkPatient(A, { messageId: "l-1", hisPatientId: "HIS-001", patientId: "pat-child" });
    await f.ingest.recordEncounter(A, encounter);
    await f.ingest.attachLabResult(A, labResult);
    await f.ingest.attachImagingReport(A, imagingReport);
  });

  it("REC-08: the patient and a verified guardian read the lab results and imaging reports; each read is recorded", async () => {
    const own = await queries.listLabResults(patient("pat-child"), "pat-child");
    expect(own.map((r) => r.reportId)).toEqual(["LAB-77"]);
    expect(own[0]!.observations[0]).toMatchObject({ code: "4548-4", unit: "%", referenceRange: "4.0-6.0", abnormalFlag: "H" });
    expect((await queries.listImagingReports(patient("pat-zhang"), "pat-child")).map((r) => r.studyInstanceUid)).toEqual([imagingReport.studyInstanceUid]);
    const recorded = (await f.events()).filter((e) => e.type === "AccessRecorded").map((e) => e.data["action"]);
    expect(recorded).toEqual(["ListLabResults", "ListImagingReports"]);
  });

  it("XC-03: the treating physician reads the patient's results (identity's care relationship); each read is recorded", async () => {
    expect((await queries.listLabResults(physician, "pat-child")).map((r) => r.reportId)).toEqual(["LAB-77"]);
    expect((await queries.getEncounter(physician, "hosp-a", "ENC-2026-1")).encounterId).toBe("ENC-2026-1");
    const recorded = (await f.events()).filter((e) => e.type === "AccessRecorded").map((e) => e.data["action"]);
    expect(recorded).toEqual(["ListLabResults", "GetEncounter"]);
  });

  it("REC-08 / XC-03: another patient, a physician without a care relationship and another institution's system are refused and audited", async () => {
    expect(await codeOf(queries.listLabResults(patient("pat-li"), "pat-child"))).toBe("RESULTS_ACCESS_DENIED");
    expect(await codeOf(queries.listLabResults(otherPhysician, "pat-child"))).toBe("RESULTS_ACCESS_DENIED");
    expect(await codeOf(queries.getLabResult(hisOf("hosp-b"), "hosp-a", "LAB-77"))).toBe("RESULTS_ACCESS_DENIED");
    expect(await codeOf(queries.getLabResult(hisOf("hosp-a"), "hosp-a", "LAB-77"))).toBe("ALLOWED");
    const refused = (await f.events()).filter((e) => e.type === "AccessRefused").map((e) => e.data["reason"]);
    expect(refused).toEqual(["RESULTS_ACCESS_DENIED", "RESULTS_ACCESS_DENIED", "RESULTS_ACCESS_DENIED"]);
  });

  it("CON-03: consult (a system credential) reads a HIS encounter with its ICD-10 diagnoses; another institution's id is not found", async () => {
    const found = await queries.getEncounter(consult, "hosp-a", "ENC-2026-1");
    expect(found).toMatchObject({ patientId: "pat-child", institutionId: "hosp-a", recordType: "OUTPATIENT_RECORD", diagnoses: encounter.diagnoses });
    expect(await codeOf(queries.getEncounter(consult, B.institutionId, "ENC-2026-1"))).toBe("INTEGRATION_OBJECT_NOT_FOUND");
  });

  it("FHIR R4 export: required elements, references resolve inside the bundle, ICD-10 / LOINC / urn:oid systems", async () => {
    const bundle = JSON.parse(await queries.exportPatientFhir(patient("pat-child"), "pat-child")) as Bundle;
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "collection" });
    const entries = bundle.entry ?? [];
    const urls = new Set(entries.map((e) => e.fullUrl));
    const byType = (type: string) => entries.map((e) => e.resource as Resource).filter((r) => r.resourceType === type);
    expect(byType("Patient")).toHaveLength(1);
    expect(JSON.stringify(byType("Patient")[0])).toContain('"urn:ihp:his:hosp-a"');
    // every reference anywhere in the bundle names an entry of it
    const references = [...JSON.stringify(bundle).matchAll(/"reference":"([^"]+)"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(5);
    for (const reference of references) expect(urls.has(reference)).toBe(true);
    const enc = byType("Encounter")[0] as Encounter;
    expect(enc.status).toBe("finished");
    expect(enc.class).toBeDefined();
    expect(JSON.stringify(byType("Condition"))).toContain('"system":"http://hl7.org/fhir/sid/icd-10","version":"ICD-10","code":"E11.9"');
    const observations = byType("Observation") as Observation[];
    expect(observations.map((o) => [o.status, o.code.coding?.[0]?.system])).toEqual([
      ["final", "http://loinc.org"],
      ["final", "urn:ihp:lab:hosp-a"],
    ]);
    expect(observations[0]!.valueQuantity).toEqual({ value: 7.9, unit: "%" });
    const reports = byType("DiagnosticReport") as DiagnosticReport[];
    expect(reports.every((r) => r.status === "final" && r.code !== undefined)).toBe(true);
    const study = byType("ImagingStudy")[0] as ImagingStudy;
    expect(study.identifier?.[0]?.value).toBe(`urn:oid:${imagingReport.studyInstanceUid}`);
    expect(study.status).toBe("available");
  });
});
