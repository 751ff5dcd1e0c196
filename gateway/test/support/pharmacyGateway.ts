import { PHARMACY_ERRORS } from "@ihp/pharmacy";
import { afterAll, beforeAll, expect } from "vitest";
import type { GraphQLBody } from "./harness.js";
import { NOVICE, OTHER_INSTITUTION, OTHER_PATIENT, PATIENT, PHARMACIST, type PharmacyHarness, startPharmacyHarness } from "./pharmacyHarness.js";
import { type Frame, WsClient } from "./wsClient.js";

// The pharmacy gateway tests' shared setup and helpers (pharmacy.int.test.ts, pharmacy.queue.int.test.ts): the
// prescriptions they publish, the GraphQL documents, the harness and the callers' tokens.

export const rx = (n: number) => `0193b000-0000-7000-8000-00000000000${n}`;
/** 20 mg once a day: above the sample catalogue's per-dose and daily maximum for amlodipine. */
export const RX1 = { prescriptionId: rx(1), serialNumber: "SN-0001" };
/** Returned to the physician, then re-issued as RX2_V2. */
export const RX2 = { prescriptionId: rx(2), serialNumber: "SN-0002" };
export const RX2_V2 = { prescriptionId: rx(2), serialNumber: "SN-0002-B" };
/** Approved and paid on its last valid day, dispensed a day too late (RX-06). */
export const RX3 = { prescriptionId: rx(3), serialNumber: "SN-0003" };

export const RX_FIELDS = /* GraphQL */ `
  fragment Rx on PharmacyPrescription {
    prescriptionId serialNumber version institutionId patientId consultId status issuedOn validUntil
    lines { drugCode approvedName dose doseUnit frequency daysSupply }
    findings { code severity drugCodes detail }
    reasonCode pharmacistId reviewedAt paidAt dispensedAt revision
    delivery { deliveryId carrier agreementId trackingNumber handedOverAt status statusAt }
  }
`;
export const GET = `query($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) { ...Rx } } ${RX_FIELDS}`;
export const QUEUE = `query($institution: ID!, $first: Int, $after: String) {
  reviewQueue(institutionId: $institution, first: $first, after: $after) { edges { cursor node { ...Rx } } pageInfo { endCursor hasNextPage } }
} ${RX_FIELDS}`;
export const MINE = `query($first: Int, $after: String) {
  myPharmacyPrescriptions(first: $first, after: $after) { edges { cursor node { ...Rx } } pageInfo { endCursor hasNextPage } }
} ${RX_FIELDS}`;
export const APPROVE = `mutation($input: ApprovePrescriptionInput!) { approvePrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const RETURN = `mutation($input: ReturnPrescriptionInput!) { returnPrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const REJECT = `mutation($input: RejectPrescriptionInput!) { rejectPrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const PAY = `mutation($input: RecordPrescriptionPaymentInput!) { recordPayment(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const DISPENSE = `mutation($input: DispensePrescriptionInput!) { dispensePrescription(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const DISPATCH = `mutation($input: DispatchDeliveryInput!) { dispatchDelivery(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const TRACK = `mutation($input: SyncDeliveryTrackingInput!) { syncDeliveryTracking(input: $input) { ...Rx } } ${RX_FIELDS}`;
export const CHECK_ORDER = `query($lines: [PharmacyOrderLineInput!]!) { checkOrder(lines: $lines) { serialNumbers } }`;
export const COVERAGE = `query($institution: ID!) {
  reviewCoverage(institutionId: $institution) { at withinBusinessHours pharmacistsOnDuty gap expectedReviewAt expectedDelayMinutes }
}`;
export const SCHEDULE = `mutation($input: ScheduleReviewShiftInput!) { scheduleShift(input: $input) { shiftId institutionId pharmacistId startsAt endsAt } }`;
export const CANCEL = `mutation($input: CancelReviewShiftInput!) { cancelShift(input: $input) { shiftId institutionId } }`;
export const QUEUE_CHANGES = `subscription($institution: ID!) {
  reviewQueueChanged(institutionId: $institution) { kind item { serialNumber status pharmacistId findings { code } } }
}`;

export type Rx = Record<string, unknown> & { readonly revision: string; readonly status: string | null };

export function data<T>(body: GraphQLBody, field: string): T {
  expect(body.errors).toBeUndefined();
  return body.data?.[field] as T;
}

export interface RxPage {
  readonly edges: { readonly cursor: string; readonly node: Rx }[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
}

/** The items of one page of a connection field. */
export function nodes(body: GraphQLBody, field: string): Rx[] {
  return data<RxPage>(body, field).edges.map((edge) => edge.node);
}

/** The one error of a refused field, as the client sees it: stable code, English message, Chinese text, rule id. */
export function refusal(body: GraphQLBody): Record<string, unknown> {
  expect(body.errors).toHaveLength(1);
  return { message: body.errors?.[0]?.message, ...body.errors?.[0]?.extensions };
}

/** What a refusal with a pharmacy code looks like through GraphQL. */
export function pharmacyRefusal(code: keyof typeof PHARMACY_ERRORS): Record<string, unknown> {
  const entry = PHARMACY_ERRORS[code];
  const expected: Record<string, unknown> = { code, message: entry.en, messageZh: entry.zh };
  if (entry.ruleId !== undefined) expected["ruleId"] = entry.ruleId;
  return expected;
}

export function nextChange(frame: Frame): { kind: string; item: { serialNumber: string; status: string; pharmacistId: string | null; findings: { code: string }[] } } {
  expect(frame.type).toBe("next");
  return (frame.payload as { data: { reviewQueueChanged: ReturnType<typeof nextChange> } }).data.reviewQueueChanged;
}

export let h: PharmacyHarness;
export let pharmacist: string;
export let novice: string;
export let foreignPharmacist: string;
export let patient: string;
export let otherPatient: string;
export let admin: string;
export let physician: string;
const sockets: WsClient[] = [];

export const get = async (ref: { prescriptionId: string; serialNumber: string }, token = pharmacist): Promise<Rx | null> =>
  data<Rx | null>(await h.post(GET, { id: ref.prescriptionId, serial: ref.serialNumber }, token), "pharmacyPrescription");

/** A graphql-transport-ws connection, closed when the file's tests are done. */
export async function socket(token: string | undefined): Promise<{ client: WsClient; answer: Frame }> {
  const connection = await WsClient.init(h.wsUrl, token);
  sockets.push(connection.client);
  return connection;
}

/**
 * One pharmacy harness for the calling suite: started before its tests, closed after them (sockets first). The
 * tokens and helpers above read it through these module bindings.
 */
export function usePharmacyHarness(): void {
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
    await Promise.all(sockets.splice(0).map((client) => client.close()));
    await h?.close();
  });
}
