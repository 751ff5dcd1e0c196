import { isDomainError } from "@ihp/eventsourcing";
import { beforeEach, describe, expect, it } from "vitest";
import { A, B, encounter, imagingReport, ingestFixture, labResult } from "./support/ingestFixture.js";

async function refusalOf(work: Promise<unknown>): Promise<{ code: string; kind: string }> {
  try {
    await work;
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, kind: error.kind };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("ingest (XC-03: idempotent and logged exchange with HIS, LIS and PACS)", () => {
  let f: ReturnType<typeof ingestFixture>;
  beforeEach(async () => {
    f = ingestFixture();
    await f.ingest.linkPatient(A, { messageId: "msg-link-1", hisPatientId: "HIS-001", patientId: "pat-zhang" });
  });

  const types = async () => (await f.events()).map((event) => event.type);

  it("XC-03: a link, an encounter, a lab result and an imaging report are each one exchange event plus the message claim", async () => {
    expect(await f.ingest.recordEncounter(A, encounter)).toEqual({ status: "ACCEPTED", objectId: "ENC-2026-1" });
    expect(await f.ingest.attachLabResult(A, labResult)).toEqual({ status: "ACCEPTED", objectId: "LAB-77" });
    expect(await f.ingest.attachImagingReport(A, imagingReport)).toEqual({ status: "ACCEPTED", objectId: "RIS-5" });
    const stored = await types();
    for (const type of ["HisPatientLinked", "EncounterRecorded", "LabResultAttached", "ImagingReportAttached"]) {
      expect(stored.filter((t) => t === type)).toHaveLength(1);
    }
    expect(stored.filter((t) => t === "IngestMessageClaimed")).toHaveLength(4);
    const lab = (await f.events()).find((event) => event.type === "LabResultAttached")!;
    expect(lab.data).toMatchObject({ patientId: "pat-zhang", institutionId: "hosp-a", messageId: "msg-lab-1" });
    expect(lab.metadata).toMatchObject({ actorId: "svc:his-a", actorRole: "integration", tenantId: "hosp-a" });
  });

  it("XC-03: the same message id again returns the original outcome and appends nothing", async () => {
    await f.ingest.attachLabResult(A, labResult);
    const before = (await f.events()).length;
    expect(await f.ingest.attachLabResult(A, labResult)).toEqual({ status: "DUPLICATE", objectId: "LAB-77" });
    expect(await f.ingest.linkPatient(A, { messageId: "msg-link-1", hisPatientId: "HIS-001", patientId: "pat-zhang" })).toEqual({
      status: "DUPLICATE",
      objectId: "pat-zhang",
    });
    expect((await f.events()).length).toBe(before);
  });

  it("XC-03: the same message id with other content is MESSAGE_ID_CONFLICT, audited, nothing else appended", async () => {
    await f.ingest.attachLabResult(A, labResult);
    const before = (await f.events()).length;
    const changed = { ...labResult, observations: [{ ...labResult.observations[0]!, value: "8.4" }] };
    expect(await refusalOf(f.ingest.attachLabResult(A, changed))).toEqual({ code: "MESSAGE_ID_CONFLICT", kind: "ALREADY_EXISTS" });
    const after = await f.events();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ type: "AccessRefused", data: { reason: "MESSAGE_ID_CONFLICT" } });
  });

  it("XC-03: message ids are per institution: institution B's system cannot attach to A's HIS patient", async () => {
    // B's HIS patient HIS-001 is a different patient (another institution's number space) and is not linked.
    expect(await refusalOf(f.ingest.attachLabResult(B, labResult))).toEqual({ code: "HIS_PATIENT_NOT_LINKED", kind: "NOT_FOUND" });
    expect((await types()).filter((t) => t === "LabResultAttached")).toHaveLength(0);
  });

  it("links only verified patients, refuses relinking to another patient, accepts the same link again (ADT^A08)", async () => {
    const refused = await refusalOf(f.ingest.linkPatient(A, { messageId: "msg-link-2", hisPatientId: "HIS-002", patientId: "pat-ghost" }));
    expect(refused.code).toBe("PATIENT_NOT_VERIFIED");
    expect(await refusalOf(f.ingest.linkPatient(A, { messageId: "msg-link-3", hisPatientId: "HIS-001", patientId: "pat-li" }))).toEqual({
      code: "HIS_PATIENT_LINKED_ELSEWHERE",
      kind: "FAILED_PRECONDITION",
    });
    expect(await f.ingest.linkPatient(A, { messageId: "msg-link-4", hisPatientId: "HIS-001", patientId: "pat-zhang" })).toEqual({
      status: "ACCEPTED",
      objectId: "pat-zhang",
    });
    expect(await refusalOf(f.ingest.linkPatient(A, { messageId: "msg-link-5", hisPatientId: "HIS-009", idNumber: "110101199003077777" }))).toEqual({
      code: "PATIENT_ID_REQUIRED",
      kind: "INVALID_ARGUMENT",
    });
  });

  it("CON-03 / REC-08: bad content is refused with a stable code, audited, and nothing but the audit record is written", async () => {
    const before = (await f.events()).length;
    const cases = [
      f.ingest.recordEncounter(A, { ...encounter, messageId: "m-1", diagnoses: [{ code: "diabetes", name: "x", version: "ICD-10" }] }),
      f.ingest.recordEncounter(A, { ...encounter, messageId: "m-2", recordType: "SELFIE" }),
      f.ingest.attachLabResult(A, { ...labResult, messageId: "m-3", observations: [{ ...labResult.observations[0]!, abnormalFlag: "VERY" }] }),
      f.ingest.attachImagingReport(A, { ...imagingReport, messageId: "m-4", studyInstanceUid: "1.2.03.4" }),
      f.ingest.attachImagingReport(A, { ...imagingReport, messageId: "m-5", retrieveUrl: "http://pacs.example/studies/1" }),
      f.ingest.attachLabResult(A, { ...labResult, messageId: "" }),
    ];
    const codes = [];
    for (const work of cases) codes.push((await refusalOf(work)).code);
    expect(codes).toEqual(["INVALID_ENCOUNTER", "INVALID_ENCOUNTER", "INVALID_LAB_RESULT", "INVALID_IMAGING_REPORT", "INVALID_IMAGING_REPORT", "INVALID_MESSAGE_ID"]);
    const after = await f.events();
    expect(after.slice(before).map((event) => event.type)).toEqual(Array(cases.length).fill("AccessRefused"));
  });

  it("an encounter id recorded from one message cannot be recorded again from another", async () => {
    await f.ingest.recordEncounter(A, encounter);
    expect((await refusalOf(f.ingest.recordEncounter(A, { ...encounter, messageId: "msg-enc-2" }))).code).toBe("OBJECT_ALREADY_RECORDED");
  });
});
