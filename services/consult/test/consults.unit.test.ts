import { profileAt } from "@ihp/jurisdiction";
import { DomainError } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type ConsultEvent, consultDecider } from "../src/domain/consults/index.js";
import {
  ACCEPTED,
  AT,
  CHILD,
  CONSENTED,
  CONSULT_ID,
  DIABETES,
  ELIGIBLE,
  GUARDIAN,
  HYPERTENSION,
  IN_PROGRESS,
  INSTITUTION_ID,
  LATER,
  PATIENT,
  PHYSICIAN,
  REQUESTED,
  requestCommand,
  SETTINGS,
  SIGNATURE,
  STARTED,
} from "./support/fixtures.js";

const prior = requestCommand().priorRecord!;

/** The events a decision produced; fails the test when it refused. */
function eventsOf(outcome: readonly ConsultEvent[] | DomainError): readonly ConsultEvent[] {
  if (outcome instanceof DomainError) throw new Error(`expected events, got ${outcome.code}`);
  return outcome;
}

describe("RequestConsult", () => {
  it("CON-03: records a follow-up with its prior record, waiting for acceptance within the window", () => {
    given(consultDecider).when(requestCommand()).then([REQUESTED]);
  });

  it.each(["FIRST_VISIT", "GENERAL", "", "follow_up"])("CON-01: refuses consult type %j with CONSULT_TYPE_NOT_ALLOWED", (consultType) => {
    given(consultDecider).when(requestCommand({ consultType })).thenError("CONSULT_TYPE_NOT_ALLOWED", "CON-01");
  });

  it("CON-02: refuses a first visit with FIRST_VISIT_NOT_ALLOWED and a message to visit a hospital", () => {
    const error = given(consultDecider).when(requestCommand({ priorRecord: null })).thenError("FIRST_VISIT_NOT_ALLOWED", "CON-02");
    expect(error.message).toMatch(/visit a hospital in person/);
    given(consultDecider)
      .when(requestCommand({ priorRecord: { ...prior, documentId: "", hisLinkId: "" } }))
      .thenError("FIRST_VISIT_NOT_ALLOWED");
  });

  it("CON-03: refuses a record of another type, without a diagnosis or with two ids; accepts a HIS link", () => {
    for (const change of [{ recordType: "LAB_REPORT" }, { diagnoses: [] }, { hisLinkId: "his-1" }, { issuingInstitution: "" }]) {
      given(consultDecider)
        .when(requestCommand({ priorRecord: { ...prior, ...change } }))
        .thenError("PRIOR_RECORD_NOT_QUALIFYING", "CON-03");
    }
    const linked = consultDecider.decide(requestCommand({ priorRecord: { ...prior, documentId: "", hisLinkId: "his-1", recordType: "DISCHARGE_SUMMARY" } }), consultDecider.initialState);
    expect(eventsOf(linked)).toMatchObject([{ data: { priorRecord: { source: "HIS", recordId: "his-1" } } }]);
  });

  it("REC-01: a HIS-linked prior record keeps the encounter's HIS patient id; an upload keeps none, whatever it carries", () => {
    const linked = consultDecider.decide(requestCommand({ priorRecord: { ...prior, documentId: "", hisLinkId: "his-1", hisPatientId: "MZ-77" } }), consultDecider.initialState);
    expect(eventsOf(linked)).toMatchObject([{ data: { priorRecord: { source: "HIS", hisPatientId: "MZ-77" } } }]);
    const uploaded = eventsOf(consultDecider.decide(requestCommand({ priorRecord: { ...prior, hisPatientId: "MZ-77" } }), consultDecider.initialState));
    const data = uploaded[0]!.data as { priorRecord: Record<string, unknown> };
    expect(data.priorRecord["source"]).toBe("UPLOAD");
    expect(data.priorRecord).not.toHaveProperty("hisPatientId");
  });

  it("CON-04: under the Guangxi profile refuses a record dated before the same day of the previous month", () => {
    const guangxi = { profile: profileAt("guangxi", AT), institution: { ...requestCommand().institution, jurisdiction: "guangxi" as const } };
    given(consultDecider)
      .when(requestCommand({ ...guangxi, priorRecord: { ...prior, recordDate: "2026-02-14" } }))
      .thenError("PRIOR_RECORD_TOO_OLD", "CON-04");
    const sameDay = consultDecider.decide(requestCommand({ ...guangxi, priorRecord: { ...prior, recordDate: "2026-02-15" } }), consultDecider.initialState);
    expect(Array.isArray(sameDay)).toBe(true);
  });

  it("CON-04: under the national profile accepts an old record", () => {
    const old = consultDecider.decide(requestCommand({ priorRecord: { ...prior, recordDate: "2019-01-01" } }), consultDecider.initialState);
    expect(Array.isArray(old)).toBe(true);
  });

  it("CON-04: refuses a future or impossible prior-record date", () => {
    for (const recordDate of ["2026-03-16", "2026-02-30", "15/03/2026"]) {
      given(consultDecider).when(requestCommand({ priorRecord: { ...prior, recordDate } })).thenError("INVALID_PRIOR_RECORD_DATE");
    }
  });

  it("REP-01: refuses when the institution is not connected to the supervision platform", () => {
    const institution = { ...requestCommand().institution, regulatorConnected: false };
    given(consultDecider).when(requestCommand({ institution })).thenError("REGULATOR_NOT_CONNECTED", "REP-01");
  });

  it("IDN-06: refuses a department outside the licensed subjects (OUT_OF_SCOPE) and a malformed one", () => {
    given(consultDecider).when(requestCommand({ departmentCode: "04.01" })).thenError("OUT_OF_SCOPE", "IDN-06");
    given(consultDecider).when(requestCommand({ departmentCode: "cardiology" })).thenError("UNKNOWN_DEPARTMENT", "IDN-06");
    // A licensed parent subject ("50") covers its sub-specialties.
    expect(Array.isArray(consultDecider.decide(requestCommand({ departmentCode: "50.01" }), consultDecider.initialState))).toBe(true);
  });

  it("CON-08: refuses an emergency and a Class-A (or managed-as-Class-A) diagnosis", () => {
    given(consultDecider).when(requestCommand({ triageFlags: ["EMERGENCY"] })).thenError("EMERGENCY_NOT_ALLOWED", "CON-08");
    for (const code of ["A00.9", "A20", "A22.1"]) {
      const diagnoses = [{ ...DIABETES, code }];
      given(consultDecider).when(requestCommand({ priorRecord: { ...prior, diagnoses } })).thenError("CLASS_A_INFECTIOUS_DISEASE", "CON-08");
    }
  });

  it("CON-05: refuses a malformed diagnosis code", () => {
    given(consultDecider)
      .when(requestCommand({ priorRecord: { ...prior, diagnoses: [{ ...DIABETES, code: "diabetes" }] } }))
      .thenError("INVALID_DIAGNOSIS");
  });

  it("CON-09: an invited consultation needs the inviting physician and the offline encounter; CON-02/03 do not apply", () => {
    given(consultDecider)
      .when(requestCommand({ consultType: "INVITED_CONSULTATION", priorRecord: null }))
      .thenError("INVITATION_REQUIRED", "CON-09");
    given(consultDecider)
      .when(requestCommand({ consultType: "INVITED_CONSULTATION", invitation: { invitingPhysicianId: "dr-offline", offlineEncounterId: "", diagnoses: [] } }))
      .thenError("INVITATION_REQUIRED");
    const invited = consultDecider.decide(
      requestCommand({
        consultType: "INVITED_CONSULTATION",
        priorRecord: null,
        invitation: { invitingPhysicianId: "dr-offline", offlineEncounterId: "enc-9", diagnoses: [HYPERTENSION] },
      }),
      consultDecider.initialState,
    );
    expect(invited).toMatchObject([{ data: { invitation: { offlineEncounterId: "enc-9" }, priorRecord: null, confirmedDiagnoses: [HYPERTENSION] } }]);
  });

  it("CON-10: a family-doctor consult needs an active contract signed by both sides", () => {
    const contract = { contractId: "c-1", patientId: PATIENT, institutionId: INSTITUTION_ID, active: true, coveredDiagnoses: [HYPERTENSION] };
    given(consultDecider).when(requestCommand({ consultType: "FAMILY_DOCTOR", priorRecord: null })).thenError("FAMILY_CONTRACT_REQUIRED", "CON-10");
    given(consultDecider)
      .when(requestCommand({ consultType: "FAMILY_DOCTOR", familyContractId: "c-1", familyContract: { ...contract, active: false } }))
      .thenError("FAMILY_CONTRACT_REQUIRED");
    given(consultDecider)
      .when(requestCommand({ consultType: "FAMILY_DOCTOR", familyContractId: "c-1", familyContract: { ...contract, patientId: "someone-else" } }))
      .thenError("FAMILY_CONTRACT_REQUIRED");
    const ok = consultDecider.decide(requestCommand({ consultType: "FAMILY_DOCTOR", familyContractId: "c-1", familyContract: contract }), consultDecider.initialState);
    expect(ok).toMatchObject([{ data: { familyContractId: "c-1", confirmedDiagnoses: [HYPERTENSION] } }]);
  });

  it("RX-05: a child's consult is requested by a verified guardian, who is recorded", () => {
    const child = { patientId: CHILD, birthDate: "2020-01-01", sex: "M" };
    given(consultDecider).when(requestCommand({ patient: child, requestedBy: CHILD })).thenError("GUARDIAN_REQUIRED");
    given(consultDecider)
      .when(requestCommand({ patient: child, requestedBy: GUARDIAN, guardian: { guardianId: GUARDIAN, verified: false, relationship: "" } }))
      .thenError("GUARDIAN_NOT_VERIFIED");
    const ok = consultDecider.decide(
      requestCommand({ patient: child, requestedBy: GUARDIAN, guardian: { guardianId: GUARDIAN, verified: true, relationship: "PARENT" } }),
      consultDecider.initialState,
    );
    expect(ok).toMatchObject([{ data: { patientId: CHILD, guardianId: GUARDIAN, guardianRelationship: "PARENT" } }]);
  });

  it("IDN-07: an adult's consult cannot be requested in another person's name", () => {
    given(consultDecider).when(requestCommand({ requestedBy: "someone-else" })).thenError("NOT_CONSULT_PARTICIPANT");
  });
});

