import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEnvelope } from "@ihp/contracts";
import {
  ConsultCompleted,
  ConsultContextServiceService,
  ConsultRefused,
  ConsultDiagnosisFlag,
  ConsultEligibility,
  ConsultServiceService,
  ConsultStatus,
  ConsultType,
  FamilyContractStatus,
  MessageKind,
  PriorRecordType,
  type RequestConsultRequest,
  SenderRole,
  type WatchMessagesResponse,
} from "@ihp/contracts/consult";
import type { StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { profileAt } from "@ihp/jurisdiction";
import { type BusMessage, type Consumer, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { filesContaining, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsultService, consultConfigSchema, currentConsentText, startConsultService } from "../src/index.js";
import { refusalOf, TestClient } from "./support/client.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const UNCONNECTED = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f7f";
const DIABETES = { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" };
const HYPERTENSION = { code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" };

let now = new Date("2026-03-15T02:00:00Z");
let dataDir: string;
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let busConsumer: Consumer;
let service: ConsultService;
let consults: TestClient<typeof ConsultServiceService>;
let context: TestClient<typeof ConsultContextServiceService>;
let log: SqliteEventStore;
const identity = new InMemoryIdentity();
const published: BusMessage[] = [];
let counter = 0;

const token = (subject: string, roles: Role[], extra: { kind?: "human" | "service"; tenantId?: string } = {}) =>
  issuer.issue({ subject, roles, tenantId: extra.tenantId ?? INSTITUTION, kind: extra.kind ?? "human" });
const requestId = () => `req-${String(++counter).padStart(6, "0")}`;

function followUp(overrides: Partial<RequestConsultRequest> = {}): RequestConsultRequest {
  return {
    requestId: requestId(),
    institutionId: INSTITUTION,
    consultType: ConsultType.CONSULT_TYPE_FOLLOW_UP,
    departmentCode: "03.07",
    patientId: "patient-1",
    priorRecord: {
      documentId: "doc-1",
      hisLinkId: "",
      recordType: PriorRecordType.PRIOR_RECORD_TYPE_OUTPATIENT_RECORD,
      recordDate: "2026-03-01",
      issuingInstitution: "示范市第一人民医院",
      diagnoses: [DIABETES],
    },
    invitation: undefined,
    familyContractId: "",
    triageFlags: [],
    ...overrides,
  };
}

async function stream(consultId: string): Promise<StoredEvent[]> {
  return [...(await log.readStream(`consult-${consultId}`))];
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "consult-int-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  identity.institutions.set(INSTITUTION, { institutionId: INSTITUTION, jurisdiction: "guangxi", subjectCodes: ["03.07", "50"], regulatorConnected: true });
  identity.institutions.set(UNCONNECTED, { institutionId: UNCONNECTED, jurisdiction: "national", subjectCodes: ["03.07"], regulatorConnected: false });
  identity.patients.set("patient-1", { patientId: "patient-1", birthDate: "1970-05-01", sex: "F", verificationMethod: "ID_CARD_FACE_MATCH" });
  identity.patients.set("child-1", { patientId: "child-1", birthDate: "2021-06-01", sex: "M", verificationMethod: "GUARDIAN_ID_CARD" });
  identity.guardianships.add("guardian-1:child-1");
  identity.clinicians.set("physician-1", { institutionId: INSTITUTION, departments: ["03.07"], stepUp: false });
  identity.clinicians.set("physician-2", { institutionId: INSTITUTION, departments: ["03.07"], stepUp: true });
  bus = new InProcessBus();
  busConsumer = await bus.consume({ durable: "consult-test", subjects: ["ihp.consult.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });
  const config = loadConfig(consultConfigSchema, {
    SERVICE_NAME: "consult",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "1000",
    CONSULT_EXPIRY_SWEEP_SECONDS: "1",
  });
  service = await startConsultService({
    config,
    bus,
    verifier,
    identity,
    clock: () => new Date(now),
    logger: createLogger({ name: "consult", level: "silent" }),
  });
  consults = new TestClient(ConsultServiceService, service.grpcPort);
  context = new TestClient(ConsultContextServiceService, service.grpcPort);
  log = SqliteEventStore.open({ path: join(dataDir, "consult-events.sqlite") });
});

afterAll(async () => {
  consults?.close();
  context?.close();
  await service?.stop();
  await log?.close();
  await busConsumer?.stop();
  await bus?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("consult service over gRPC", () => {
  it("CON-01 … CON-06, IDN-03, IDN-08: runs a follow-up from request to signed completion, with queues and feed", async () => {
    const patient = await token("patient-1", ["patient"]);
    const physician = await token("physician-1", ["physician"]);
    const admin = await token("admin-1", ["institution_admin"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const consultId = consult!.consultId;
    expect(consult).toMatchObject({ status: ConsultStatus.CONSULT_STATUS_WAITING, eligibility: ConsultEligibility.CONSULT_ELIGIBILITY_PENDING, priorRecordId: "doc-1", patientId: "patient-1" });

    // Queues are read models rebuilt from events: wait for the projector.
    await waitFor(async () => (await consults.call("listWaitingConsults", { page: undefined }, physician)).consults.length > 0, 5_000, "waiting list");
    expect((await consults.call("listMyConsults", { page: undefined, statuses: [] }, patient)).consults.map((c) => c.consultId)).toContain(consultId);
    expect((await consults.call("listInstitutionBoard", { institutionId: INSTITUTION, page: undefined }, admin)).consults.map((c) => c.status)).toContain(ConsultStatus.CONSULT_STATUS_WAITING);

    // CON-06: consent to the current text.
    const text = await consults.call("getConsentText", {});
    expect(text.sha256).toBe(currentConsentText().sha256);
    expect((await refusalOf(consults.call("giveConsent", { requestId: requestId(), consultId, consentVersion: "2025-01", consentSha256: text.sha256 }, patient))).code).toBe("CONSENT_VERSION_STALE");
    await consults.call("giveConsent", { requestId: requestId(), consultId, consentVersion: text.version, consentSha256: text.sha256 }, patient);

    // IDN-03: a service credential never accepts; without a fresh step-up identity refuses.
    const bot = await token("physician-1", ["physician"], { kind: "service" });
    expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId }, bot))).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId }, physician))).code).toBe("STEP_UP_REQUIRED");
    identity.clinicians.get("physician-1")!.stepUp = true;
    const accepted = await consults.call("acceptConsult", { requestId: requestId(), consultId }, physician);
    expect(accepted.consult).toMatchObject({ status: ConsultStatus.CONSULT_STATUS_ACCEPTED, physicianId: "physician-1" });
    expect(identity.calls.find((c) => c.method === "checkReceiving" && c.token === physician)).toBeDefined();
    const other = await token("physician-2", ["physician"]);
    expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId }, other))).code).toBe("CONSULT_ALREADY_ACCEPTED");

    // CON-06: not in progress before eligibility and consent; CON-03: the signed eligibility decision.
    expect((await refusalOf(consults.call("startConsult", { requestId: requestId(), consultId }, physician))).code).toBe("ELIGIBILITY_NOT_DECIDED");
    const decided = await consults.call("decideEligibility", { requestId: requestId(), consultId, eligible: true, verifiedDiagnoses: [DIABETES] }, physician);
    expect(decided.signature?.signerId).toBe("physician-1");
    expect(decided.consult?.confirmedDiagnoses).toEqual([DIABETES]);
    await consults.call("startConsult", { requestId: requestId(), consultId }, physician);

    // RX-01/RX-02: the prescription service's view, only for the consult's physician.
    const ctx = await context.call("getPrescribingContext", { consultId }, physician);
    expect(ctx).toMatchObject({ status: "IN_PROGRESS", prescribingBlocked: false, confirmedDiagnoses: [DIABETES], jurisdiction: "guangxi", patientBirthDate: "1970-05-01" });
    expect((await refusalOf(context.call("getPrescribingContext", { consultId }, other))).code).toBe("NOT_ASSIGNED_PHYSICIAN");

    // Conversation: a live feed; text and image messages while in progress.
    const received: WatchMessagesResponse[] = [];
    const watch = consults.stream("watchMessages", { consultId }, patient, received);
    await consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_TEXT, text: "最近血糖如何？", mediaUri: "", mediaSha256: "" }, physician);
    await consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_IMAGE, text: "", mediaUri: "https://media.example/g1.jpg", mediaSha256: "e".repeat(64) }, patient);
    await waitFor(() => received.length === 2, 5_000, "two messages on the feed");
    expect(received.map((r) => [r.message?.senderRole, r.message?.kind])).toEqual([
      [SenderRole.SENDER_ROLE_PHYSICIAN, MessageKind.MESSAGE_KIND_TEXT],
      [SenderRole.SENDER_ROLE_PATIENT, MessageKind.MESSAGE_KIND_IMAGE],
    ]);
    const stranger = await token("patient-9", ["patient"]);
    expect((await refusalOf(consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_TEXT, text: "hi", mediaUri: "", mediaSha256: "" }, stranger))).code).toBe("NOT_CONSULT_PARTICIPANT");

    const video = await consults.call("joinVideo", { requestId: requestId(), consultId }, patient);
    expect(video.token.split(".")).toHaveLength(3);
    const again = await consults.call("joinVideo", { requestId: requestId(), consultId }, physician);
    expect(again.roomId).toBe(video.roomId);
    const system = await token("rtc-provider", ["system"], { kind: "service" });
    await consults.call("storeRecording", { requestId: requestId(), consultId, roomId: video.roomId, uri: "s3://media/rec-1.mp4", sha256: "f".repeat(64), durationSeconds: 600 }, system);

    // CON-08: a Class-A completion is refused before anything is signed.
    const signsBefore = identity.calls.filter((c) => c.method === "sign").length;
    const classA = await refusalOf(consults.call("completeConsult", { requestId: requestId(), consultId, summary: "疑似霍乱", diagnoses: [{ ...DIABETES, code: "A00.9" }] }, physician));
    expect(classA.code).toBe("CLASS_A_INFECTIOUS_DISEASE");
    expect(identity.calls.filter((c) => c.method === "sign")).toHaveLength(signsBefore);

    // CON-05: completion with a signed summary; a diagnosis outside the verified set is flagged.
    const completed = await consults.call("completeConsult", { requestId: requestId(), consultId, summary: "血糖控制可，继续原方案。", diagnoses: [DIABETES, HYPERTENSION] }, physician);
    expect(completed.consult?.diagnoses.map((d) => d.flag)).toEqual([ConsultDiagnosisFlag.CONSULT_DIAGNOSIS_FLAG_CONFIRMED, ConsultDiagnosisFlag.CONSULT_DIAGNOSIS_FLAG_NEW_DIAGNOSIS]);
    expect(completed.consult?.confirmedDiagnoses).toEqual([DIABETES]);
    expect(await watch.ended).toBeUndefined();
    expect((await refusalOf(consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_TEXT, text: "谢谢", mediaUri: "", mediaSha256: "" }, patient))).code).toBe("CONSULT_NOT_IN_PROGRESS");
    expect((await refusalOf(consults.call("terminateConsult", { requestId: requestId(), consultId, reasonCode: "CONDITION_CHANGED" }, physician))).code).toBe("CONSULT_CLOSED");
    expect((await context.call("getPrescribingContext", { consultId }, physician))).toMatchObject({ prescribingBlocked: true, blockedReason: "CONSULT_NOT_IN_PROGRESS" });

    // IDN-08 / XC-08: clinical events carry the authenticated clinician and the profile version.
    const events = await stream(consultId);
    expect(events.map((e) => e.type)).toEqual([
      "ConsultRequested",
      "ConsentGiven",
      "ConsultAccepted",
      "FollowUpEligibilityDecided",
      "ConsultStarted",
      "MessageSent",
      "MessageSent",
      "VideoRoomOpened",
      "RecordingStarted",
      "RecordingStored",
      "ConsultCompleted",
      "RecordingStopped",
    ]);
    const accept = events.find((e) => e.type === "ConsultAccepted")!;
    expect(accept.metadata).toMatchObject({ actorId: "physician-1", actorRole: "physician", tenantId: INSTITUTION, profileVersion: profileAt("guangxi", now).version });
    expect(accept.data).toMatchObject({ stepUpId: `step-up-${consultId}`, sessionId: "session-1" });

    // Integration events: minimum fields only.
    await waitFor(() => published.some((m) => m.subject === "ihp.consult.v1.ConsultCompleted"), 5_000, "ConsultCompleted on the bus");
    expect(published.map((m) => m.subject)).toEqual(expect.arrayContaining(["ihp.consult.v1.ConsultStarted", "ihp.consult.v1.ConsultCompleted"]));
    const envelope = EventEnvelope.decode(published.find((m) => m.subject === "ihp.consult.v1.ConsultCompleted")!.data);
    const payload = ConsultCompleted.decode(envelope.payload);
    expect(payload.summaryHash).toBe(completed.consult?.summaryHash);
    expect(JSON.stringify(payload)).not.toContain("血糖控制");

    // Issue 10, XC-01: messages, summary, diagnosis names, birth date: read back above, in clear in no file on disk.
    expect(await filesContaining(dataDir, ["最近血糖如何", "血糖控制可", "2型糖尿病", "原发性高血压", "1970-05-01"])).toEqual([]);
    await waitFor(async () => (await consults.call("listInstitutionBoard", { institutionId: INSTITUTION, page: undefined }, admin)).consults.every((c) => c.consultId !== consultId), 5_000, "board drops the completed consult");
  });

  it("CON-02, XC-02: a refused request leaves only its refusal, is fed, and a repeated request id gets the same answer", async () => {
    const patient = await token("patient-1", ["patient"]);
    const request = followUp({ priorRecord: undefined });
    const error = await refusalOf(consults.call("requestConsult", request, patient));
    expect([error.code, error.ruleId, error.status]).toEqual(["FIRST_VISIT_NOT_ALLOWED", "CON-02", 9]);
    const before = await log.readAll({ limit: 10_000 });
    const refusedEvent = before.filter((e) => e.type === "ConsultRequestRefused").at(-1)!;
    expect(refusedEvent.data).toMatchObject({ code: "FIRST_VISIT_NOT_ALLOWED", ruleId: "CON-02", patientId: "patient-1" });
    expect((await stream(refusedEvent.data["consultId"] as string)).map((e) => e.type)).toEqual(["ConsultRequestRefused"]);
    expect(before.filter((e) => e.type === "AccessRefused").some((e) => e.data["reason"] === "FIRST_VISIT_NOT_ALLOWED")).toBe(true);

    const repeated = await refusalOf(consults.call("requestConsult", request, patient));
    expect(repeated.code).toBe("FIRST_VISIT_NOT_ALLOWED");
    const after = await log.readAll({ limit: 10_000 });
    expect(after.filter((e) => e.type === "ConsultRequestRefused")).toHaveLength(before.filter((e) => e.type === "ConsultRequestRefused").length);

    await waitFor(() => published.some((m) => m.subject === "ihp.consult.v1.ConsultRefused"), 5_000, "ConsultRefused on the bus");
    const fed = ConsultRefused.decode(EventEnvelope.decode(published.find((m) => m.subject === "ihp.consult.v1.ConsultRefused")!.data).payload);
    expect(fed).toMatchObject({ reasonCode: "FIRST_VISIT_NOT_ALLOWED", institutionId: INSTITUTION, consultType: "FOLLOW_UP" });
  });

  it("REP-01, CON-04, IDN-07, CON-08: the gates refuse with their codes, each refusal stored", async () => {
    const patient = await token("patient-1", ["patient"]);
    const cases: [Partial<RequestConsultRequest>, string][] = [
      [{ institutionId: UNCONNECTED }, "REGULATOR_NOT_CONNECTED"],
      [{ priorRecord: { ...followUp().priorRecord!, recordDate: "2026-02-14" } }, "PRIOR_RECORD_TOO_OLD"],
      [{ priorRecord: { ...followUp().priorRecord!, recordDate: "2026-04-01" } }, "INVALID_PRIOR_RECORD_DATE"],
      [{ patientId: "patient-unverified" }, "PATIENT_NOT_VERIFIED"],
      [{ triageFlags: ["EMERGENCY"] }, "EMERGENCY_NOT_ALLOWED"],
      [{ consultType: ConsultType.CONSULT_TYPE_UNSPECIFIED }, "CONSULT_TYPE_NOT_ALLOWED"],
      [{ departmentCode: "04.01" }, "OUT_OF_SCOPE"],
      [{ consultType: ConsultType.CONSULT_TYPE_INVITED_CONSULTATION, priorRecord: undefined }, "INVITATION_REQUIRED"],
      [{ consultType: ConsultType.CONSULT_TYPE_FAMILY_DOCTOR, priorRecord: undefined, familyContractId: "0193a9f2-7c1d-8e4b-9a6f-000000000000" }, "FAMILY_CONTRACT_REQUIRED"],
    ];
    for (const [change, code] of cases) {
      const refused = await refusalOf(consults.call("requestConsult", followUp(change), patient));
      expect(refused.code).toBe(code);
    }
    const stored = (await log.readAll({ limit: 10_000 })).filter((e) => e.type === "ConsultRequestRefused").map((e) => e.data["code"]);
    expect(stored).toEqual(expect.arrayContaining(cases.map(([, code]) => code)));
    // Bad ids are refused before any rule runs and leave no consult event.
    expect((await refusalOf(consults.call("requestConsult", followUp({ requestId: "x" }), patient))).code).toBe("INVALID_REQUEST_ID");
    expect((await refusalOf(consults.call("requestConsult", followUp({ institutionId: "nope" }), patient))).code).toBe("INVALID_INSTITUTION_ID");
    const physician = await token("physician-1", ["physician"]);
    expect((await refusalOf(consults.call("requestConsult", followUp(), physician))).code).toBe("ROLE_NOT_ALLOWED");
  });

  it("makes RequestConsult idempotent by request id", async () => {
    const patient = await token("patient-1", ["patient"]);
    const request = followUp();
    const first = await consults.call("requestConsult", request, patient);
    const second = await consults.call("requestConsult", request, patient);
    expect(second.consult?.consultId).toBe(first.consult?.consultId);
    expect((await stream(first.consult!.consultId)).map((e) => e.type)).toEqual(["ConsultRequested"]);
  });

  it("REP-01: a consult cannot be accepted after the institution was disconnected from the supervision platform", async () => {
    const patient = await token("patient-1", ["patient"]);
    const physician = await token("physician-2", ["physician"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const institution = identity.institutions.get(INSTITUTION)!;
    identity.institutions.set(INSTITUTION, { ...institution, regulatorConnected: false });
    try {
      expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId: consult!.consultId }, physician))).code).toBe("REGULATOR_NOT_CONNECTED");
      expect((await stream(consult!.consultId)).map((e) => e.type)).toEqual(["ConsultRequested"]);
    } finally {
      identity.institutions.set(INSTITUTION, institution);
    }
  });

  it("CON-07: termination with a configured reason refers the patient and blocks prescribing", async () => {
    const patient = await token("patient-1", ["patient"]);
    const physician = await token("physician-2", ["physician"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const consultId = consult!.consultId;
    await consults.call("acceptConsult", { requestId: requestId(), consultId }, physician);
    expect((await refusalOf(consults.call("terminateConsult", { requestId: requestId(), consultId, reasonCode: "BORED" }, physician))).code).toBe("UNKNOWN_TERMINATION_REASON");
    const terminated = await consults.call("terminateConsult", { requestId: requestId(), consultId, reasonCode: "NEEDS_PHYSICAL_EXAMINATION" }, physician);
    expect(terminated.consult).toMatchObject({ status: ConsultStatus.CONSULT_STATUS_TERMINATED_REFERRED, terminationReason: "NEEDS_PHYSICAL_EXAMINATION" });
    expect((await stream(consultId)).map((e) => e.type)).toContain("ReferralNoticeIssued");
    expect(await context.call("getPrescribingContext", { consultId }, physician)).toMatchObject({ prescribingBlocked: true, blockedReason: "CONSULT_TERMINATED" });
    await waitFor(() => published.some((m) => m.subject === "ihp.consult.v1.ConsultTerminated"), 5_000, "ConsultTerminated on the bus");
  });

  it("expires consults nobody accepted within the window, through the sweep", async () => {
    const patient = await token("patient-1", ["patient"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const consultId = consult!.consultId;
    await waitFor(async () => (await consults.call("listMyConsults", { page: undefined, statuses: [] }, patient)).consults.some((c) => c.consultId === consultId), 5_000, "projected");
    expect((await refusalOf(consults.call("expireOverdueConsults", {}, patient))).code).toBe("ROLE_NOT_ALLOWED");
    const system = await token("scheduler", ["system"], { kind: "service" });
    now = new Date(now.getTime() + 31 * 60_000);
    // The service's own sweep (CONSULT_EXPIRY_SWEEP_SECONDS=1 here) expires it, as the system, without being asked.
    const status = async () => (await consults.call("getConsult", { consultId }, patient)).consult?.status;
    await waitFor(async () => (await status()) === ConsultStatus.CONSULT_STATUS_EXPIRED, 5_000, "the sweep to expire the consult");
    const expiry = (await stream(consultId)).find((event) => event.type === "ConsultExpired");
    expect(expiry?.metadata).toMatchObject({ actorId: "svc:consult", actorRole: "system" });
    // The RPC for an outside scheduler finds nothing left to do for it.
    const { expiredConsultIds } = await consults.call("expireOverdueConsults", {}, system);
    expect(expiredConsultIds).not.toContain(consultId);
    const physician = await token("physician-2", ["physician"]);
    expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId }, physician))).code).toBe("CONSULT_CLOSED");
  });

  it("RX-05: a child's consult is requested by a verified guardian, who appears in the prescribing context", async () => {
    const guardian = await token("guardian-1", ["patient"]);
    const childRequest = followUp({ patientId: "child-1" });
    const { consult } = await consults.call("requestConsult", childRequest, guardian);
    expect(consult).toMatchObject({ patientId: "child-1", guardianId: "guardian-1" });
    const child = await token("child-1", ["patient"]);
    expect((await refusalOf(consults.call("requestConsult", followUp({ patientId: "child-1" }), child))).code).toBe("GUARDIAN_REQUIRED");
    const strangerAdult = await token("patient-1", ["patient"]);
    expect((await refusalOf(consults.call("requestConsult", followUp({ patientId: "child-1" }), strangerAdult))).code).toBe("GUARDIAN_NOT_VERIFIED");
    const system = await token("rx", ["system"], { kind: "service" });
    expect(await context.call("getPrescribingContext", { consultId: consult!.consultId }, system)).toMatchObject({ guardianId: "guardian-1", guardianVerified: true });
  });

  it("CON-10: a family-doctor contract signed by both sides allows a FAMILY_DOCTOR consult", async () => {
    const doctor = await token("physician-2", ["physician"]);
    const patient = await token("patient-1", ["patient"]);
    const { contract } = await consults.call(
      "proposeFamilyContract",
      {
        requestId: requestId(),
        patientId: "patient-1",
        serviceContent: "慢病随访、用药指导",
        process: "线上预约，每月随访一次",
        rightsAndDuties: "医生按约随访；居民如实提供病情",
        risks: "线上诊疗无法体格检查",
        validFrom: "2026-03-01",
        validUntil: "2027-02-28",
        coveredDiagnoses: [HYPERTENSION],
      },
      doctor,
    );
    expect(contract).toMatchObject({ status: FamilyContractStatus.FAMILY_CONTRACT_STATUS_PROPOSED, active: false });
    const request = followUp({ consultType: ConsultType.CONSULT_TYPE_FAMILY_DOCTOR, priorRecord: undefined, familyContractId: contract!.contractId });
    expect((await refusalOf(consults.call("requestConsult", request, patient))).code).toBe("FAMILY_CONTRACT_REQUIRED");
    expect((await refusalOf(consults.call("signFamilyContract", { requestId: requestId(), contractId: contract!.contractId, termsSha256: "0".repeat(64) }, patient))).code).toBe("INVALID_FAMILY_CONTRACT");
    const signed = await consults.call("signFamilyContract", { requestId: requestId(), contractId: contract!.contractId, termsSha256: contract!.termsSha256 }, patient);
    expect(signed.contract).toMatchObject({ status: FamilyContractStatus.FAMILY_CONTRACT_STATUS_SIGNED, active: true });
    const ok = await consults.call("requestConsult", { ...request, requestId: requestId() }, patient);
    expect(ok.consult).toMatchObject({
      consultType: ConsultType.CONSULT_TYPE_FAMILY_DOCTOR,
      confirmedDiagnoses: [HYPERTENSION],
      eligibility: ConsultEligibility.CONSULT_ELIGIBILITY_NOT_REQUIRED,
    });
  });
  it("IDN-03: no clinical write with a service credential or a system-role token, patient side included (HUMAN_CLINICIAN_REQUIRED); only the audit record is appended", async () => {
    const patient = await token("patient-1", ["patient"]);
    const physician = await token("physician-2", ["physician"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const consultId = consult!.consultId;
    const text = await consults.call("getConsentText", {});
    await consults.call("giveConsent", { requestId: requestId(), consultId, consentVersion: text.version, consentSha256: text.sha256 }, patient);
    await consults.call("acceptConsult", { requestId: requestId(), consultId }, physician);
    // A job's credential claiming clinical roles, and a "human" token that carries the system role.
    const service = await token("physician-2", ["physician", "patient"], { kind: "service" });
    const systemHuman = await token("physician-2", ["physician", "system"]);
    const servicePatient = await token("patient-1", ["patient"], { kind: "service" });
    const before = await log.readAll({ limit: 100_000 });
    const writes = [
      () => consults.call("decideEligibility", { requestId: requestId(), consultId, eligible: true, verifiedDiagnoses: [DIABETES] }, service),
      () => consults.call("decideEligibility", { requestId: requestId(), consultId, eligible: true, verifiedDiagnoses: [DIABETES] }, systemHuman),
      () => consults.call("startConsult", { requestId: requestId(), consultId }, systemHuman),
      () => consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_TEXT, text: "按时服药", mediaUri: "", mediaSha256: "" }, systemHuman),
      () => consults.call("completeConsult", { requestId: requestId(), consultId, summary: "病情稳定", diagnoses: [DIABETES] }, service),
      () => consults.call("terminateConsult", { requestId: requestId(), consultId, reasonCode: "CONDITION_CHANGED" }, systemHuman),
      () => consults.call("giveConsent", { requestId: requestId(), consultId, consentVersion: text.version, consentSha256: text.sha256 }, servicePatient),
      () => consults.call("cancelConsult", { requestId: requestId(), consultId }, servicePatient),
      () => consults.call("requestConsult", followUp(), servicePatient),
    ];
    for (const write of writes) expect((await refusalOf(write())).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
    expect(appended).toEqual(writes.map(() => "AccessRefused"));
    expect((await stream(consultId)).at(-1)?.type).toBe("ConsultAccepted");
  });
});
