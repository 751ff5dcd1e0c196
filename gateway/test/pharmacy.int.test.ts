import { IDENTITY_ERRORS } from "@ihp/identity";
import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { INSTITUTION, PATIENT, PHARMACIST } from "./support/pharmacyHarness.js";
import {
  admin,
  APPROVE,
  CHECK_ORDER,
  data,
  DISPATCH,
  DISPENSE,
  foreignPharmacist,
  GET,
  get,
  h,
  MINE,
  nextChange,
  nodes,
  novice,
  otherPatient,
  patient,
  PAY,
  pharmacist,
  pharmacyRefusal,
  physician,
  QUEUE,
  QUEUE_CHANGES,
  refusal,
  REJECT,
  RETURN,
  type Rx,
  RX1,
  RX2,
  RX2_V2,
  RX3,
  rx,
  socket,
  TRACK,
  usePharmacyHarness,
} from "./support/pharmacyGateway.js";
import type { WsClient } from "./support/wsClient.js";

// A prescription's way through the pharmacy, in order: into the review queue (RX1…RX3), review, payment,
// dispensing and delivery, and who may do each. The queue's access, paging and coverage: pharmacy.queue.int.test.ts.

describe("pharmacy through the gateway, on the real pharmacy service", () => {
  let queueSocket: WsClient;
  let physicianHash: Buffer;

  usePharmacyHarness();

  it("reviewQueueChanged: the subscription sees a signed version enter the queue (PHA-04 findings included)", async () => {
    const { client, answer } = await socket(pharmacist);
    expect(answer.type).toBe("connection_ack");
    queueSocket = client;
    client.subscribe("queue", QUEUE_CHANGES, { institution: INSTITUTION });

    physicianHash = await h.publishSigned({ ...RX1, patientId: PATIENT, dose: "20" });
    // Whether the service's stream opened before or after the version was queued, it arrives exactly once.
    const change = nextChange(await client.next());
    expect(["SNAPSHOT", "ADDED"]).toContain(change.kind);
    expect(change.item).toEqual({
      serialNumber: RX1.serialNumber,
      status: "UNDER_REVIEW",
      pharmacistId: null,
      findings: [{ code: "DOSE_ABOVE_MAX_PER_DOSE" }, { code: "DAILY_DOSE_ABOVE_MAX" }],
    });
  });

  it("PHA-04: the queue shows the automated findings and the version stays UNDER_REVIEW until a pharmacist decides", async () => {
    await waitFor(async () => nodes(await h.post(QUEUE, { institution: INSTITUTION }, pharmacist), "reviewQueue").length === 1, 5_000, "queued");
    const [item] = nodes(await h.post(QUEUE, { institution: INSTITUTION }, pharmacist), "reviewQueue");
    expect(item).toMatchObject({
      ...RX1,
      version: 1,
      institutionId: INSTITUTION,
      patientId: PATIENT,
      status: "UNDER_REVIEW",
      issuedOn: "2026-03-02",
      validUntil: "2026-03-04",
      lines: [{ drugCode: "amlodipine-besylate-tab-5mg", approvedName: "苯磺酸氨氯地平片", dose: "20", doseUnit: "mg", frequency: "QD", daysSupply: 7 }],
      reasonCode: null,
      pharmacistId: null,
      reviewedAt: null,
      paidAt: null,
      dispensedAt: null,
      delivery: null,
    });
    const findings = item?.["findings"] as { code: string; severity: string | null; drugCodes: string[]; detail: string }[];
    expect(findings.map((finding) => finding.code)).toEqual(["DOSE_ABOVE_MAX_PER_DOSE", "DAILY_DOSE_ABOVE_MAX"]);
    for (const finding of findings) {
      expect(finding.severity).not.toBeNull();
      expect(finding.drugCodes).toEqual(["amlodipine-besylate-tab-5mg"]);
      expect(finding.detail).not.toBe("");
    }
    // Findings, however severe, decide nothing: still awaiting a human.
    expect((await get(RX1))?.status).toBe("UNDER_REVIEW");
  });

  it("refuses unauthenticated callers, and callers of the wrong role or institution", async () => {
    const anonymous = await h.post(QUEUE, { institution: INSTITUTION });
    expect(refusal(anonymous)).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING", messageZh: "请先登录。" });
    const anonymousOrder = await h.post(CHECK_ORDER, { lines: [{ drugCode: "aspirin-ec-tab-100mg" }] });
    expect(refusal(anonymousOrder)).toMatchObject({ code: "UNAUTHENTICATED" });

    expect(refusal(await h.post(QUEUE, { institution: INSTITUTION }, foreignPharmacist))).toMatchObject({ code: "TENANT_MISMATCH" });
    expect(refusal(await h.post(QUEUE, { institution: INSTITUTION }, patient))).toMatchObject({ code: "ROLE_NOT_ALLOWED", messageZh: "您的角色无权执行此操作。" });
    expect(refusal(await h.post(MINE, undefined, pharmacist))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });

    const approveAs = (token: string, requestId: string) => h.post(APPROVE, { input: { requestId, ...RX1 } }, token);
    expect(refusal(await approveAs(patient, "approve-patient-1"))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    expect(refusal(await approveAs(physician, "approve-physician-1"))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    expect(refusal(await approveAs(foreignPharmacist, "approve-foreign-1"))).toMatchObject({ code: "TENANT_MISMATCH" });
    // Not yours is refused with a permission code (README "Lookups"), for another patient as for a foreign pharmacist.
    expect(refusal(await h.post(GET, { id: RX1.prescriptionId, serial: RX1.serialNumber }, otherPatient))).toEqual(pharmacyRefusal("NOT_PRESCRIPTION_PARTICIPANT"));
    expect(refusal(await h.post(GET, { id: RX1.prescriptionId, serial: RX1.serialNumber }, foreignPharmacist))).toMatchObject({ code: "TENANT_MISMATCH" });
    expect((await get(RX1))?.status).toBe("UNDER_REVIEW");
  });
  it("PHA-01: refuses payment and dispensing before approval, and the refusals change nothing", async () => {
    const before = await get(RX1);
    const pay = await h.post(PAY, { input: { requestId: "pay-request-0001", ...RX1, paymentReference: "PAY-0001", amountFen: 2350 } }, pharmacist);
    expect(refusal(pay)).toEqual(pharmacyRefusal("REVIEW_NOT_APPROVED"));
    const dispense = await h.post(DISPENSE, { input: { requestId: "dispense-req-0001", ...RX1 } }, pharmacist);
    expect(refusal(dispense)).toEqual(pharmacyRefusal("REVIEW_NOT_APPROVED"));
    expect(await get(RX1)).toEqual(before);
  });

  it("PHA-02: refuses an unqualified reviewer with identity's code, and nothing is signed", async () => {
    const refused = await h.post(APPROVE, { input: { requestId: "approve-novice-1", ...RX1 } }, novice);
    expect(refusal(refused)).toMatchObject({ code: "REVIEWER_NOT_QUALIFIED", messageZh: IDENTITY_ERRORS.REVIEWER_NOT_QUALIFIED.zh });
    expect(h.identity.calls.filter((call) => call.method === "SignDocument")).toHaveLength(0);
    expect((await get(RX1))?.status).toBe("UNDER_REVIEW");
  });
  it("PHA-03: returning or rejecting without a reason code, or with one not on the list, is refused and changes nothing", async () => {
    await h.publishSigned({ ...RX2, patientId: PATIENT });
    await waitFor(async () => (await get(RX2)) !== null, 5_000, "RX2 received");
    const before = await get(RX2);

    expect(refusal(await h.post(RETURN, { input: { requestId: "return-request-1", ...RX2, reasonCode: "" } }, pharmacist))).toEqual(
      pharmacyRefusal("REASON_CODE_REQUIRED"),
    );
    expect(refusal(await h.post(RETURN, { input: { requestId: "return-request-2", ...RX2, reasonCode: "BECAUSE" } }, pharmacist))).toEqual(
      pharmacyRefusal("UNKNOWN_REASON_CODE"),
    );
    expect(refusal(await h.post(REJECT, { input: { requestId: "reject-request-1", ...RX2, reasonCode: "" } }, pharmacist))).toEqual(
      pharmacyRefusal("REASON_CODE_REQUIRED"),
    );
    // Leaving the field out is refused by the schema before any call.
    const missing = await h.post(`mutation { returnPrescription(input: { requestId: "return-request-3", prescriptionId: "${RX2.prescriptionId}", serialNumber: "${RX2.serialNumber}" }) { status } }`, undefined, pharmacist);
    expect(refusal(missing)).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
    expect(await get(RX2)).toEqual(before);
  });

  it("PHA-03: a returned version stays returned; the prescription comes back as a new version and is reviewed afresh", async () => {
    const returned = data<Rx>(
      await h.post(RETURN, { input: { requestId: "return-request-4", ...RX2, reasonCode: "DOSE_INAPPROPRIATE" } }, pharmacist),
      "returnPrescription",
    );
    expect(returned).toMatchObject({ status: "RETURNED", reasonCode: "DOSE_INAPPROPRIATE", pharmacistId: PHARMACIST });

    const again = await h.post(APPROVE, { input: { requestId: "approve-returned-1", ...RX2 } }, pharmacist);
    expect(refusal(again)).toEqual(pharmacyRefusal("REVIEW_ALREADY_DECIDED"));
    expect(await get(RX2)).toEqual(returned);

    await h.publishSigned({ ...RX2_V2, patientId: PATIENT });
    await waitFor(async () => (await get(RX2_V2))?.status === "UNDER_REVIEW", 5_000, "the new version queued");
    const rejected = data<Rx>(
      await h.post(REJECT, { input: { requestId: "reject-request-2", ...RX2_V2, reasonCode: "SERIOUSLY_IRRATIONAL" } }, pharmacist),
      "rejectPrescription",
    );
    expect(rejected).toMatchObject({ ...RX2_V2, status: "REJECTED", reasonCode: "SERIOUSLY_IRRATIONAL" });
  });

  it("PHA-05: the approval is the pharmacist's, signed with their certificate over the physician's document; the queue subscriber sees it leave", async () => {
    const signatures = () => h.identity.calls.filter((call) => call.method === "SignDocument").length;
    const signedBefore = signatures();
    const approved = data<Rx>(await h.post(APPROVE, { input: { requestId: "approve-request-1", ...RX1 } }, pharmacist), "approvePrescription");
    expect(approved).toMatchObject({ status: "APPROVED", pharmacistId: PHARMACIST, reviewedAt: h.now.toISOString() });
    // The same request again answers the same and signs nothing again; a new request to approve is refused.
    const repeat = data<Rx>(await h.post(APPROVE, { input: { requestId: "approve-request-1", ...RX1 } }, pharmacist), "approvePrescription");
    expect(repeat.revision).toBe(approved.revision);
    expect(signatures()).toBe(signedBefore + 1);
    expect(refusal(await h.post(APPROVE, { input: { requestId: "approve-request-2", ...RX1 } }, pharmacist))).toEqual(
      pharmacyRefusal("REVIEW_ALREADY_DECIDED"),
    );

    // The pharmacist's signature is on the prescription as GraphQL shows it, over the physician's document hash.
    const shown = await h.post(
      `query($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) { pharmacistSignature { signerId certificateSerial documentHash } } }`,
      { id: RX1.prescriptionId, serial: RX1.serialNumber },
      pharmacist,
    );
    expect(data<{ pharmacistSignature: unknown }>(shown, "pharmacyPrescription").pharmacistSignature).toEqual({
      signerId: PHARMACIST,
      certificateSerial: `CERT-${PHARMACIST}`,
      documentHash: physicianHash.toString("hex"),
    });
    // And the signed decision is what the pharmacy publishes.
    await waitFor(() => h.reviewed().some((event) => event.serialNumber === RX1.serialNumber), 5_000, "PrescriptionReviewed");
    const decision = h.reviewed().find((event) => event.serialNumber === RX1.serialNumber);
    expect(decision?.pharmacistId).toBe(PHARMACIST);
    expect(decision?.signature).toMatchObject({ signerId: PHARMACIST, certificateSerial: `CERT-${PHARMACIST}` });
    expect(Buffer.from(decision?.signature?.documentHash ?? []).equals(physicianHash)).toBe(true);

    // RX2's versions came and went meanwhile; the subscriber saw those too, in order, before RX1's removal.
    let change = nextChange(await queueSocket.next());
    const seen: string[] = [];
    while (change.item.serialNumber !== RX1.serialNumber) {
      seen.push(`${change.kind} ${change.item.serialNumber}`);
      change = nextChange(await queueSocket.next());
    }
    expect(seen).toEqual([`ADDED ${RX2.serialNumber}`, `REMOVED ${RX2.serialNumber}`, `ADDED ${RX2_V2.serialNumber}`, `REMOVED ${RX2_V2.serialNumber}`]);
    expect(change).toMatchObject({ kind: "REMOVED", item: { serialNumber: RX1.serialNumber, status: "APPROVED", pharmacistId: PHARMACIST } });
  });

  it("PHA-07: refuses an order of a prescription-only drug without an approved prescription naming it", async () => {
    const amlodipine = { drugCode: "amlodipine-besylate-tab-5mg" };
    const withRx = { ...amlodipine, prescriptionId: RX1.prescriptionId };
    const otc = { drugCode: "aspirin-ec-tab-100mg" };
    // The check reads the read model, which follows the approval.
    await waitFor(async () => (await h.post(CHECK_ORDER, { lines: [withRx] }, patient)).errors === undefined, 5_000, "approval projected");

    expect(refusal(await h.post(CHECK_ORDER, { lines: [amlodipine] }, patient))).toEqual(pharmacyRefusal("PRESCRIPTION_REQUIRED"));
    expect(data(await h.post(CHECK_ORDER, { lines: [withRx, otc] }, patient), "checkOrder")).toEqual({ serialNumbers: [RX1.serialNumber, null] });
    // Someone else's approved prescription does not count; a returned or rejected one neither.
    expect(refusal(await h.post(CHECK_ORDER, { lines: [withRx] }, otherPatient))).toMatchObject({ code: "PRESCRIPTION_REQUIRED" });
    expect(refusal(await h.post(CHECK_ORDER, { lines: [{ ...amlodipine, prescriptionId: RX2.prescriptionId }] }, patient))).toMatchObject({ code: "PRESCRIPTION_REQUIRED" });
    expect(refusal(await h.post(CHECK_ORDER, { lines: [] }, patient))).toEqual(pharmacyRefusal("INVALID_ORDER"));
    expect(refusal(await h.post(CHECK_ORDER, { lines: [amlodipine] }, admin))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
  });

  it("RX-06: pays and dispenses on the last valid day; the day after, dispensing is refused with RX_EXPIRED", async () => {
    await h.publishSigned({ ...RX3, patientId: PATIENT });
    await waitFor(async () => (await get(RX3))?.status === "UNDER_REVIEW", 5_000, "RX3 queued");
    data(await h.post(APPROVE, { input: { requestId: "approve-request-3", ...RX3 } }, pharmacist), "approvePrescription");

    h.now = new Date("2026-03-04T15:00:00Z"); // 23:00 Beijing on the last valid day
    const payment = { paymentReference: "PAY-0001", amountFen: 2350 };
    expect(refusal(await h.post(PAY, { input: { requestId: "pay-negative-001", ...RX1, ...payment, amountFen: -1 } }, pharmacist))).toMatchObject({
      code: "BAD_USER_INPUT",
    });
    expect(refusal(await h.post(PAY, { input: { requestId: "pay-zero-00001", ...RX1, ...payment, amountFen: 0 } }, pharmacist))).toEqual(
      pharmacyRefusal("INVALID_PAYMENT"),
    );
    expect(data<Rx>(await h.post(PAY, { input: { requestId: "pay-request-0002", ...RX1, ...payment } }, pharmacist), "recordPayment")).toMatchObject({
      paidAt: h.now.toISOString(),
    });
    const dispensed = data<Rx>(await h.post(DISPENSE, { input: { requestId: "dispense-req-0002", ...RX1 } }, pharmacist), "dispensePrescription");
    expect(dispensed).toMatchObject({ status: "APPROVED", dispensedAt: h.now.toISOString() });
    data(await h.post(PAY, { input: { requestId: "pay-request-0003", ...RX3, ...payment } }, pharmacist), "recordPayment");

    h.now = new Date("2026-03-04T16:00:00Z"); // 00:00 Beijing, the day after
    const before = await get(RX3);
    const late = await h.post(DISPENSE, { input: { requestId: "dispense-req-0003", ...RX3 } }, pharmacist);
    expect(refusal(late)).toEqual(pharmacyRefusal("RX_EXPIRED"));
    expect(await get(RX3)).toEqual(before);
    expect(before?.dispensedAt).toBeNull();
  });

  it("PHA-08: dispatch names the carrier, the agreement and the handover time; tracking follows; the patient sees it", async () => {
    const notDispensed = await h.post(DISPATCH, { input: { requestId: "dispatch-req-000", ...RX3, destinationReference: "addr-1" } }, pharmacist);
    expect(refusal(notDispensed)).toEqual(pharmacyRefusal("NOT_DISPENSED"));
    expect((await get(RX3))?.delivery).toBeNull();

    const dispatched = data<Rx>(
      await h.post(DISPATCH, { input: { requestId: "dispatch-req-001", ...RX1, destinationReference: "addr-1" } }, pharmacist),
      "dispatchDelivery",
    );
    expect(dispatched.delivery).toMatchObject({
      carrier: "IHP-LOCAL",
      agreementId: "LOCAL-SELF-DELIVERY",
      handedOverAt: h.now.toISOString(),
      status: "DISPATCHED",
    });
    expect((dispatched.delivery as { trackingNumber: string }).trackingNumber).not.toBe("");

    h.now = new Date("2026-03-05T17:00:00Z"); // 25 hours after handover
    const tracked = data<Rx>(await h.post(TRACK, { input: { requestId: "sync-request-01", ...RX1 } }, patient), "syncDeliveryTracking");
    expect(tracked.delivery).toMatchObject({ status: "DELIVERED" });

    await waitFor(
      async () => nodes(await h.post(MINE, undefined, patient), "myPharmacyPrescriptions").some((item) => (item["delivery"] as { status?: string } | null)?.status === "DELIVERED"),
      5_000,
      "the patient's view",
    );
    const mine = nodes(await h.post(MINE, undefined, patient), "myPharmacyPrescriptions");
    expect(mine.map((item) => item["serialNumber"]).sort()).toEqual([RX1, RX2, RX2_V2, RX3].map((ref) => ref.serialNumber).sort());
    expect(nodes(await h.post(MINE, undefined, otherPatient), "myPharmacyPrescriptions")).toEqual([]);
    expect((await get(RX1, patient))?.delivery).toMatchObject({ status: "DELIVERED" });
  });
  it("refuses bad input with the service's codes or the schema's, changing nothing", async () => {
    const before = await get(RX3);
    expect(refusal(await h.post(APPROVE, { input: { requestId: "short", ...RX3 } }, pharmacist))).toEqual(pharmacyRefusal("INVALID_REQUEST_ID"));
    expect(refusal(await h.post(APPROVE, { input: { requestId: "approve-bad-id-1", prescriptionId: "a b", serialNumber: "x" } }, pharmacist))).toEqual(
      pharmacyRefusal("INVALID_PRESCRIPTION_ID"),
    );
    expect(refusal(await h.post(APPROVE, { input: { ...RX3 } }, pharmacist))).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(refusal(await h.post(QUEUE, { institution: "" }, pharmacist))).toEqual(pharmacyRefusal("INVALID_INSTITUTION_ID"));
    expect(await get(RX3)).toEqual(before);
    expect(refusal(await h.post(GET, { id: rx(9), serial: "SN-9" }, pharmacist))).toEqual(pharmacyRefusal("PRESCRIPTION_NOT_FOUND"));
  });
  it("issue 13 item 16: a pharmacist sees which consult a prescription came from, as the physician's signed document names it", async () => {
    const institution = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f72";
    const reviewer = await h.token("pharmacist", "pharmacist-0010", institution);
    const ref = { prescriptionId: "0193b000-0000-7000-8000-000000000800", serialNumber: "SN-CONSULT-1" };
    // The message's own consult_id says "consult-0001"; the signed bytes say otherwise, and they win.
    await h.publishSigned({ ...ref, institutionId: institution, patientId: "patient-0008", consultId: "0193c000-0000-7000-8000-00000000c0de" });
    await waitFor(async () => nodes(await h.post(QUEUE, { institution }, reviewer), "reviewQueue").length === 1, 5_000, "queued");
    expect(nodes(await h.post(QUEUE, { institution }, reviewer), "reviewQueue")[0]).toMatchObject({ consultId: "0193c000-0000-7000-8000-00000000c0de" });
    expect(await get(ref, reviewer)).toMatchObject({ consultId: "0193c000-0000-7000-8000-00000000c0de" });
    // A document that names no consult shows none, rather than the unsigned field beside it.
    expect((await get(RX1))?.consultId).toBeNull();
  });
});
