import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyFile } from "@ihp/eventsourcing/sqlite";
import {
  type DemoSeed,
  type EmbeddedPlatform,
  type FlowActors,
  type FlowResult,
  graphql,
  loginAs,
  must,
  registerPatient,
  runClinicalFlow,
  seedDemo,
  startEmbeddedPlatform,
} from "@ihp/runner";
import { waitFor } from "@ihp/testing";

// Issue 10 item 3, the shred test, through the gateway only: two patients go through the whole clinical flow; the
// institution administrator orders patient A's clinical key destroyed; every key holder confirms; A's clinical data
// reads as the fixed replacement everywhere, B's does not change; every log verifies; read models rebuilt from zero
// resurrect nothing; and A's new clinical data is refused until a new key is explicitly allowed.

const ERASED = "已销毁";
const HOLDERS = ["identity", "consult", "prescription", "pharmacy", "integration", "records"];

const SUBJECT_ERASURE = `erasureId patientId retentionClass approvalRef status holders confirmed pending attempts`;

describe("XC-01 (issue 10): erasure of one patient's clinical key across every service, embedded mode", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-erasure-"));
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let url: string;
  let actorsA: FlowActors;
  let actorsB: FlowActors;
  let patientB: string;
  let flowA: FlowResult;
  let flowB: FlowResult;

  const start = async (): Promise<void> => {
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "warn" });
    url = platform.graphqlUrl;
  };

  const consultView = (consultId: string, token: string) =>
    must<{ status: string; confirmedDiagnoses: { code: string; name: string }[]; diagnoses: { code: string; name: string }[] }>(
      url,
      `query ($id: ID!) { consult(id: $id) { status confirmedDiagnoses { code name } diagnoses { code name } } }`,
      { id: consultId },
      token,
      "consult",
    );
  const prescriptionView = (flow: FlowResult, token: string) =>
    must<{ status: string; diagnosisCodes: string[] }>(
      url,
      `query ($id: ID!) { prescription(id: $id) { status diagnosisCodes } }`,
      { id: flow.prescriptionId },
      token,
      "prescription",
    );
  const pharmacyView = (flow: FlowResult) =>
    must<{ status: string; diagnosisCodes: string[] }>(
      url,
      `query ($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) { status diagnosisCodes } }`,
      { id: flow.prescriptionId, serial: flow.serialNumber },
      actorsA.pharmacistToken,
      "pharmacyPrescription",
    );

  const recordView = (consultId: string, token: string) =>
    must<{ sections: { diagnoses: { code: string; name: string }[]; treatmentAdvice: string } | null }>(
      url,
      `query ($id: ID!) { medicalRecordOfConsult(consultId: $id) { sections { diagnoses { code name } treatmentAdvice } } }`,
      { id: consultId },
      token,
      "medicalRecordOfConsult",
    );

  beforeAll(async () => {
    await start();
    demo = await seedDemo(url, platform.issuer, new Date());
    const staff = {
      url,
      institutionId: demo.institutionId,
      physicianToken: await loginAs(url, demo.staff.physicianLogin, demo.staff.password),
      pharmacistToken: await loginAs(url, demo.staff.pharmacistLogin, demo.staff.password),
      passkeys: demo.staff.passkeys,
    };
    const b = await registerPatient(url, demo.institutionId, "erasure-b");
    patientB = b.patientId;
    actorsA = { ...staff, patientToken: await loginAs(url, demo.patient.login, demo.patient.password) };
    actorsB = { ...staff, patientToken: await loginAs(url, b.login, b.password) };
    flowA = await runClinicalFlow(actorsA, "erasure-a", { prescribe: true });
    flowB = await runClinicalFlow(actorsB, "erasure-b", { prescribe: true });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("before: both patients read their diagnoses in clear, in the consult and in the outpatient record drafted from it", async () => {
    expect((await consultView(flowA.consultId, actorsA.patientToken)).diagnoses).toEqual([{ code: "E11.9", name: "2型糖尿病" }]);
    expect((await consultView(flowB.consultId, actorsB.patientToken)).diagnoses).toEqual([{ code: "E11.9", name: "2型糖尿病" }]);
    for (const [flow, actors] of [[flowA, actorsA], [flowB, actorsB]] as const) {
      await waitFor(async () => (await recordView(flow.consultId, actors.physicianToken).catch(() => undefined)) !== undefined, 20_000, "the drafted record");
      expect((await recordView(flow.consultId, actors.physicianToken)).sections?.diagnoses[0]?.name).toBe("2型糖尿病");
    }
  });

  it("only the patient's own institution administrator orders it, naming an approval; a refusal is recorded, not an erasure", async () => {
    const order = (token: string | undefined, approvalRef: string) =>
      graphql<{ requestSubjectErasure: { status: string } }>(
        url,
        `mutation ($input: RequestSubjectErasureInput!) { requestSubjectErasure(input: $input) { status } }`,
        { input: { requestId: "erasure-refused-1", patientId: demo.patient.patientId, retentionClass: "clinical", approvalRef } },
        token,
      );
    expect((await order(demo.tokens["physician"], "approval-1")).errors?.[0]?.extensions?.["code"]).toBe("ROLE_NOT_ALLOWED");
    expect((await order(demo.tokens["institution_admin"], "  ")).errors?.[0]?.extensions?.["code"]).toBe("APPROVAL_REFERENCE_REQUIRED");
    // Nothing was erased by the refusals.
    expect((await consultView(flowA.consultId, actorsA.patientToken)).diagnoses[0]?.name).toBe("2型糖尿病");
  });

  it("the order completes once every key holder confirmed it", async () => {
    const admin = demo.tokens["institution_admin"];
    const ordered = await must<{ erasureId: string; status: string; holders: string[]; attempts: number }>(
      url,
      `mutation ($input: RequestSubjectErasureInput!) { requestSubjectErasure(input: $input) { ${SUBJECT_ERASURE} } }`,
      { input: { requestId: "erasure-a-clinical", patientId: demo.patient.patientId, retentionClass: "clinical", approvalRef: "院长审批-2041-0007" } },
      admin,
      "requestSubjectErasure",
    );
    expect(ordered.holders).toEqual(HOLDERS);
    const status = () =>
      must<{ status: string; confirmed: string[]; pending: string[] }>(url, `query ($id: ID!) { subjectErasure(erasureId: $id) { ${SUBJECT_ERASURE} } }`, { id: ordered.erasureId }, admin, "subjectErasure");
    await waitFor(async () => (await status()).status === "COMPLETE", 20_000, "every holder's confirmation");
    expect(await status()).toMatchObject({ status: "COMPLETE", confirmed: HOLDERS, pending: [] });
    // The same request id finds the same erasure instead of ordering another.
    const again = await must<{ erasureId: string }>(
      url,
      `mutation ($input: RequestSubjectErasureInput!) { requestSubjectErasure(input: $input) { erasureId } }`,
      { input: { requestId: "erasure-a-clinical", patientId: demo.patient.patientId, retentionClass: "clinical", approvalRef: "院长审批-2041-0007" } },
      admin,
      "requestSubjectErasure",
    );
    expect(again.erasureId).toBe(ordered.erasureId);
  });

  const checkShredded = async (): Promise<void> => {
    const a = await consultView(flowA.consultId, actorsA.patientToken);
    expect(a.status).toBe("COMPLETED");
    expect(a.diagnoses).toEqual([{ code: "E11.9", name: ERASED }]);
    expect(a.confirmedDiagnoses).toEqual([{ code: "E11.9", name: ERASED }]);
    const b = await consultView(flowB.consultId, actorsB.patientToken);
    expect(b.diagnoses).toEqual([{ code: "E11.9", name: "2型糖尿病" }]);
    // Codes stay readable (rules and statistics); the documents still show, no error and no crash.
    expect(await prescriptionView(flowA, actorsA.physicianToken)).toMatchObject({ diagnosisCodes: ["E11.9"] });
    expect(await pharmacyView(flowA)).toMatchObject({ diagnosisCodes: ["E11.9"] });
    expect(await pharmacyView(flowB)).toMatchObject({ diagnosisCodes: ["E11.9"] });
    // The records service is a key holder too: A's record reads as the replacement (and the read is still logged).
    const recordA = await recordView(flowA.consultId, actorsA.physicianToken);
    expect(recordA.sections?.diagnoses).toEqual([{ code: "E11.9", name: ERASED }]);
    expect(recordA.sections?.treatmentAdvice).toBe(ERASED);
    expect((await recordView(flowB.consultId, actorsB.physicianToken)).sections?.diagnoses[0]?.name).toBe("2型糖尿病");
  };

  it("patient A's clinical data reads as 已销毁 in every service; patient B's is untouched", checkShredded);

  it("every service's log still verifies", () => {
    const logs = readdirSync(dataDir).filter((file) => file.endsWith("-events.sqlite"));
    expect(logs.length).toBeGreaterThanOrEqual(6);
    for (const file of logs) expect(verifyFile(join(dataDir, file)), file).toMatchObject({ ok: true });
  });

  it("read models rebuilt from zero after a restart resurrect nothing", async () => {
    await platform.stop();
    const readModels = readdirSync(dataDir).filter((file) => file.endsWith("-read-models.sqlite"));
    expect(readModels.length).toBeGreaterThan(0);
    for (const file of readModels) rmSync(join(dataDir, file));
    await start();
    actorsA = { ...actorsA, url };
    actorsB = { ...actorsB, url };
    await checkShredded();
  }, 120_000);

  it("new clinical data for patient A is refused with SUBJECT_ERASED; patient B still books", async () => {
    const request = (token: string, key: string) =>
      graphql<{ requestConsult: { id: string } }>(
        url,
        `mutation ($input: RequestConsultInput!) { requestConsult(input: $input) { id } }`,
        {
          input: {
            requestId: `${key}-request`,
            institutionId: demo.institutionId,
            consultType: "FOLLOW_UP",
            departmentCode: "03.07",
            priorRecord: {
              documentId: `${key}-prior`,
              recordType: "OUTPATIENT_RECORD",
              recordDate: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
              issuingInstitution: "示例市第一人民医院",
              diagnoses: [{ code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" }],
            },
          },
        },
        token,
      );
    const refused = await request(actorsA.patientToken, "erasure-after-a");
    expect(refused.errors?.[0]?.extensions?.["code"]).toBe("SUBJECT_ERASED");
    const booked = await request(actorsB.patientToken, "erasure-after-b");
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.requestConsult.id).toMatch(/\S/);
    expect(patientB).not.toBe(demo.patient.patientId);
  });
});