describe("acceptance, eligibility, consent, start", () => {
  const accept = { type: "AcceptConsult" as const, consultId: CONSULT_ID, physicianId: PHYSICIAN, stepUpId: "su-1", sessionId: "s-1", regulatorConnected: true, at: LATER };

  it("IDN-03: records the acceptance with the step-up and session identity granted (IDN-08)", () => {
    given(consultDecider, [REQUESTED]).when(accept).then([ACCEPTED]);
  });

  it("REP-01: refuses acceptance once the institution is no longer connected to the supervision platform", () => {
    given(consultDecider, [REQUESTED]).when({ ...accept, regulatorConnected: false }).thenError("REGULATOR_NOT_CONNECTED", "REP-01");
  });

  it("refuses a duplicate accept with CONSULT_ALREADY_ACCEPTED, and an accept after the window", () => {
    given(consultDecider, [REQUESTED, ACCEPTED]).when({ ...accept, physicianId: "physician-2" }).thenError("CONSULT_ALREADY_ACCEPTED");
    given(consultDecider, [REQUESTED]).when({ ...accept, at: new Date("2026-03-15T02:31:00Z") }).thenError("ACCEPTANCE_WINDOW_PASSED");
  });

  const decide = {
    type: "DecideEligibility" as const,
    consultId: CONSULT_ID,
    physicianId: PHYSICIAN,
    eligible: true,
    verifiedDiagnoses: [DIABETES],
    signature: SIGNATURE,
    settings: SETTINGS,
    at: LATER,
  };

  it("CON-03: the receiving physician records a signed FollowUpEligibilityDecided with the verified diagnoses", () => {
    given(consultDecider, [REQUESTED, ACCEPTED]).when(decide).then([ELIGIBLE]);
    given(consultDecider, [REQUESTED, ACCEPTED, ELIGIBLE]).when(decide).thenError("ELIGIBILITY_ALREADY_DECIDED");
    given(consultDecider, [REQUESTED, ACCEPTED]).when({ ...decide, physicianId: "physician-2" }).thenError("NOT_ASSIGNED_PHYSICIAN");
  });

  it("CON-02: a physician's negative decision refuses the consult", () => {
    const outcome = consultDecider.decide({ ...decide, eligible: false }, [REQUESTED, ACCEPTED].reduce(consultDecider.evolve, consultDecider.initialState));
    expect(outcome).toMatchObject([{ type: "FollowUpEligibilityDecided", data: { eligible: false, reasonCode: "FIRST_VISIT_NOT_ALLOWED" } }]);
  });

  it("CON-08: a verified Class-A diagnosis terminates the consult with a referral", () => {
    const outcome = consultDecider.decide(
      { ...decide, verifiedDiagnoses: [{ ...DIABETES, code: "A00.1" }] },
      [REQUESTED, ACCEPTED].reduce(consultDecider.evolve, consultDecider.initialState),
    );
    expect(eventsOf(outcome).map((event) => event.type)).toEqual(["FollowUpEligibilityDecided", "ConsultTerminated", "ReferralNoticeIssued"]);
  });

  const consent = { type: "GiveConsent" as const, consultId: CONSULT_ID, givenBy: PATIENT, consentVersion: "2026-01", consentSha256: "a".repeat(64), current: SETTINGS.currentConsent, at: AT };

  it("CON-06: records consent to the current text version and hash; refuses a stale one", () => {
    given(consultDecider, [REQUESTED]).when(consent).then([CONSENTED]);
    given(consultDecider, [REQUESTED]).when({ ...consent, consentVersion: "2025-06" }).thenError("CONSENT_VERSION_STALE", "CON-06");
    given(consultDecider, [REQUESTED]).when({ ...consent, consentSha256: "c".repeat(64) }).thenError("CONSENT_VERSION_STALE");
    given(consultDecider, [REQUESTED]).when({ ...consent, givenBy: "someone-else" }).thenError("NOT_CONSULT_PARTICIPANT");
  });

  const start = { type: "StartConsult" as const, consultId: CONSULT_ID, physicianId: PHYSICIAN, at: LATER };

  it("CON-06: a consult cannot enter IN_PROGRESS without ConsentGiven", () => {
    given(consultDecider, [REQUESTED, ACCEPTED, ELIGIBLE]).when(start).thenError("CONSENT_REQUIRED", "CON-06");
    given(consultDecider, [REQUESTED, ACCEPTED, ELIGIBLE, CONSENTED]).when(start).then([STARTED]);
  });

  it("CON-03: a follow-up cannot start before the eligibility decision", () => {
    given(consultDecider, [REQUESTED, ACCEPTED, CONSENTED]).when(start).thenError("ELIGIBILITY_NOT_DECIDED", "CON-03");
  });
});

