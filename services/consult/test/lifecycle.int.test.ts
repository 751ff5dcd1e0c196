import { EventEnvelope } from "@ihp/contracts";
import {
  ConsultCompleted,
  ConsultDiagnosisFlag,
  ConsultEligibility,
  ConsultStatus,
  MessageKind,
  SenderRole,
  type WatchMessagesResponse,
} from "@ihp/contracts/consult";
import { profileAt } from "@ihp/jurisdiction";
import { filesContaining, waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { currentConsentText } from "../src/index.js";
import { refusalOf } from "./support/client.js";
import {
  advanceClock,
  consults,
  context,
  dataDir,
  followUp,
  identity,
  INSTITUTION,
  log,
  now,
  published,
  requestId,
  stream,
  token,
  useConsultService,
} from "./support/consultService.js";
import { DIABETES, HYPERTENSION } from "./support/fixtures.js";

useConsultService();

describe("consult service over gRPC: a consult's course", () => {
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
    expect(ctx).toMatchObject({ status: ConsultStatus.CONSULT_STATUS_IN_PROGRESS, prescribingBlocked: false, confirmedDiagnoses: [DIABETES], jurisdiction: "guangxi", patientBirthDate: "1970-05-01" });
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
    advanceClock(31 * 60_000);
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

  it("IDN-08: a superseded session's token, or one that names no session, cannot start, send a message, join the video or terminate; only the audit record is appended", async () => {
    identity.clinicians.set("physician-3", { institutionId: INSTITUTION, departments: ["03.07"], stepUp: true });
    const patient = await token("patient-1", ["patient"]);
    const first = await token("physician-3", ["physician"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const consultId = consult!.consultId;
    const text = await consults.call("getConsentText", {});
    await consults.call("giveConsent", { requestId: requestId(), consultId, consentVersion: text.version, consentSha256: text.sha256 }, patient);
    await consults.call("acceptConsult", { requestId: requestId(), consultId }, first);
    await consults.call("decideEligibility", { requestId: requestId(), consultId, eligible: true, verifiedDiagnoses: [DIABETES] }, first);
    // The physician signs in again elsewhere: the first session is superseded.
    identity.sessions.set("physician-3", "session-physician-3-second");
    const current = await token("physician-3", ["physician"]);
    const sessionless = await token("physician-3", ["physician"], { sessionId: null });
    const writes = (who: string) => [
      () => consults.call("startConsult", { requestId: requestId(), consultId }, who),
      () => consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_TEXT, text: "按时服药", mediaUri: "", mediaSha256: "" }, who),
      () => consults.call("joinVideo", { requestId: requestId(), consultId }, who),
      () => consults.call("terminateConsult", { requestId: requestId(), consultId, reasonCode: "CONDITION_CHANGED" }, who),
    ];
    const before = await log.readAll({ limit: 100_000 });
    for (const write of writes(first)) expect((await refusalOf(write())).code).toBe("SESSION_SUPERSEDED");
    for (const write of writes(sessionless)) expect((await refusalOf(write())).code).toBe("SESSION_REQUIRED");
    const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
    expect(appended).toEqual([...writes(first), ...writes(sessionless)].map(() => "AccessRefused"));
    expect((await stream(consultId)).at(-1)?.type).toBe("FollowUpEligibilityDecided");
    expect(identity.calls.filter((c) => c.method === "checkSession" && c.token === first)).toHaveLength(4);

    // The current session does them all; the patient's side never asks identity for a session.
    const [start, message, video, terminate] = writes(current);
    await start!();
    await message!();
    await consults.call("sendMessage", { requestId: requestId(), consultId, kind: MessageKind.MESSAGE_KIND_TEXT, text: "好的", mediaUri: "", mediaSha256: "" }, await token("patient-1", ["patient"], { sessionId: null }));
    await video!();
    await terminate!();
    expect((await stream(consultId)).map((e) => e.type)).toEqual(expect.arrayContaining(["ConsultStarted", "MessageSent", "VideoRoomOpened", "ConsultTerminated"]));
    expect(identity.calls.filter((c) => c.method === "checkSession" && c.token === patient)).toHaveLength(0);
  });
});
