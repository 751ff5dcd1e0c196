import type { SoftAuthenticator } from "@ihp/testing/soft-authenticator";
import { graphql } from "./graphqlClient.js";
import { registerPasskey, stepUp } from "./passkeySteps.js";

// The whole clinical path through the GraphQL API, as hospital front-ends drive it: staff onboarding, a patient's
// follow-up consult, the physician's signed prescription, the pharmacist's signed review, dispensing and delivery.
// Used by the demo seed, the end-to-end test and the benchmarks, so all three exercise the same calls. Demo data only:
// fictitious people from the demo registry file (services/identity/src/adapters/registry/demo-registry.json).

/** A GraphQL call that must succeed: the named field of `data`, or an Error carrying the errors' codes. */
export async function must<T>(url: string, query: string, variables: Record<string, unknown>, token: string | undefined, field: string): Promise<T> {
  const response = await graphql<Record<string, T>>(url, query, variables, token);
  const value = response.data?.[field];
  if (response.errors !== undefined || value === undefined || value === null) {
    throw new FlowError(field, response.errors ?? [], response.status);
  }
  return value;
}

export class FlowError extends Error {
  constructor(
    readonly field: string,
    readonly errors: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>,
    readonly status: number,
  ) {
    super(`${field} failed (HTTP ${status}): ${errors.map((error) => `${String(error.extensions?.["code"])} ${error.message}`).join("; ")}`);
    this.name = "FlowError";
  }

  /** The first error's stable code. */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.["code"];
    return typeof code === "string" ? code : undefined;
  }
}