describe("conversation, completion, termination, cancellation, expiry", () => {
  const message = { type: "SendMessage" as const, consultId: CONSULT_ID, messageId: "m-1", senderId: PATIENT, content: { kind: "TEXT" as const, text: " 血糖稳定 " }, at: LATER };

  it("appends text and image messages only while in progress, by participants", () => {
    given(consultDecider, IN_PROGRESS)
      .when(message)
      .then([{ type: "MessageSent", data: { consultId: CONSULT_ID, messageId: "m-1", senderId: PATIENT, senderRole: "PATIENT", kind: "TEXT", text: "血糖稳定", mediaUri: "", mediaSha256: "", sentAt: LATER.toISOString() } }]);
    given(consultDecider, [REQUESTED, ACCEPTED]).when(message).thenError("CONSULT_NOT_IN_PROGRESS");
    given(consultDecider, IN_PROGRESS).when({ ...message, senderId: "stranger" }).thenError("NOT_CONSULT_PARTICIPANT");
    given(consultDecider, IN_PROGRESS).when({ ...message, content: { kind: "IMAGE", uri: "data:image/png;base64,AAAA", sha256: "d".repeat(64) } }).thenError("INVALID_MESSAGE");
    given(consultDecider, IN_PROGRESS).when({ ...message, content: { kind: "TEXT", text: "  " } }).thenError("INVALID_MESSAGE");
  });

  const complete = {
    type: "CompleteConsult" as const,
    consultId: CONSULT_ID,
    physicianId: PHYSICIAN,
    summary: "血糖控制可，继续原方案。",
    diagnoses: [DIABETES, HYPERTENSION],
    signature: SIGNATURE,
    settings: SETTINGS,
    at: LATER,
  };

  it("CON-05: completion flags a diagnosis outside the verified prior set as NEW_DIAGNOSIS", () => {
    const outcome = consultDecider.decide(complete, IN_PROGRESS.reduce(consultDecider.evolve, consultDecider.initialState));
    expect(outcome).toMatchObject([
      { type: "ConsultCompleted", data: { diagnoses: [{ code: "E11.9", flag: "CONFIRMED" }, { code: "I10", flag: "NEW_DIAGNOSIS" }] } },
    ]);
  });

  it("refuses a message after completion and a second completion", () => {
    const done = consultDecider.decide(complete, IN_PROGRESS.reduce(consultDecider.evolve, consultDecider.initialState)) as ConsultEvent[];
    given(consultDecider, [...IN_PROGRESS, ...done]).when(message).thenError("CONSULT_NOT_IN_PROGRESS");
    given(consultDecider, [...IN_PROGRESS, ...done]).when(complete).thenError("CONSULT_CLOSED");
  });

  it("CON-08: refuses to complete with a Class-A diagnosis (the physician terminates instead)", () => {
    given(consultDecider, IN_PROGRESS).when({ ...complete, diagnoses: [{ ...DIABETES, code: "A20.0" }] }).thenError("CLASS_A_INFECTIOUS_DISEASE", "CON-08");
  });

  const terminate = { type: "TerminateConsult" as const, consultId: CONSULT_ID, physicianId: PHYSICIAN, reasonCode: "CONDITION_CHANGED", settings: SETTINGS, at: LATER };

  it("CON-07: terminating with a configured reason sets TERMINATED_REFERRED and issues a referral notice", () => {
    given(consultDecider, IN_PROGRESS).when(terminate).then([
      { type: "ConsultTerminated", data: { consultId: CONSULT_ID, institutionId: INSTITUTION_ID, physicianId: PHYSICIAN, reasonCode: "CONDITION_CHANGED", terminatedAt: LATER.toISOString() } },
      { type: "ReferralNoticeIssued", data: { consultId: CONSULT_ID, patientId: PATIENT, reasonCode: "CONDITION_CHANGED", adviceCode: "VISIT_PHYSICAL_HOSPITAL", issuedAt: LATER.toISOString() } },
    ]);
    given(consultDecider, IN_PROGRESS).when({ ...terminate, reasonCode: "BORED" }).thenError("UNKNOWN_TERMINATION_REASON", "CON-07");
  });

  it("CON-08: an emergency during the consult terminates it with an emergency referral", () => {
    const outcome = consultDecider.decide({ ...terminate, reasonCode: "EMERGENCY" }, IN_PROGRESS.reduce(consultDecider.evolve, consultDecider.initialState));
    expect(outcome).toMatchObject([{ type: "ConsultTerminated" }, { type: "ReferralNoticeIssued", data: { adviceCode: "EMERGENCY_CARE" } }]);
  });

  it("refuses to terminate a completed consult", () => {
    const done = consultDecider.decide(complete, IN_PROGRESS.reduce(consultDecider.evolve, consultDecider.initialState)) as ConsultEvent[];
    given(consultDecider, [...IN_PROGRESS, ...done]).when(terminate).thenError("CONSULT_CLOSED");
  });

  it("the patient cancels only before acceptance", () => {
    const cancel = { type: "CancelConsult" as const, consultId: CONSULT_ID, cancelledBy: PATIENT, at: LATER };
    given(consultDecider, [REQUESTED]).when(cancel).then([{ type: "ConsultCancelled", data: { consultId: CONSULT_ID, cancelledBy: PATIENT, cancelledAt: LATER.toISOString() } }]);
    given(consultDecider, [REQUESTED, ACCEPTED]).when(cancel).thenError("CONSULT_NOT_WAITING");
  });

  it("expires a consult not accepted within the window, not before", () => {
    const expire = { type: "ExpireConsult" as const, consultId: CONSULT_ID, at: new Date("2026-03-15T02:31:00Z") };
    given(consultDecider, [REQUESTED]).when(expire).then([{ type: "ConsultExpired", data: { consultId: CONSULT_ID, expiredAt: "2026-03-15T02:31:00.000Z" } }]);
    given(consultDecider, [REQUESTED]).when({ ...expire, at: LATER }).thenError("CONSULT_NOT_EXPIRED");
    given(consultDecider, [REQUESTED, ACCEPTED]).when(expire).thenError("CONSULT_NOT_WAITING");
  });

  it("opens the video room once, recording from the start, and stops recording at completion", () => {
    const open = { type: "OpenVideoRoom" as const, consultId: CONSULT_ID, participantId: PHYSICIAN, roomId: "room-1", at: LATER };
    const opened = consultDecider.decide(open, IN_PROGRESS.reduce(consultDecider.evolve, consultDecider.initialState)) as ConsultEvent[];
    expect(opened.map((event) => event.type)).toEqual(["VideoRoomOpened", "RecordingStarted"]);
    given(consultDecider, [...IN_PROGRESS, ...opened]).when({ ...open, roomId: "room-2" }).then([]);
    const done = consultDecider.decide(complete, [...IN_PROGRESS, ...opened].reduce(consultDecider.evolve, consultDecider.initialState)) as ConsultEvent[];
    expect(done.map((event) => event.type)).toEqual(["ConsultCompleted", "RecordingStopped"]);
  });
});
