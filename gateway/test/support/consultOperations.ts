import { expect } from "vitest";
import { type ConsultHarness, DIABETES, GUANGXI, PATIENT, PHYSICIAN, requestId } from "./consultHarness.js";
import type { GraphQLBody } from "./harness.js";

// The GraphQL operations the consult tests send, and a driver that takes a consult through its lifecycle.

export const CONSULT_FIELDS = `id institutionId consultType departmentCode patientId guardianId status physicianId requestedAt acceptBy
  priorRecordId confirmedDiagnoses { code name version } eligibility consentVersion terminationReason
  diagnoses { code name version flag } summaryHash revision`;

export const REQUEST = `mutation($input: RequestConsultInput!) { requestConsult(input: $input) { ${CONSULT_FIELDS} } }`;
export const CANCEL = `mutation($input: ConsultActionInput!) { cancelConsult(input: $input) { id status revision } }`;
export const CONSENT = `mutation($input: GiveConsultConsentInput!) { giveConsent(input: $input) { id status consentVersion revision } }`;
export const ACCEPT = `mutation($input: ConsultActionInput!) { acceptConsult(input: $input) { id status physicianId revision } }`;
export const DECIDE = `mutation($input: DecideConsultEligibilityInput!) {
  decideEligibility(input: $input) {
    consult { id status eligibility priorRecordId confirmedDiagnoses { code name version } revision }
    signature { signerId certificateSerial algorithm value signedAt documentHash }
  }
}`;
export const START = `mutation($input: ConsultActionInput!) { startConsult(input: $input) { id status revision } }`;
export const SEND = `mutation($input: SendConsultMessageInput!) {
  sendMessage(input: $input) { id consultId senderId senderRole kind text mediaUri mediaSha256 sentAt }
}`;
export const JOIN = `mutation($input: ConsultActionInput!) { joinVideo(input: $input) { roomId token expiresAt } }`;
export const COMPLETE = `mutation($input: CompleteConsultInput!) {
  completeConsult(input: $input) {
    consult { ${CONSULT_FIELDS} }
    signature { signerId documentHash }
  }
}`;
export const TERMINATE = `mutation($input: TerminateConsultInput!) { terminateConsult(input: $input) { id status terminationReason revision } }`;
export const GET = `query($id: ID!) { consult(id: $id) { ${CONSULT_FIELDS} } }`;
export const CONSENT_TEXT = `{ consentText { version text sha256 } }`;
export const PROPOSE = `mutation($input: ProposeFamilyContractInput!) {
  proposeFamilyContract(input: $input) { id institutionId doctorId patientId status active termsSha256 coveredDiagnoses { code } }
}`;
export const SIGN = `mutation($input: SignFamilyContractInput!) { signFamilyContract(input: $input) { id status active termsSha256 } }`;
export const CONTRACT = `query($id: ID!) { familyContract(id: $id) { id status active } }`;
const QUEUE_FIELDS = `edges { cursor node { id status consultType patientId physicianId } } pageInfo { hasNextPage endCursor }`;
export const WAITING = `query($first: Int, $after: String) { waitingConsults(first: $first, after: $after) { ${QUEUE_FIELDS} } }`;
export const MINE = `query($first: Int, $after: String) { myConsults(first: $first, after: $after) { ${QUEUE_FIELDS} } }`;
export const BOARD = `query($institutionId: ID!, $first: Int) { institutionBoard(institutionId: $institutionId, first: $first) { ${QUEUE_FIELDS} } }`;

export interface PublicRefusal {
  readonly code: unknown;
  readonly message: string;
  readonly messageZh: unknown;
  readonly ruleId: unknown;
}

/** The data of a response that must have succeeded. */
export function dataOf(response: { body: GraphQLBody }): Record<string, unknown> {
  expect(response.body.errors, JSON.stringify(response.body.errors)).toBeUndefined();
  return response.body.data ?? {};
}

/** The one error of a refused field. */
export function refusalOf(response: { body: GraphQLBody }): PublicRefusal {
  const error = response.body.errors?.[0];
  expect(error, "expected an error").toBeDefined();
  const extensions = error?.extensions ?? {};
  return { code: extensions["code"], message: error?.message ?? "", messageZh: extensions["messageZh"], ruleId: extensions["ruleId"] };
}

export interface FollowUpOverrides {
  readonly [field: string]: unknown;
}

/** A follow-up request at the Guangxi institution on a two-week-old outpatient record. */
export function followUpInput(overrides: FollowUpOverrides = {}): Record<string, unknown> {
  return {
    requestId: requestId(),
    institutionId: GUANGXI,
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
    priorRecord: {
      documentId: "doc-0001",
      recordType: "OUTPATIENT_RECORD",
      recordDate: "2026-03-01",
      issuingInstitution: "示范市第一人民医院",
      diagnoses: [DIABETES],
    },
    ...overrides,
  };
}

export interface ConsultState {
  readonly id: string;
  readonly status: string;
  readonly revision: string;
  readonly [field: string]: unknown;
}

/** Drives consults through GraphQL as the given patient and physician. */
export class ConsultDriver {
  constructor(
    private readonly h: ConsultHarness,
    readonly patient: string,
    readonly physician: string,
  ) {}

  static async create(h: ConsultHarness, patient = PATIENT, physician = PHYSICIAN, physicianTenant = GUANGXI): Promise<ConsultDriver> {
    return new ConsultDriver(h, await h.token(patient, ["patient"]), await h.token(physician, ["physician"], { tenantId: physicianTenant }));
  }

  async request(overrides: FollowUpOverrides = {}): Promise<ConsultState> {
    return dataOf(await this.h.post(REQUEST, { input: followUpInput(overrides) }, this.patient))["requestConsult"] as ConsultState;
  }

  async get(id: string, token = this.patient): Promise<ConsultState> {
    return dataOf(await this.h.post(GET, { id }, token))["consult"] as ConsultState;
  }

  async accept(id: string): Promise<ConsultState> {
    return dataOf(await this.h.post(ACCEPT, { input: { requestId: requestId(), consultId: id } }, this.physician))["acceptConsult"] as ConsultState;
  }

  async consent(id: string): Promise<void> {
    const text = dataOf(await this.h.post(CONSENT_TEXT))["consentText"] as { version: string; sha256: string };
    dataOf(await this.h.post(CONSENT, { input: { requestId: requestId(), consultId: id, consentVersion: text.version, consentSha256: text.sha256 } }, this.patient));
  }

  async decide(id: string, eligible = true): Promise<Record<string, unknown>> {
    const input = { requestId: requestId(), consultId: id, eligible, verifiedDiagnoses: eligible ? [DIABETES] : [] };
    return dataOf(await this.h.post(DECIDE, { input }, this.physician))["decideEligibility"] as Record<string, unknown>;
  }

  async start(id: string): Promise<ConsultState> {
    return dataOf(await this.h.post(START, { input: { requestId: requestId(), consultId: id } }, this.physician))["startConsult"] as ConsultState;
  }

  /** A follow-up requested, accepted, decided eligible, consented and started. */
  async inProgress(overrides: FollowUpOverrides = {}): Promise<string> {
    const { id } = await this.request(overrides);
    await this.accept(id);
    await this.decide(id);
    await this.consent(id);
    expect((await this.start(id)).status).toBe("IN_PROGRESS");
    return id;
  }

  send(id: string, text: string, token: string) {
    return this.h.post(SEND, { input: { requestId: requestId(), consultId: id, kind: "TEXT", text } }, token);
  }
}
