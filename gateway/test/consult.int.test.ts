import { CONSULT_ERRORS, currentConsentText } from "@ihp/consult";
import { IDENTITY_ERRORS } from "@ihp/identity";
import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { ADMIN, DIABETES, GUANGXI, HYPERTENSION, PATIENT, PHYSICIAN, requestId, UNSTEPPED_PHYSICIAN } from "./support/consultHarness.js";
import { driver, type Edge, h, ids, useConsultHarness } from "./support/consultFixtures.js";
import {
  ACCEPT,
  BOARD,
  CANCEL,
  COMPLETE,
  CONSENT,
  CONSENT_TEXT,
  type ConsultState,
  dataOf,
  DECIDE,
  followUpInput,
  JOIN,
  MINE,
  REQUEST,
  refusalOf,
  SEND,
  START,
  TERMINATE,
  WAITING,
} from "./support/consultOperations.js";

// A consult's course through the gateway: request to signed completion, consent, termination, who may accept,
// commands out of order, and the lists. What a request must carry to be accepted: consult.requests.int.test.ts.

describe("consult module over GraphQL, against the real consult service", () => {
  useConsultHarness();

  it("CON-03, CON-05, CON-06: runs a follow-up from request to signed completion, with the queues", async () => {
    const admin = await h.token(ADMIN, ["institution_admin"]);
    const requested = await driver.request();
    expect(requested).toMatchObject({
      consultType: "FOLLOW_UP",
      status: "WAITING",
      eligibility: "PENDING",
      patientId: PATIENT,
      guardianId: null,
      physicianId: null,
      priorRecordId: "doc-0001",
      consentVersion: null,
      diagnoses: [],
    });
    const id = requested.id;

    // The queues are read models: wait for the projector, then read them through GraphQL.
    await waitFor(async () => ids(dataOf(await h.post(WAITING, {}, driver.physician))["waitingConsults"]).includes(id), 5_000, "waiting list");
    expect(ids(dataOf(await h.post(MINE, { first: 50 }, driver.patient))["myConsults"])).toContain(id);
    expect(ids(dataOf(await h.post(BOARD, { institutionId: GUANGXI }, admin))["institutionBoard"])).toContain(id);

    // CON-06: the consent text is public; consent names its version and hash.
    const text = dataOf(await h.post(CONSENT_TEXT))["consentText"];
    expect(text).toEqual({ version: currentConsentText().version, text: currentConsentText().text, sha256: currentConsentText().sha256 });
    await driver.consent(id);

    expect(await driver.accept(id)).toMatchObject({ status: "ACCEPTED", physicianId: PHYSICIAN });

    // CON-03: the decision is signed by the accepting physician; the prior record id stays on the consult.
    const decision = await driver.decide(id);
    expect(decision["consult"]).toMatchObject({ status: "ACCEPTED", eligibility: "ELIGIBLE", priorRecordId: "doc-0001", confirmedDiagnoses: [DIABETES] });
    expect(decision["signature"]).toMatchObject({ signerId: PHYSICIAN, certificateSerial: "TEST-CERT-1", algorithm: "ECDSA_P256_SHA256" });
    expect((decision["signature"] as { documentHash: string }).documentHash).toMatch(/^[0-9a-f]{64}$/);

    expect((await driver.start(id)).status).toBe("IN_PROGRESS");
    const sent = dataOf(await driver.send(id, "最近血糖如何？", driver.physician))["sendMessage"];
    expect(sent).toMatchObject({ consultId: id, senderId: PHYSICIAN, senderRole: "PHYSICIAN", kind: "TEXT", text: "最近血糖如何？", mediaUri: null });
    const image = await h.post(SEND, { input: { requestId: requestId(), consultId: id, kind: "IMAGE", mediaUri: "https://media.example/g1.jpg", mediaSha256: "e".repeat(64) } }, driver.patient);
    expect(dataOf(image)["sendMessage"]).toMatchObject({ senderRole: "PATIENT", kind: "IMAGE", text: null, mediaSha256: "e".repeat(64) });
    const video = dataOf(await h.post(JOIN, { input: { requestId: requestId(), consultId: id } }, driver.patient))["joinVideo"] as { roomId: string; token: string; expiresAt: string };
    expect(video.token.split(".")).toHaveLength(3);
    expect(Date.parse(video.expiresAt)).toBeGreaterThan(0);

    // CON-05: a diagnosis outside the confirmed set is flagged NEW_DIAGNOSIS and never becomes prescribable.
    const completion = dataOf(
      await h.post(COMPLETE, { input: { requestId: requestId(), consultId: id, summary: "血糖控制可，继续原方案。", diagnoses: [DIABETES, HYPERTENSION] } }, driver.physician),
    )["completeConsult"] as { consult: ConsultState; signature: { signerId: string; documentHash: string } };
    expect(completion.consult).toMatchObject({
      status: "COMPLETED",
      diagnoses: [
        { ...DIABETES, flag: "CONFIRMED" },
        { ...HYPERTENSION, flag: "NEW_DIAGNOSIS" },
      ],
      confirmedDiagnoses: [DIABETES],
    });
    expect(completion.consult["summaryHash"]).toBe(completion.signature.documentHash);
    await waitFor(async () => !ids(dataOf(await h.post(BOARD, { institutionId: GUANGXI }, admin))["institutionBoard"]).includes(id), 5_000, "board drops it");
  });

  it("CON-06: starting without consent, or consenting to a stale version, is refused and changes nothing", async () => {
    const { id } = await driver.request();
    await driver.accept(id);
    await driver.decide(id);
    const before = await driver.get(id);
    const noConsent = await h.post(START, { input: { requestId: requestId(), consultId: id } }, driver.physician);
    expect(refusalOf(noConsent)).toMatchObject({ code: "CONSENT_REQUIRED", ruleId: "CON-06", messageZh: CONSULT_ERRORS.CONSENT_REQUIRED.zh });

    const current = currentConsentText();
    for (const [consentVersion, consentSha256] of [["2025-01", current.sha256], [current.version, "0".repeat(64)]]) {
      const stale = await h.post(CONSENT, { input: { requestId: requestId(), consultId: id, consentVersion, consentSha256 } }, driver.patient);
      expect(refusalOf(stale)).toMatchObject({ code: "CONSENT_VERSION_STALE", ruleId: "CON-06" });
    }
    expect(await driver.get(id)).toEqual(before);
    expect(before).toMatchObject({ status: "ACCEPTED", consentVersion: null });

    await driver.consent(id);
    expect((await driver.start(id)).status).toBe("IN_PROGRESS");
  });

  it("CON-07: termination with a configured reason refers the patient offline; an unknown reason is refused and changes nothing", async () => {
    const { id } = await driver.request();
    await driver.accept(id);
    const before = await driver.get(id);
    const unknown = await h.post(TERMINATE, { input: { requestId: requestId(), consultId: id, reasonCode: "BORED" } }, driver.physician);
    expect(refusalOf(unknown)).toMatchObject({ code: "UNKNOWN_TERMINATION_REASON", ruleId: "CON-07" });
    expect(await driver.get(id)).toEqual(before);

    const terminated = dataOf(await h.post(TERMINATE, { input: { requestId: requestId(), consultId: id, reasonCode: "NEEDS_PHYSICAL_EXAMINATION" } }, driver.physician));
    expect(terminated["terminateConsult"]).toMatchObject({ id, status: "TERMINATED_REFERRED", terminationReason: "NEEDS_PHYSICAL_EXAMINATION" });
  });

  it("IDN-03: a service credential cannot accept (HUMAN_CLINICIAN_REQUIRED), nor a physician without a fresh step-up; the consult stays waiting", async () => {
    const { id } = await driver.request();
    const bot = await h.token(PHYSICIAN, ["physician"], { kind: "service" });
    const byBot = await h.post(ACCEPT, { input: { requestId: requestId(), consultId: id } }, bot);
    expect(refusalOf(byBot)).toEqual({
      code: "HUMAN_CLINICIAN_REQUIRED",
      ruleId: "IDN-03",
      message: IDENTITY_ERRORS.HUMAN_CLINICIAN_REQUIRED.en,
      messageZh: IDENTITY_ERRORS.HUMAN_CLINICIAN_REQUIRED.zh,
    });
    const unstepped = await h.token(UNSTEPPED_PHYSICIAN, ["physician"]);
    expect(refusalOf(await h.post(ACCEPT, { input: { requestId: requestId(), consultId: id } }, unstepped))).toMatchObject({ code: "STEP_UP_REQUIRED", ruleId: "IDN-03" });
    expect(await driver.get(id)).toMatchObject({ status: "WAITING", physicianId: null });
    // Other clinician acts by a bot are refused the same way.
    const decideByBot = await h.post(DECIDE, { input: { requestId: requestId(), consultId: id, eligible: true, verifiedDiagnoses: [DIABETES] } }, bot);
    expect(refusalOf(decideByBot).code).toBe("HUMAN_CLINICIAN_REQUIRED");
  });

  it("issue 13 item 16: a physician lists their own consults, paged and filtered by status (their completed ones); others' stay out", async () => {
    const MY = `query($status: [ConsultStatus!], $first: Int, $after: String) {
      myConsults(status: $status, first: $first, after: $after) { edges { node { id status physicianId } } pageInfo { hasNextPage endCursor } }
    }`;
    const completedIds: string[] = [];
    for (let index = 0; index < 2; index++) {
      const started = await driver.inProgress();
      dataOf(await h.post(COMPLETE, { input: { requestId: requestId(), consultId: started, summary: "继续原方案。", diagnoses: [DIABETES] } }, driver.physician));
      completedIds.push(started);
    }
    const open = await driver.inProgress();
    type Page = { edges: { node: { id: string; status: string; physicianId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const walk = async (token: string, status: string[]): Promise<Page["edges"][number]["node"][]> => {
      const seen: Page["edges"][number]["node"][] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const page: Page = dataOf(await h.post(MY, { status, first: 1, after }, token))["myConsults"] as Page;
        seen.push(...page.edges.map((edge) => edge.node));
        if (!page.pageInfo.hasNextPage) return seen;
        after = page.pageInfo.endCursor;
      }
      throw new Error("paging never ended");
    };
    await waitFor(async () => (await walk(driver.physician, ["COMPLETED"])).filter((node) => completedIds.includes(node.id)).length === 2, 5_000, "projected");
    const completed = await walk(driver.physician, ["COMPLETED"]);
    // Newest first, one per page, each once; only theirs and only completed.
    expect(completed.filter((node) => completedIds.includes(node.id)).map((node) => node.id)).toEqual([...completedIds].reverse());
    expect(new Set(completed.map((node) => node.id)).size).toBe(completed.length);
    expect(completed.every((node) => node.status === "COMPLETED" && node.physicianId === PHYSICIAN)).toBe(true);
    expect((await walk(driver.physician, ["IN_PROGRESS"])).map((node) => node.id)).toContain(open);
    expect((await walk(driver.physician, [])).map((node) => node.id)).toEqual(expect.arrayContaining([...completedIds, open]));
    // Another physician of the same institution sees none of them.
    const other = await h.token(UNSTEPPED_PHYSICIAN, ["physician"]);
    expect((await walk(other, [])).map((node) => node.id)).not.toEqual(expect.arrayContaining([completedIds[0]]));
    expect(refusalOf(await h.post(MY, { status: ["DONE"] }, driver.physician)).code).toBe("BAD_USER_INPUT");
  });

  it("refuses commands out of order: accepting twice, a message after completion, terminating a completed consult", async () => {
    const { id } = await driver.request();
    await driver.accept(id);
    const again = await h.post(ACCEPT, { input: { requestId: requestId(), consultId: id } }, driver.physician);
    expect(refusalOf(again)).toMatchObject({ code: "CONSULT_ALREADY_ACCEPTED", messageZh: CONSULT_ERRORS.CONSULT_ALREADY_ACCEPTED.zh });
    const cancelAccepted = await h.post(CANCEL, { input: { requestId: requestId(), consultId: id } }, driver.patient);
    expect(refusalOf(cancelAccepted).code).toBe("CONSULT_NOT_WAITING");
    const messageTooEarly = await driver.send(id, "在吗？", driver.patient);
    expect(refusalOf(messageTooEarly).code).toBe("CONSULT_NOT_IN_PROGRESS");

    const started = await driver.inProgress();
    await h.post(COMPLETE, { input: { requestId: requestId(), consultId: started, summary: "继续原方案。", diagnoses: [DIABETES] } }, driver.physician);
    const completed = await driver.get(started);
    expect(completed.status).toBe("COMPLETED");
    expect(refusalOf(await driver.send(started, "谢谢医生", driver.patient)).code).toBe("CONSULT_NOT_IN_PROGRESS");
    const terminate = await h.post(TERMINATE, { input: { requestId: requestId(), consultId: started, reasonCode: "CONDITION_CHANGED" } }, driver.physician);
    expect(refusalOf(terminate)).toMatchObject({ code: "CONSULT_CLOSED", messageZh: CONSULT_ERRORS.CONSULT_CLOSED.zh });
    expect(await driver.get(started)).toEqual(completed);

    // A waiting consult can be cancelled by its patient, once.
    const waiting = await driver.request();
    expect(dataOf(await h.post(CANCEL, { input: { requestId: requestId(), consultId: waiting.id } }, driver.patient))["cancelConsult"]).toMatchObject({ status: "CANCELLED" });
    expect(refusalOf(await h.post(ACCEPT, { input: { requestId: requestId(), consultId: waiting.id } }, driver.physician)).code).toBe("CONSULT_CLOSED");
  });

  it("pages the patient's consults and repeats a requestId's first result", async () => {
    const input = followUpInput();
    const first = dataOf(await h.post(REQUEST, { input }, driver.patient))["requestConsult"] as ConsultState;
    const second = dataOf(await h.post(REQUEST, { input }, driver.patient))["requestConsult"] as ConsultState;
    expect(second).toEqual(first);

    await waitFor(async () => ids(dataOf(await h.post(MINE, { first: 100 }, driver.patient))["myConsults"]).includes(first.id), 5_000, "projected");
    const all = ids(dataOf(await h.post(MINE, { first: 100 }, driver.patient))["myConsults"]);
    const page1 = dataOf(await h.post(MINE, { first: 2 }, driver.patient))["myConsults"] as { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = dataOf(await h.post(MINE, { first: 2, after: page1.pageInfo.endCursor }, driver.patient))["myConsults"];
    expect([...ids(page1), ...ids(page2)]).toEqual(all.slice(0, 4));
  });
});