/** Beijing calendar date (YYYY-MM-DD) of an instant, `days` later. */
export function beijingDate(at: Date, days = 0): string {
  return new Date(at.getTime() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The clinicians' passkeys (IDN-03 step-ups): software authenticators standing in for their devices. */
export interface StaffPasskeys {
  readonly physician: SoftAuthenticator;
  readonly pharmacist: SoftAuthenticator;
}

export interface Staff {
  readonly physicianId: string;
  readonly pharmacistId: string;
  readonly physicianLogin: string;
  readonly pharmacistLogin: string;
  readonly password: string;
  readonly passkeys: StaffPasskeys;
}

export interface DemoPatient {
  readonly patientId: string;
  readonly login: string;
  readonly password: string;
}

const PRACTITIONER = `mutation ($input: RegisterPractitionerInput!) { registerPractitioner(input: $input) { id status } }`;
const action = (field: string, type = "PractitionerActionInput") =>
  `mutation ($input: ${type}!) { ${field}(input: $input) { id status } }`;

/** The demo registry's physician 王示范 and pharmacist 赵药师 (made-up ID numbers listed in the registry file). */
const PEOPLE = {
  physician: {
    name: "王示范",
    idNumber: "110105198001010016",
    profession: "PHYSICIAN",
    practiceLicenceNumber: "110120000012345",
    title: "主治医师",
    scopeCodes: ["INTERNAL_MEDICINE"],
    departmentCodes: ["03.07"],
  },
  pharmacist: {
    name: "赵药师",
    idNumber: "11010519850708002X",
    profession: "PHARMACIST",
    practiceLicenceNumber: "ZY00120190001",
    title: "主管药师",
    scopeCodes: ["PHARMACY"],
    departmentCodes: [],
    dispensingYears: 5,
    affiliation: "IN_HOUSE",
  },
} as const;

/**
 * Registers, verifies and enables one practitioner through the admin's API (IDN-01 registry, IDN-02 identity check,
 * IDN-04 consent), gives them a login and a signing key (IDN-09). `key` makes the request ids unique per person.
 */
async function onboard(
  url: string,
  admin: string,
  institutionId: string,
  who: keyof typeof PEOPLE,
  key: string,
  login: string,
  password: string,
  now: Date,
): Promise<string> {
  const input = {
    ...PEOPLE[who],
    requestId: `${key}-register`,
    institutionId,
    licenceValidUntil: beijingDate(now, 5 * 365),
    mainInstitutionName: "示例市第一人民医院",
    mainInstitutionIsHost: true,
    practiceStartedOn: beijingDate(now, -10 * 365),
    photoHash: "a".repeat(64),
  };
  const { id } = await must<{ id: string }>(url, PRACTITIONER, { input }, admin, "registerPractitioner");
  const act = (field: string, extra: Record<string, unknown> = {}, type?: string) =>
    must(url, action(field, type), { input: { requestId: `${key}-${field}`, practitionerId: id, ...extra } }, admin, field);
  await act("verifyPractitionerRegistration");
  await act("verifyPractitionerIdentity", { evidence: `DOC-CHECK-${key}` }, "VerifyPractitionerIdentityInput");
  await act("recordPracticeDocument", { kind: "REGISTERING_INSTITUTION_CONSENT", reference: `CONSENT-${key}` }, "RecordPracticeDocumentInput");
  await act("enablePractitioner");
  await must(
    url,
    `mutation ($input: SetPractitionerPasswordInput!) { setPractitionerPassword(input: $input) { practitionerId } }`,
    { input: { requestId: `${key}-password`, practitionerId: id, loginName: login, password } },
    admin,
    "setPractitionerPassword",
  );
  await must(
    url,
    `mutation ($input: EnrolSigningKeyInput!) { enrolSigningKey(input: $input) { serial } }`,
    { input: { requestId: `${key}-signing-key`, practitionerId: id, algorithm: "SM2_SM3" } },
    admin,
    "enrolSigningKey",
  );
  return id;
}

/** A physician and a pharmacist, enabled, with logins and keys; the pharmacist on duty for the next 22 hours (PHA-06). */
export async function onboardStaff(url: string, admin: string, institutionId: string, now: Date, suffix = "demo"): Promise<Staff> {
  const password = "demo-password-2026";
  const physicianLogin = `physician-${suffix}`;
  const pharmacistLogin = `pharmacist-${suffix}`;
  const physicianId = await onboard(url, admin, institutionId, "physician", `${suffix}-physician`, physicianLogin, password, now);
  const pharmacistId = await onboard(url, admin, institutionId, "pharmacist", `${suffix}-pharmacist`, pharmacistLogin, password, now);
  const passkeys = {
    physician: await registerPasskey(url, await loginAs(url, physicianLogin, password)),
    pharmacist: await registerPasskey(url, await loginAs(url, pharmacistLogin, password)),
  };
  await must(
    url,
    `mutation ($input: ScheduleReviewShiftInput!) { scheduleShift(input: $input) { shiftId } }`,
    {
      input: {
        requestId: `${suffix}-shift`,
        institutionId,
        pharmacistId,
        startsAt: new Date(now.getTime() - 3600_000).toISOString(),
        endsAt: new Date(now.getTime() + 22 * 3600_000).toISOString(),
      },
    },
    admin,
    "scheduleShift",
  );
  return { physicianId, pharmacistId, physicianLogin, pharmacistLogin, password, passkeys };
}

/** A verified adult patient with a login (IDN-07). The made-up ID number's check digit is valid. */
export async function registerPatient(url: string, institutionId: string, suffix = "demo"): Promise<DemoPatient> {
  const login = `patient-${suffix}`;
  const password = "demo-password-2026";
  const patient = await must<{ id: string }>(
    url,
    `mutation ($input: RegisterPatientInput!) { registerPatient(input: $input) { id } }`,
    {
      input: {
        requestId: `${suffix}-patient`,
        institutionId,
        name: "陈示例",
        idType: "RESIDENT_ID_CARD",
        idNumber: residentId("110105", "19700312", suffix),
        birthDate: "1970-03-12",
        sex: "FEMALE",
        loginName: login,
        password,
      },
    },
    undefined,
    "registerPatient",
  );
  const token = await loginAs(url, login, password);
  await must(
    url,
    `mutation ($input: VerifyPatientIdentityInput!) { verifyPatientIdentity(input: $input) { id } }`,
    { input: { requestId: `${suffix}-patient-verify`, patientId: patient.id, method: "ID_CARD_FACE_MATCH", evidence: `sdk-${suffix}` } },
    token,
    "verifyPatientIdentity",
  );
  return { patientId: patient.id, login, password };
}

/** A resident ID number (GB 11643) with a valid check character; the sequence part comes from `seed`. */
export function residentId(area: string, birth: string, seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) % 999;
  const body = `${area}${birth}${String(hash).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * (weights[i] ?? 0), 0);
  return body + "10X98765432"[sum % 11];
}

export async function loginAs(url: string, loginName: string, password: string): Promise<string> {
  const session = await must<{ accessToken: string }>(
    url,
    `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`,
    { input: { loginName, password } },
    undefined,
    "login",
  );
  return session.accessToken;
}

export interface FlowActors {
  readonly url: string;
  readonly institutionId: string;
  readonly patientToken: string;
  readonly physicianToken: string;
  readonly pharmacistToken: string;
  /** The clinicians' passkeys, for the step-ups (IDN-03). */
  readonly passkeys: StaffPasskeys;
}

export interface FlowResult {
  readonly consultId: string;
  readonly prescriptionId?: string;
  readonly serialNumber?: string;
}

const DIAGNOSIS = { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" };

/**
 * One follow-up consult from request to signed completion (CON-01 … CON-06, IDN-03, IDN-09) and, with `prescribe`,
 * a prescription signed in it, reviewed and approved by the pharmacist, paid, dispensed and dispatched (RX-01 …
 * RX-10, PHA-01 … PHA-08). `key` makes every request id unique.
 */
export async function runClinicalFlow(actors: FlowActors, key: string, options: { prescribe: boolean; now?: Date }): Promise<FlowResult> {
  const consultId = await startFollowUp(actors, key, options.now ?? new Date());
  let result: FlowResult = { consultId };
  if (options.prescribe) result = { consultId, ...(await prescribeAndDispense(actors, key, consultId)) };
  await completeFollowUp(actors, key, consultId);
  return result;
}

/** A follow-up consult requested, stepped up for, accepted, found eligible, consented to and started (CON-01 … CON-04). */
export async function startFollowUp(actors: FlowActors, key: string, now: Date): Promise<string> {
  const { url, patientToken: patient, physicianToken: physician } = actors;
  const consult = await must<{ id: string }>(
    url,
    `mutation ($input: RequestConsultInput!) { requestConsult(input: $input) { id status } }`,
    {
      input: {
        requestId: `${key}-request`,
        institutionId: actors.institutionId,
        consultType: "FOLLOW_UP",
        departmentCode: "03.07",
        priorRecord: {
          documentId: `${key}-prior-record`,
          recordType: "OUTPATIENT_RECORD",
          recordDate: beijingDate(now, -10),
          issuingInstitution: "示例市第一人民医院",
          diagnoses: [DIAGNOSIS],
        },
      },
    },
    patient,
    "requestConsult",
  );
  const consultId = consult.id;
  const act = (field: string, token: string, extra: Record<string, unknown> = {}, type = "ConsultActionInput", selection = "id") =>
    must(url, `mutation ($input: ${type}!) { ${field}(input: $input) { ${selection} } }`, { input: { requestId: `${key}-${field}`, consultId, ...extra } }, token, field);

  await stepUp(url, physician, { consultId }, actors.passkeys.physician, `${key}-physician-step-up`);
  await act("acceptConsult", physician);
  await act("decideEligibility", physician, { eligible: true, verifiedDiagnoses: [DIAGNOSIS] }, "DecideConsultEligibilityInput", "consult { id }");
  const consent = await must<{ version: string; sha256: string }>(url, `{ consentText { version sha256 } }`, {}, undefined, "consentText");
  await act("giveConsent", patient, { consentVersion: consent.version, consentSha256: consent.sha256 }, "GiveConsultConsentInput");
  await act("startConsult", physician);
  await act("sendMessage", patient, { kind: "TEXT", text: "最近空腹血糖7.2，需要续药。" }, "SendConsultMessageInput", "id");
  return consultId;
}

/** The physician's signed summary ends the consult (CON-06). */
export async function completeFollowUp(actors: FlowActors, key: string, consultId: string): Promise<void> {
  await must(
    actors.url,
    `mutation ($input: CompleteConsultInput!) { completeConsult(input: $input) { consult { id status } } }`,
    {
      input: {
        requestId: `${key}-completeConsult`,
        consultId,
        summary: "2型糖尿病复诊，病情稳定，续用二甲双胍。",
        diagnoses: [DIAGNOSIS],
      },
    },
    actors.physicianToken,
    "completeConsult",
  );
}

async function prescribeAndDispense(actors: FlowActors, key: string, consultId: string): Promise<{ prescriptionId: string; serialNumber: string }> {
  const { url, pharmacistToken: pharmacist } = actors;
  const ids = await prescribeForReview(actors, key, consultId);

  // PHA-05: the pharmacist signs too, in a session stepped up for this very prescription (IDN-03).
  await stepUp(url, pharmacist, ids, actors.passkeys.pharmacist, `${key}-pharmacist-step-up`);
  const pharmacy = (field: string, token: string, extra: Record<string, unknown> = {}, type: string) =>
    must(url, `mutation ($input: ${type}!) { ${field}(input: $input) { status } }`, { input: { requestId: `${key}-${field}`, ...ids, ...extra } }, token, field);
  await pharmacy("approvePrescription", pharmacist, {}, "ApprovePrescriptionInput");
  await pharmacy("recordPayment", pharmacist, { paymentReference: `PAY-${key}`, amountFen: 1250 }, "RecordPrescriptionPaymentInput");
  await pharmacy("dispensePrescription", pharmacist, {}, "DispensePrescriptionInput");
  await pharmacy("dispatchDelivery", pharmacist, { destinationReference: `ADDR-${key}` }, "DispatchDeliveryInput");
  return ids;
}

/** A prescription drafted and signed in an open consult (RX-01 … RX-10), once it is in the pharmacy's review queue. */
export async function prescribeForReview(actors: FlowActors, key: string, consultId: string): Promise<{ prescriptionId: string; serialNumber: string }> {
  const { url, physicianToken: physician, pharmacistToken: pharmacist } = actors;
  const draft = await must<{ id: string; version: number }>(
    url,
    `mutation ($input: DraftPrescriptionInput!) { draftPrescription(input: $input) { id version } }`,
    {
      input: {
        requestId: `${key}-draft`,
        consultId,
        content: {
          lines: [
            { drugCode: "metformin-hcl-tab-0.5g", dose: 500, doseUnit: "mg", route: "PO", frequency: "BID", daysSupply: 7, quantity: 14, quantityUnit: "片" },
          ],
          diagnosisCodes: [DIAGNOSIS.code],
        },
      },
    },
    physician,
    "draftPrescription",
  );
  const signed = await must<{ serialNumber: string }>(
    url,
    `mutation ($input: SignPrescriptionInput!) { signPrescription(input: $input) { serialNumber status } }`,
    { input: { requestId: `${key}-sign`, prescriptionId: draft.id, version: draft.version } },
    physician,
    "signPrescription",
  );
  const ids = { prescriptionId: draft.id, serialNumber: signed.serialNumber };

  // The signed version reaches the pharmacy over the bus: wait until it is in the review queue.
  const query = `query ($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) { status } }`;
  for (let attempt = 0; ; attempt++) {
    const response = await graphql<{ pharmacyPrescription: { status: string } | null }>(url, query, { id: ids.prescriptionId, serial: ids.serialNumber }, pharmacist);
    if (response.data?.pharmacyPrescription?.status === "UNDER_REVIEW") break;
    if (attempt >= 400) throw new Error(`prescription ${ids.serialNumber} never reached the review queue: ${JSON.stringify(response)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return ids;
}
