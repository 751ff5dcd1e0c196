import { IDENTITY_ERRORS } from "@ihp/identity";
import { PHARMACY_ERRORS } from "@ihp/pharmacy";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pharmacyModule } from "../src/contexts/pharmacy/resolvers.js";
import { type GraphQLBody, startHarness } from "./support/harness.js";
import {
  INSTITUTION,
  NOVICE,
  OTHER_INSTITUTION,
  OTHER_PATIENT,
  PATIENT,
  PHARMACIST,
  type PharmacyHarness,
  startPharmacyHarness,
} from "./support/pharmacyHarness.js";
import { type Frame, WsClient } from "./support/wsClient.js";

const rx = (n: number) => `0193b000-0000-7000-8000-00000000000${n}`;
/** 20 mg once a day: above the sample catalogue's per-dose and daily maximum for amlodipine. */
const RX1 = { prescriptionId: rx(1), serialNumber: "SN-0001" };
/** Returned to the physician, then re-issued as RX2_V2. */
const RX2 = { prescriptionId: rx(2), serialNumber: "SN-0002" };
const RX2_V2 = { prescriptionId: rx(2), serialNumber: "SN-0002-B" };
/** Approved and paid on its last valid day, dispensed a day too late (RX-06). */
const RX3 = { prescriptionId: rx(3), serialNumber: "SN-0003" };

