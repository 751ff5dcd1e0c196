import { PRESCRIPTION_ERRORS } from "@ihp/prescription";
import { afterAll, beforeAll, expect } from "vitest";
import type { GraphQLBody } from "./harness.js";
import { DRAFT, GET, MINE, SIGN } from "./prescriptionDocuments.js";
import { CONSULTS, PATIENT_ID, PHYSICIAN_ID, type PrescriptionHarness, startPrescriptionHarness } from "./prescriptionHarness.js";

// The prescription gateway tests' shared setup and helpers (prescription.int.test.ts, prescription.refusals.int.test.ts):
// the harness, the callers' tokens, and the calls every test makes through GraphQL.

export interface LineView {
  readonly lineId: string;
  readonly drugCode: string;
  readonly proposedByKind: string | null;
  readonly confirmedBy: string | null;
}

export interface PrescriptionView {
  readonly id: string;
  readonly version: number;
  readonly status: string;
  readonly reviewStatus: string;
  readonly serialNumber: string | null;
  readonly predecessorSerialNumber: string | null;
  readonly issuedOn: string | null;
  readonly validUntil: string | null;
  readonly lines: readonly LineView[];
  readonly extensionReason: string | null;
  readonly longTermConfirmed: boolean;
  readonly longTermConfirmationNeeded: boolean;
  readonly missingAttestations: readonly string[];
  readonly revision: string;
  readonly [field: string]: unknown;
}

export interface SummaryView {
  readonly id: string;
  readonly serialNumber: string | null;
  readonly status: string;
  readonly drugNames: readonly string[];
}

export const SERIAL = /^RX-20260302-[0-9A-F]{8}-\d{6}$/;

export let h: PrescriptionHarness;
export let physician: string;
export let otherPhysician: string;
export let assistant: string;
export let patient: string;
export let governance: string;
let requests = 0;

/** A fresh client request id per mutation (8–128 characters). */
export const rid = (label: string): string => `${label}-${String(++requests).padStart(6, "0")}`;

export function errorOf(body: GraphQLBody) {
  expect(body.errors, JSON.stringify(body)).toHaveLength(1);
  return body.errors![0]!;
}

export async function prescriptionOf(query: string, input: Record<string, unknown>, token: string, field: string): Promise<PrescriptionView> {
  const { body } = await h.post(query, { input }, token);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data![field] as PrescriptionView;
}

export const draft = (content: Record<string, unknown>, consultId: string = CONSULTS.adult, token = physician) =>
  prescriptionOf(DRAFT, { requestId: rid("draft"), consultId, content }, token, "draftPrescription");
export const sign = (p: PrescriptionView, validityDays?: number, token = physician) =>
  prescriptionOf(SIGN, { requestId: rid("sign"), prescriptionId: p.id, version: p.version, ...(validityDays === undefined ? {} : { validityDays }) }, token, "signPrescription");

/** The refusal of a mutation (that the field came back null): its extensions and its English message. */
export async function refused(query: string, input: Record<string, unknown>, token: string | undefined): Promise<Record<string, unknown>> {
  const { body } = await h.post(query, { input }, token);
  expect(body.data ?? null).toBeNull();
  const error = errorOf(body);
  return { ...error.extensions, message: error.message };
}

/** What the client sees for one of the service's codes: the texts of its table (ERRORS.md) and the rule id. */
export function described(code: keyof typeof PRESCRIPTION_ERRORS): Record<string, unknown> {
  const entry = PRESCRIPTION_ERRORS[code];
  return { code, message: entry.en, messageZh: entry.zh, ...(entry.ruleId === undefined ? {} : { ruleId: entry.ruleId }) };
}

/** A refused read of one prescription: what the client sees (the field is null only because it errored). */
export async function unreadable(id: string, token: string): Promise<Record<string, unknown>> {
  const { body } = await h.post(GET, { id }, token);
  expect(body.data?.["prescription"] ?? null).toBeNull();
  const error = errorOf(body);
  return { ...error.extensions, message: error.message };
}

export async function current(id: string, token = physician): Promise<PrescriptionView | null> {
  const { body } = await h.post(GET, { id }, token);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!["prescription"] as PrescriptionView | null;
}

export async function mine(token: string, first = 100): Promise<SummaryView[]> {
  const { body } = await h.post(MINE, { first }, token);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const connection = body.data!["myPrescriptions"] as { edges: { node: SummaryView }[] };
  return connection.edges.map((edge) => edge.node);
}

/**
 * One prescription harness for the calling test file: started before its tests, closed after them. The tokens and
 * helpers above read it through these module bindings.
 */
export function usePrescriptionHarness(): void {
  beforeAll(async () => {
    h = await startPrescriptionHarness();
    physician = await h.token(PHYSICIAN_ID, ["physician"]);
    otherPhysician = await h.token("phys-0002", ["physician"]);
    assistant = await h.token("rx-assistant", ["system"], { kind: "service" });
    patient = await h.token(PATIENT_ID, ["patient"]);
    governance = await h.token("gov-0001", ["pharmacy_governance"]);
  });
  afterAll(() => h.close());
}
