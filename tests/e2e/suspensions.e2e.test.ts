import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

import {
  beijingDate,
  demoActors,
  type DemoSeed,
  type EmbeddedPlatform,
  type FlowActors,
  FlowError,
  loginAs,
  must,
  prescribeForReview,
  runClinicalFlow,
  seedDemo,
  startEmbeddedPlatform,
  startFollowUp,
  stepUp,
} from "@ihp/runner";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWholeFeed } from "./support/feedExport.js";

// REP-06 end to end through GraphQL on the embedded platform: a SERIOUS adverse event suspends its scope at once —
// the drug (prescription refuses to sign it), the department (consult refuses the request), the clinician (consult
// refuses the start) — and lifting it, an explicit recorded decision, restores the service. REP-04 satisfaction
// and complaints on a finished consult, fed with codes only.

const DRUG = "metformin-hcl-tab-0.5g";
const DEPARTMENT = "03.07";
const DIAGNOSIS = { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" };

async function refusal(work: Promise<unknown>): Promise<FlowError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe("REP-06 suspensions and REP-04 feedback end to end, embedded mode, through GraphQL only", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-suspend-"));
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "warn" });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
    admin = demo.tokens["institution_admin"]!;
    actors = await demoActors(url, demo);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function reportSerious(token: string, scopeKind: string, scopeValue: string, extra: Record<string, unknown> = {}) {
    const kind = scopeKind === "DRUG" ? "DRUG" : "MEDICAL_SERVICE";
    const input = { adverseEventId: randomUUID(), institutionId: demo.institutionId, kind, severity: "SERIOUS", scopeKind, scopeValue, description: "服药后出现严重皮疹，已停药就医。", ...extra };
    return must<{ suspended: boolean; suspensionId: string }>(
      url,
      `mutation ($input: ReportAdverseEventInput!) { reportAdverseEvent(input: $input) { adverseEventId reportedAt suspended suspensionId } }`,
      { input },
      token,
      "reportAdverseEvent",
    );
  }

  async function lift(suspensionId: string, reason: string) {
    return must<{ liftedAt: string }>(
      url,
      `mutation ($input: LiftSuspensionInput!) { liftSuspension(input: $input) { suspensionId liftedAt } }`,
      { input: { institutionId: demo.institutionId, suspensionId, reason } },
      admin,
      "liftSuspension",
    );
  }

  it("REP-06: a SERIOUS drug event makes signing a prescription of that drug refuse (DRUG_SUSPENDED); lifting restores it", async () => {
    const consultId = await startFollowUp(actors, "rep06-drug", new Date());
    const report = await reportSerious(actors.physicianToken, "DRUG", DRUG, { consultId });
    expect(report.suspended).toBe(true);

    const refused = await refusal(prescribeForReview(actors, "rep06-drug-1", consultId));
    expect(refused.code).toBe("DRUG_SUSPENDED");

    // A MILD event suspends nothing.
    const mild = await must<{ suspended: boolean; suspensionId: string | null }>(
      url,
      `mutation ($input: ReportAdverseEventInput!) { reportAdverseEvent(input: $input) { suspended suspensionId } }`,
      { input: { adverseEventId: randomUUID(), institutionId: demo.institutionId, kind: "DRUG", severity: "MILD", scopeKind: "DRUG", scopeValue: "other-drug", description: "轻微胃肠不适。" } },
      actors.pharmacistToken,
      "reportAdverseEvent",
    );
    expect(mild).toEqual({ suspended: false, suspensionId: null });

    // Lifting needs a reason, and only the institution's administrator may lift.
    expect((await refusal(lift(report.suspensionId, " "))).code).toBe("LIFT_REASON_REQUIRED");
    const byPhysician = must(url, `mutation ($input: LiftSuspensionInput!) { liftSuspension(input: $input) { liftedAt } }`,
      { input: { institutionId: demo.institutionId, suspensionId: report.suspensionId, reason: "x" } }, actors.physicianToken, "liftSuspension");
    expect((await refusal(byPhysician)).code).toBe("ROLE_NOT_ALLOWED");
    await lift(report.suspensionId, "药品批次排查完毕，恢复使用。");

    const ids = await prescribeForReview(actors, "rep06-drug-2", consultId);
    expect(ids.serialNumber).toMatch(/\S/);

    const suspensions = await must<{ suspensionId: string; scopeKind: string; liftedBy: string | null; liftReason: string | null }[]>(
      url,
      `query ($id: ID!) { suspensions(institutionId: $id) { suspensionId scopeKind scopeValue liftedAt liftedBy liftReason } }`,
      { id: demo.institutionId },
      admin,
      "suspensions",
    );
    expect(suspensions.find((s) => s.suspensionId === report.suspensionId)).toMatchObject({ scopeKind: "DRUG", liftReason: "药品批次排查完毕，恢复使用。" });
    expect(suspensions.find((s) => s.suspensionId === report.suspensionId)?.liftedBy).toMatch(/\S/);
  }, 60_000);

  it("REP-06: a SERIOUS department event makes requesting a consult there refuse (DEPARTMENT_SUSPENDED); lifting restores it", async () => {
    const report = await reportSerious(admin, "DEPARTMENT", DEPARTMENT);
    const refused = await refusal(startFollowUp(actors, "rep06-dept-1", new Date()));
    expect(refused.field).toBe("requestConsult");
    expect(refused.code).toBe("DEPARTMENT_SUSPENDED");
    await lift(report.suspensionId, "科室整改完成。");
    await expect(startFollowUp(actors, "rep06-dept-2", new Date())).resolves.toMatch(/\S/);
  }, 60_000);

  it("REP-06: a SERIOUS event about a clinician makes their consult start refuse (CLINICIAN_SUSPENDED); lifting restores it", async () => {
    const key = "rep06-clinician";
    const consult = await must<{ id: string }>(
      url,
      `mutation ($input: RequestConsultInput!) { requestConsult(input: $input) { id } }`,
      {
        input: {
          requestId: `${key}-request`,
          institutionId: demo.institutionId,
          consultType: "FOLLOW_UP",
          departmentCode: DEPARTMENT,
          priorRecord: { documentId: `${key}-prior`, recordType: "OUTPATIENT_RECORD", recordDate: beijingDate(new Date(), -10), issuingInstitution: "示例市第一人民医院", diagnoses: [DIAGNOSIS] },
        },
      },
      actors.patientToken,
      "requestConsult",
    );
    const act = (field: string, token: string, requestId: string, extra: Record<string, unknown> = {}, type = "ConsultActionInput", selection = "id") =>
      must(url, `mutation ($input: ${type}!) { ${field}(input: $input) { ${selection} } }`, { input: { requestId, consultId: consult.id, ...extra } }, token, field);
    await stepUp(url, actors.physicianToken, { consultId: consult.id }, actors.passkeys.physician, `${key}-step-up`);
    await act("acceptConsult", actors.physicianToken, `${key}-accept`);
    await act("decideEligibility", actors.physicianToken, `${key}-eligible`, { eligible: true, verifiedDiagnoses: [DIAGNOSIS] }, "DecideConsultEligibilityInput", "consult { id }");
    const consent = await must<{ version: string; sha256: string }>(url, `{ consentText { version sha256 } }`, {}, undefined, "consentText");
    await act("giveConsent", actors.patientToken, `${key}-consent`, { consentVersion: consent.version, consentSha256: consent.sha256 }, "GiveConsultConsentInput");

    const report = await reportSerious(admin, "CLINICIAN", demo.staff.physicianId);
    expect((await refusal(act("startConsult", actors.physicianToken, `${key}-start-1`))).code).toBe("CLINICIAN_SUSPENDED");
    await lift(report.suspensionId, "调查结论：与医师执业行为无关。");
    await expect(act("startConsult", actors.physicianToken, `${key}-start-2`)).resolves.toMatchObject({ id: consult.id });
  }, 60_000);

  it("REP-04: the patient rates a finished consult and complains; the complaint is handled; the feed carries codes only", async () => {
    const { consultId } = await runClinicalFlow(actors, "rep04-feedback", { prescribe: false });
    const comment = "医生很耐心，谢谢-canary-7731";
    const rate = () =>
      must<{ ratedAt: string }>(url, `mutation ($input: RateConsultInput!) { rateConsult(input: $input) { ratedAt } }`,
        { input: { consultId, score: 5, comment, requestId: "rep04-rate" } }, actors.patientToken, "rateConsult");
    // The completion reaches reporting over the bus: until then the consult is not finished there.
    const rated = async (): Promise<boolean> => {
      try {
        await rate();
        return true;
      } catch (error) {
        if (error instanceof FlowError && error.code === "CONSULT_NOT_FINISHED") return false;
        throw error;
      }
    };
    await waitFor(rated, 10_000, "the completion to reach reporting");
    expect((await refusal(must(url, `mutation ($input: RateConsultInput!) { rateConsult(input: $input) { ratedAt } }`,
      { input: { consultId, score: 4 } }, actors.patientToken, "rateConsult"))).code).toBe("CONSULT_ALREADY_RATED");

    const complaintId = randomUUID();
    const receipt = await must<{ acknowledgeBy: string; resolveBy: string }>(
      url,
      `mutation ($input: FileComplaintInput!) { fileComplaint(input: $input) { complaintId receivedAt acknowledgeBy resolveBy } }`,
      { input: { complaintId, consultId, category: "WAITING_TIME", text: `等待时间过长-canary-7731` } },
      actors.patientToken,
      "fileComplaint",
    );
    expect(receipt.resolveBy > receipt.acknowledgeBy).toBe(true);
    const advance = (status: string, note?: string) =>
      must<{ status: string }>(url, `mutation ($input: AdvanceComplaintInput!) { advanceComplaint(input: $input) { status at } }`,
        { input: { complaintId, status, ...(note === undefined ? {} : { note }) } }, admin, "advanceComplaint");
    expect((await refusal(advance("RESOLVED", "跳过调查"))).code).toBe("COMPLAINT_TRANSITION_NOT_ALLOWED");
    await advance("INVESTIGATING");
    expect((await refusal(advance("RESOLVED"))).code).toBe("COMPLAINT_NOTE_REQUIRED");
    expect((await advance("RESOLVED", "已向患者说明并优化排班")).status).toBe("RESOLVED");

    const regulator = demo.tokens["regulator"]!;
    const selection = `category payload { __typename ... on SatisfactionEntry { consultId score } ... on ComplaintEntry { complaintId status late } ... on AdverseEventEntry { adverseEventId change scopeKind suspended } }`;
    const feed = (await readWholeFeed(url, regulator, selection)) as { category: string; payload: Record<string, unknown> }[];
    expect(feed.filter((e) => e.category === "SATISFACTION").map((e) => e.payload)).toContainEqual({ __typename: "SatisfactionEntry", consultId, score: 5 });
    expect(feed.filter((e) => e.category === "COMPLAINT" && e.payload["complaintId"] === complaintId).map((e) => e.payload["status"])).toEqual(["RECEIVED", "INVESTIGATING", "RESOLVED"]);
    const adverse = feed.filter((e) => e.category === "ADVERSE_EVENT").map((e) => e.payload["change"]);
    expect(adverse).toContain("REPORTED");
    expect(adverse).toContain("SUSPENSION_LIFTED");
    expect(JSON.stringify(await readWholeFeed(url, regulator, `category sourceEventId occurredAt institutionId jurisdiction`))).not.toContain("canary");
  }, 90_000);

  // Last: it signs the pharmacist in again, which ends the session of actors.pharmacistToken.
  it("IDN-08: once the pharmacist signs in again, the old session's token reports no adverse event (SESSION_SUPERSEDED) and suspends nothing", async () => {
    const old = actors.pharmacistToken;
    const current = await loginAs(url, demo.staff.pharmacistLogin, demo.staff.password);
    actors = { ...actors, pharmacistToken: current };
    const suspensions = () => must<unknown[]>(url, `query ($id: ID!) { suspensions(institutionId: $id) { suspensionId } }`, { id: demo.institutionId }, admin, "suspensions");
    const before = await suspensions();
    expect((await refusal(reportSerious(old, "DRUG", "idn08-drug"))).code).toBe("SESSION_SUPERSEDED");
    expect(await suspensions()).toEqual(before);
    const report = await reportSerious(current, "DRUG", "idn08-drug");
    expect(report.suspended).toBe(true);
    await lift(report.suspensionId, "核查完毕，恢复使用。");
  }, 60_000);
});