const RX_FIELDS = /* GraphQL */ `
  fragment Rx on PharmacyPrescription {
    prescriptionId serialNumber version institutionId patientId consultId status issuedOn validUntil
    lines { drugCode approvedName dose doseUnit frequency daysSupply }
    findings { code severity drugCodes detail }
    reasonCode pharmacistId reviewedAt paidAt dispensedAt revision
    delivery { deliveryId carrier agreementId trackingNumber handedOverAt status statusAt }
  }
`;
const GET = `query($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) { ...Rx } } ${RX_FIELDS}`;
const QUEUE = `query($institution: ID!, $first: Int, $after: String) {
  reviewQueue(institutionId: $institution, first: $first, after: $after) { edges { cursor node { ...Rx } } pageInfo { endCursor hasNextPage } }
} ${RX_FIELDS}`;
const MINE = `query($first: Int, $after: String) {
  myPharmacyPrescriptions(first: $first, after: $after) { edges { cursor node { ...Rx } } pageInfo { endCursor hasNextPage } }
} ${RX_FIELDS}`;
const APPROVE = `mutation($input: ApprovePrescriptionInput!) { approvePrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
const RETURN = `mutation($input: ReturnPrescriptionInput!) { returnPrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
const REJECT = `mutation($input: RejectPrescriptionInput!) { rejectPrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
const PAY = `mutation($input: RecordPrescriptionPaymentInput!) { recordPayment(input: $input) { ...Rx } } ${RX_FIELDS}`;
const DISPENSE = `mutation($input: DispensePrescriptionInput!) { dispensePrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
const DISPATCH = `mutation($input: DispatchDeliveryInput!) { dispatchDelivery(input: $input) { ...Rx } } ${RX_FIELDS}`;
const TRACK = `mutation($input: SyncDeliveryTrackingInput!) { syncDeliveryTracking(input: $input) { ...Rx } } ${RX_FIELDS}`;
const CHECK_ORDER = `query($lines: [PharmacyOrderLineInput!]!) { checkOrder(lines: $lines) { serialNumbers } }`;
const COVERAGE = `query($institution: ID!) {
  reviewCoverage(institutionId: $institution) { at withinBusinessHours pharmacistsOnDuty gap expectedReviewAt expectedDelayMinutes }
}`;
const SCHEDULE = `mutation($input: ScheduleReviewShiftInput!) { scheduleShift(input: $input) { shiftId institutionId pharmacistId startsAt endsAt } }`;
const CANCEL = `mutation($input: CancelReviewShiftInput!) { cancelShift(input: $input) { shiftId institutionId } }`;
const QUEUE_CHANGES = `subscription($institution: ID!) {
  reviewQueueChanged(institutionId: $institution) { kind item { serialNumber status pharmacistId findings { code } } }
}`;

type Rx = Record<string, unknown> & { readonly revision: string; readonly status: string | null };

function data<T>(body: GraphQLBody, field: string): T {
  expect(body.errors).toBeUndefined();
  return body.data?.[field] as T;
}

interface RxPage {
  readonly edges: { readonly cursor: string; readonly node: Rx }[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
}

/** The items of one page of a connection field. */
function nodes(body: GraphQLBody, field: string): Rx[] {
  return data<RxPage>(body, field).edges.map((edge) => edge.node);
}

/** The one error of a refused field, as the client sees it: stable code, English message, Chinese text, rule id. */
function refusal(body: GraphQLBody): Record<string, unknown> {
  expect(body.errors).toHaveLength(1);
  return { message: body.errors?.[0]?.message, ...body.errors?.[0]?.extensions };
}

/** What a refusal with a pharmacy code looks like through GraphQL. */
function pharmacyRefusal(code: keyof typeof PHARMACY_ERRORS): Record<string, unknown> {
  const entry = PHARMACY_ERRORS[code];
  const expected: Record<string, unknown> = { code, message: entry.en, messageZh: entry.zh };
  if (entry.ruleId !== undefined) expected["ruleId"] = entry.ruleId;
  return expected;
}

function nextChange(frame: Frame): { kind: string; item: { serialNumber: string; status: string; pharmacistId: string | null; findings: { code: string }[] } } {
  expect(frame.type).toBe("next");
  return (frame.payload as { data: { reviewQueueChanged: ReturnType<typeof nextChange> } }).data.reviewQueueChanged;
}

describe("pharmacy through the gateway, on the real pharmacy service", () => {
  let h: PharmacyHarness;
  let pharmacist: string;
  let novice: string;
  let foreignPharmacist: string;
  let patient: string;
  let otherPatient: string;
  let admin: string;
  let physician: string;
  let queueSocket: WsClient;
  const sockets: WsClient[] = [];
  let physicianHash: Buffer;

  const get = async (ref: { prescriptionId: string; serialNumber: string }, token = pharmacist): Promise<Rx | null> =>
    data<Rx | null>(await h.post(GET, { id: ref.prescriptionId, serial: ref.serialNumber }, token), "pharmacyPrescription");

  async function socket(token: string | undefined): Promise<{ client: WsClient; answer: Frame }> {
    const connection = await WsClient.init(h.wsUrl, token);
    sockets.push(connection.client);
    return connection;
  }

  beforeAll(async () => {
    h = await startPharmacyHarness();
    pharmacist = await h.token("pharmacist", PHARMACIST);
    novice = await h.token("pharmacist", NOVICE);
    foreignPharmacist = await h.token("pharmacist", "pharmacist-0009", OTHER_INSTITUTION);
    patient = await h.token("patient", PATIENT);
    otherPatient = await h.token("patient", OTHER_PATIENT);
    admin = await h.token("institution_admin", "admin-1");
    physician = await h.token("physician", "physician-0001");
  });
  afterAll(async () => {
    // Sockets first: the service ends live queue streams with UNAVAILABLE when it stops.
    await Promise.all(sockets.map((client) => client.close()));
    await h?.close();
  });

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

  it("refuses subscriptions without a token, of the wrong role or of another institution, with stable codes", async () => {
    const anonymous = await socket(undefined);
    expect(anonymous.answer).toEqual({ type: "connection_error", payload: { message: "Forbidden" } });

    const foreign = await socket(foreignPharmacist);
    foreign.client.subscribe("1", QUEUE_CHANGES, { institution: INSTITUTION });
    expect(await foreign.client.next()).toMatchObject({
      type: "error",
      id: "1",
      payload: [{ extensions: { code: "TENANT_MISMATCH" } }],
    });

    const asPatient = await socket(patient);
    asPatient.client.subscribe("2", QUEUE_CHANGES, { institution: INSTITUTION });
    expect(await asPatient.client.next()).toMatchObject({
      type: "error",
      id: "2",
      payload: [{ message: "Your role is not allowed to do this.", extensions: { code: "ROLE_NOT_ALLOWED", messageZh: "您的角色无权执行此操作。" } }],
    });
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

  it("PHA-03: there is no way to edit drug lines through the API", async () => {
    const amend = await h.post(`mutation { amendPrescriptionLines(input: { requestId: "amend-request-1" }) { serialNumber } }`, undefined, pharmacist);
    expect(refusal(amend)).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
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

  it("PHA-06: no pharmacist on duty in business hours raises the alert with the expected delay, also for patients", async () => {
    h.now = new Date("2026-03-06T02:00:00Z"); // 10:00 Beijing
    const shiftInput = { requestId: "shift-request-1", institutionId: INSTITUTION, pharmacistId: PHARMACIST, startsAt: "2026-03-06T04:00:00Z", endsAt: "2026-03-06T10:00:00Z" };
    expect(refusal(await h.post(SCHEDULE, { input: shiftInput }, pharmacist))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    expect(refusal(await h.post(SCHEDULE, { input: { ...shiftInput, requestId: "shift-request-0", endsAt: "2026-03-06T03:00:00Z" } }, admin))).toEqual(
      pharmacyRefusal("INVALID_SHIFT"),
    );
    const shift = data<{ shiftId: string }>(await h.post(SCHEDULE, { input: shiftInput }, admin), "scheduleShift");
    expect(shift).toMatchObject({ institutionId: INSTITUTION, pharmacistId: PHARMACIST });

    const coverage = data(await h.post(COVERAGE, { institution: INSTITUTION }, patient), "reviewCoverage");
    expect(coverage).toEqual({
      at: h.now.toISOString(),
      withinBusinessHours: true,
      pharmacistsOnDuty: [],
      gap: true,
      expectedReviewAt: "2026-03-06T04:00:00.000Z",
      expectedDelayMinutes: 120,
    });

    h.now = new Date("2026-03-06T05:00:00Z");
    expect(data(await h.post(COVERAGE, { institution: INSTITUTION }, pharmacist), "reviewCoverage")).toMatchObject({
      gap: false,
      pharmacistsOnDuty: [PHARMACIST],
      expectedReviewAt: null,
      expectedDelayMinutes: 0,
    });

    const cancelled = data(await h.post(CANCEL, { input: { requestId: "cancel-request-1", institutionId: INSTITUTION, shiftId: shift.shiftId } }, admin), "cancelShift");
    expect(cancelled).toEqual({ shiftId: shift.shiftId, institutionId: INSTITUTION });
    expect(refusal(await h.post(CANCEL, { input: { requestId: "cancel-request-2", institutionId: INSTITUTION, shiftId: "no-such-shift" } }, admin))).toEqual(
      pharmacyRefusal("SHIFT_NOT_FOUND"),
    );
    // Nobody on duty and nobody scheduled: the alert, with no expected time to give.
    expect(data(await h.post(COVERAGE, { institution: INSTITUTION }, admin), "reviewCoverage")).toMatchObject({
      gap: true,
      pharmacistsOnDuty: [],
      expectedReviewAt: null,
      expectedDelayMinutes: null,
    });
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

  it("issue 13: reviewQueue and myPharmacyPrescriptions page by cursor: each version exactly once, in order; an oversized page is refused", async () => {
    // Another institution and patient, so the versions above stay out of it; one minute apart, so the order is known.
    const patientToken = await h.token("patient", "patient-0007");
    const started = h.now;
    const refs = Array.from({ length: 5 }, (_, index) => ({ prescriptionId: `0193b000-0000-7000-8000-0000000007${index}0`, serialNumber: `SN-PAGE-${index}` }));
    try {
      for (const [index, ref] of refs.entries()) {
        h.now = new Date(started.getTime() + index * 60_000);
        await h.publishSigned({ ...ref, institutionId: OTHER_INSTITUTION, patientId: "patient-0007" });
      }
    } finally {
      h.now = started;
    }
    const walk = async (query: string, field: string, variables: Record<string, unknown>, token: string): Promise<string[]> => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const page: RxPage = data<RxPage>(await h.post(query, { ...variables, first: 2, after }, token), field);
        expect(page.edges.length).toBeLessThanOrEqual(2);
        seen.push(...page.edges.map((edge) => edge.node["serialNumber"] as string));
        if (!page.pageInfo.hasNextPage) return seen;
        after = page.pageInfo.endCursor;
      }
      throw new Error("paging never ended");
    };
    const serials = refs.map((ref) => ref.serialNumber);
    await waitFor(async () => (await walk(QUEUE, "reviewQueue", { institution: OTHER_INSTITUTION }, foreignPharmacist)).length === 5, 5_000, "queued");
    // Oldest first, three pages of at most two.
    expect(await walk(QUEUE, "reviewQueue", { institution: OTHER_INSTITUTION }, foreignPharmacist)).toEqual(serials);
    // Newest first.
    expect(await walk(MINE, "myPharmacyPrescriptions", {}, patientToken)).toEqual([...serials].reverse());
    // An edge cursor in the middle of a page continues right after that edge.
    const firstPage = data<RxPage>(await h.post(QUEUE, { institution: OTHER_INSTITUTION, first: 3 }, foreignPharmacist), "reviewQueue");
    const rest = data<RxPage>(await h.post(QUEUE, { institution: OTHER_INSTITUTION, first: 10, after: firstPage.edges[0]!.cursor }, foreignPharmacist), "reviewQueue");
    expect(rest.edges.map((edge) => edge.node["serialNumber"])).toEqual(serials.slice(1));

    const light = `query($first: Int) { reviewQueue(institutionId: "${OTHER_INSTITUTION}", first: $first) { edges { node { serialNumber } } } }`;
    expect(refusal(await h.post(light, { first: 101 }, foreignPharmacist))).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(refusal(await h.post(MINE, { first: 0 }, patientToken))).toMatchObject({ code: "BAD_USER_INPUT" });
    // Pages are priced by the complexity rule: a full page of whole versions costs more than one request may.
    expect(refusal(await h.post(QUEUE, { institution: OTHER_INSTITUTION, first: 100 }, foreignPharmacist))).toMatchObject({ code: "QUERY_TOO_COMPLEX" });
    expect(refusal(await h.post(QUEUE, { institution: OTHER_INSTITUTION, after: "not-a-cursor" }, foreignPharmacist)).code).toMatch(/INVALID_CURSOR/);
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

describe("pharmacy fields without a pharmacy backend", () => {
  it("answer SERVICE_NOT_CONFIGURED, after authentication", async () => {
    const other = await startHarness({ modules: [pharmacyModule] });
    try {
      const anonymous = await other.post(`query { myPharmacyPrescriptions { edges { node { serialNumber } } } }`);
      expect(anonymous.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
      const signedIn = await other.post(`query { myPharmacyPrescriptions { edges { node { serialNumber } } } }`, undefined, await other.token(["patient"]));
      expect(signedIn.body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_NOT_CONFIGURED" });
    } finally {
      await other.close();
    }
  });
});
