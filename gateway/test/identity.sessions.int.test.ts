import type { Signature } from "@ihp/contracts/identity";
import { fromGrpcError } from "@ihp/platform";
import { SoftAuthenticator } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitingConsult } from "./support/fakeConsult.js";
import { dataOf, type IdentityStack, refusalOf, requestId, startIdentityStack } from "./support/identityStack.js";

// Sign-in, step-up and e-signatures through GraphQL against the real identity service (IDN-03, IDN-08, IDN-09).

const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken expiresAt sessionId subjectId supersededSessionId } }`;
const STEP_UP = `mutation ($input: StepUpInput!) { stepUp(input: $input) { stepUpId sessionId expiresAt } }`;
const START_STEP_UP = `mutation ($input: StartStepUpInput!) { startStepUp(input: $input) { optionsJson expiresAt } }`;
const START_REGISTRATION = `mutation ($input: StartPasskeyRegistrationInput!) { startPasskeyRegistration(input: $input) { optionsJson } }`;
const FINISH_REGISTRATION = `mutation ($input: FinishPasskeyRegistrationInput!) { finishPasskeyRegistration(input: $input) { credentialId } }`;
const SET_PASSWORD = `mutation ($input: SetPractitionerPasswordInput!) { setPractitionerPassword(input: $input) { practitionerId } }`;
const CERTIFICATE_FIELDS = "practitionerId serial algorithm publicKey notBefore notAfter issuer revokedAt";
const ENROL = `mutation ($input: EnrolSigningKeyInput!) { enrolSigningKey(input: $input) { ${CERTIFICATE_FIELDS} } }`;
const REVOKE = `mutation ($input: RevokeSigningCertificateInput!) { revokeSigningCertificate(input: $input) { ${CERTIFICATE_FIELDS} } }`;
const VERIFY = `query ($input: VerifySignatureInput!) { verifySignature(input: $input) { valid reasonCode } }`;
const PASSWORD = "Doctor-pass-1";
const CONSULT = "consult-0001";

interface Session {
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly sessionId: string;
  readonly subjectId: string;
  readonly supersededSessionId: string | null;
}
interface Certificate {
  readonly serial: string;
  readonly algorithm: string;
  readonly revokedAt: string | null;
  readonly [field: string]: unknown;
}

let stack: IdentityStack;
let admin: string;
let doctorId = "";

/** An enabled physician (the demo registry's 王示范), set up through the gateway. */
async function enabledPhysician(): Promise<string> {
  const registered = await stack.post(
    `mutation ($input: RegisterPractitionerInput!) { registerPractitioner(input: $input) { id } }`,
    {
      input: {
        requestId: requestId("sess-register"),
        institutionId: stack.institutionId,
        name: "王示范",
        idNumber: "110105198001010016",
        profession: "PHYSICIAN",
        practiceLicenceNumber: "110120000012345",
        title: "主治医师",
        scopeCodes: ["INTERNAL_MEDICINE"],
        departmentCodes: ["03.07"],
        mainInstitutionName: "天津市示范医院",
        mainInstitutionIsHost: true,
        practiceStartedOn: "2015-07-01",
        photoHash: "c".repeat(64),
      },
    },
    admin,
  );
  const id = dataOf<{ id: string }>(registered, "registerPractitioner").id;
  const steps: [string, string, Record<string, unknown>][] = [
    ["verifyPractitionerRegistration", "PractitionerActionInput", {}],
    ["verifyPractitionerIdentity", "VerifyPractitionerIdentityInput", { evidence: "DOC-CHECK-0001" }],
    ["recordPracticeDocument", "RecordPracticeDocumentInput", { kind: "REGISTERING_INSTITUTION_CONSENT", reference: "CONSENT-1" }],
    ["enablePractitioner", "PractitionerActionInput", {}],
  ];
  for (const [field, type, extra] of steps) {
    const response = await stack.post(
      `mutation ($input: ${type}!) { ${field}(input: $input) { status } }`,
      { input: { requestId: requestId(field), practitionerId: id, ...extra } },
      admin,
    );
    dataOf(response, field);
  }
  return id;
}

const login = (password = PASSWORD, loginName = "dr.wang") => stack.post(LOGIN, { input: { loginName, password } });
/** The physician's device: their passkey (IDN-03), registered after the first login. */
const device = new SoftAuthenticator();

/** A passkey step-up: the challenge for the object, then the device's assertion; a refused challenge is the answer. */
async function stepUp(token: string | undefined, overrides: Record<string, unknown> = {}) {
  const { method = "WEBAUTHN", ...object } = { consultId: CONSULT, ...overrides };
  const challenge = await stack.post(START_STEP_UP, { input: { requestId: requestId("challenge"), ...object } }, token);
  if (challenge.body.errors !== undefined) return challenge;
  const { optionsJson } = dataOf<{ optionsJson: string }>(challenge, "startStepUp");
  return stack.post(STEP_UP, { input: { requestId: requestId("stepup"), ...object, method, secret: device.assert(optionsJson) } }, token);
}

beforeAll(async () => {
  stack = await startIdentityStack({ LOGIN_MAX_FAILURES: "3", SIGNING_ALGORITHM: "SM2_SM3" });
  admin = await stack.admin();
  doctorId = await enabledPhysician();
});
afterAll(() => stack?.close());

describe("sign-in, step-up and e-signatures through the gateway (identity module, real identity service)", () => {
  let session: Session;

  it("IDN-08: an institution admin opens the practitioner's login; login answers a token naming the session", async () => {
    const weak = await stack.post(SET_PASSWORD, { input: { requestId: requestId("setpw"), practitionerId: doctorId, loginName: "dr.wang", password: "weak" } }, admin);
    expect(refusalOf(weak).code).toBe("WEAK_PASSWORD");
    expect(refusalOf(await login()).code).toBe("INVALID_CREDENTIALS");
    const set = await stack.post(SET_PASSWORD, { input: { requestId: requestId("setpw"), practitionerId: doctorId, loginName: "dr.wang", password: PASSWORD } }, admin);
    expect(dataOf(set, "setPractitionerPassword")).toEqual({ practitionerId: doctorId });

    session = dataOf<Session>(await login(), "login");
    expect(session.subjectId).toBe(doctorId);
    expect(session.sessionId).not.toBe("");
    expect(session.supersededSessionId).toBeNull();
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    // The token works at the gateway: the practitioner reads their own record with it.
    const self = await stack.post(`query ($id: ID!) { practitioner(id: $id) { id status } }`, { id: doctorId }, session.accessToken);
    expect(dataOf(self, "practitioner")).toEqual({ id: doctorId, status: "ACTIVE" });
    expect(refusalOf(await login("Wrong-pass-1")).code).toBe("INVALID_CREDENTIALS");
  });

  it("IDN-03: the physician registers a passkey just after login (user verification required); a copy of the answer registers nothing more", async () => {
    const options = dataOf<{ optionsJson: string }>(await stack.post(START_REGISTRATION, { input: { requestId: requestId("passkey") } }, session.accessToken), "startPasskeyRegistration");
    const unverified = device.register(options.optionsJson, { userVerified: false });
    expect(refusalOf(await stack.post(FINISH_REGISTRATION, { input: { requestId: requestId("passkey"), response: unverified } }, session.accessToken)).code).toBe("WEBAUTHN_USER_NOT_VERIFIED");
    const answer = device.register(options.optionsJson);
    const registered = await stack.post(FINISH_REGISTRATION, { input: { requestId: requestId("passkey"), response: answer } }, session.accessToken);
    expect(dataOf(registered, "finishPasskeyRegistration")).toEqual({ credentialId: device.credentialId });
    expect(refusalOf(await stack.post(FINISH_REGISTRATION, { input: { requestId: requestId("passkey"), response: answer } }, session.accessToken)).code).toBe("WEBAUTHN_CHALLENGE_USED");
    const patient = await stack.token(["patient"], stack.institutionId, "patient-1", "human");
    expect(refusalOf(await stack.post(START_REGISTRATION, { input: { requestId: requestId("passkey") } }, patient)).code).toBe("ROLE_NOT_ALLOWED");
  });

  it("IDN-03: a physician steps up for a consult in their session; service tokens, other roles and bad input are refused", async () => {
    const stepped = dataOf<{ stepUpId: string; sessionId: string; expiresAt: string }>(await stepUp(session.accessToken), "stepUp");
    expect(stepped.sessionId).toBe(session.sessionId);
    expect(stepped.stepUpId).not.toBe("");
    expect(Date.parse(stepped.expiresAt)).toBeGreaterThan(Date.now());

    const service = await stack.token(["physician"], stack.institutionId, doctorId, "service");
    expect(refusalOf(await stepUp(service))).toEqual({ code: "HUMAN_CLINICIAN_REQUIRED", messageZh: "此操作须由医务人员本人完成。" });
    const system = await stack.token(["system"], "platform", "svc-consult");
    expect(refusalOf(await stepUp(system)).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    expect(refusalOf(await stepUp(admin)).code).toBe("ROLE_NOT_ALLOWED");
    expect(refusalOf(await stepUp(undefined)).code).toBe("UNAUTHENTICATED");
    expect(refusalOf(await stepUp(session.accessToken, { consultId: "consult 1!" })).code).toBe("INVALID_CONSULT_ID");
    expect(refusalOf(await stepUp(session.accessToken, { method: "SMS" })).code).toBe("BAD_USER_INPUT");
    // A token without a login session of the service (no sid) cannot step up.
    const noSession = await stack.token(["physician"], stack.institutionId, doctorId, "human");
    expect(refusalOf(await stepUp(noSession)).code).toBe("SESSION_REQUIRED");
  });

  it("IDN-03: a step-up for a consult that does not exist, or that is not the caller's, is refused before identity records one", async () => {
    const reads = stack.consult.reads();
    expect(refusalOf(await stepUp(session.accessToken, { consultId: "consult-made-up" })).code).toBe("CONSULT_NOT_FOUND");
    stack.consult.consults.set("consult-elsewhere", waitingConsult("consult-elsewhere", "another-institution"));
    expect(refusalOf(await stepUp(session.accessToken, { consultId: "consult-elsewhere" })).code).toBe("NOT_CONSULT_PARTICIPANT");
    // The consult service was asked each time, with the physician's own token.
    expect(stack.consult.reads()).toBe(reads + 2);
    // One object per step-up: a consult and a prescription together bind neither.
    expect(refusalOf(await stepUp(session.accessToken, { prescriptionId: "rx-1", serialNumber: "SN-1" })).code).toBe("BAD_USER_INPUT");
    // Nothing was recorded for the refused ones: a signing bound to the made-up consult finds no step-up.
    const signed = await stack.signDocument(session.accessToken, requestId("sign-made-up"), Buffer.from("{}"), "consult-made-up").then(
      () => "signed",
      (error: unknown) => fromGrpcError(error).code,
    );
    expect(signed).toBe("STEP_UP_REQUIRED");
  });

  it("IDN-03: a caller who may not step up learns nothing about the consult it names: refused by identity, the consult unread", async () => {
    stack.consult.consults.set("consult-of-patient", waitingConsult("consult-of-patient", stack.institutionId));
    const reads = stack.consult.reads();
    const patient = await stack.token(["patient"], stack.institutionId, "patient-1", "human");
    const system = await stack.token(["system"], "platform", "svc-consult");
    for (const consultId of ["consult-made-up", "consult-of-patient", "consult-elsewhere"]) {
      expect(refusalOf(await stepUp(patient, { consultId })).code).toBe("ROLE_NOT_ALLOWED");
      expect(refusalOf(await stepUp(system, { consultId })).code).toBe("HUMAN_CLINICIAN_REQUIRED");
      expect(refusalOf(await stepUp(admin, { consultId })).code).toBe("ROLE_NOT_ALLOWED");
    }
    expect(stack.consult.reads()).toBe(reads);
  });

  let certificate: Certificate;
  let signature: Signature;
  const document = Buffer.from(JSON.stringify({ id: "rx-1", drug: "amlodipine" }), "utf8");
  const verifyInput = (overrides: Record<string, unknown> = {}, doc = document, expectedSignerId: string | null = doctorId) => ({
    input: {
      canonicalDocument: doc.toString("base64"),
      signature: {
        signerId: signature.signerId,
        signerProfession: "PHYSICIAN",
        certificateSerial: signature.certificateSerial,
        algorithm: "SM2_SM3",
        value: signature.value.toString("base64"),
        signedAt: signature.signedAt,
        documentHash: signature.documentHash.toString("base64"),
        ...overrides,
      },
      expectedSignerId,
    },
  });

  it("IDN-09: enrols an SM2 signing key; a signature verifies, forged and replayed ones do not (valid false with the reason)", async () => {
    const enrolled = await stack.post(ENROL, { input: { requestId: requestId("enrol"), practitionerId: doctorId } }, admin);
    certificate = dataOf<Certificate>(enrolled, "enrolSigningKey");
    expect(certificate).toMatchObject({ practitionerId: doctorId, algorithm: "SM2_SM3", revokedAt: null });
    expect(certificate.serial).not.toBe("");
    expect(certificate["issuer"]).not.toBe("");
    expect(Date.parse(certificate["notAfter"] as string)).toBeGreaterThan(Date.parse(certificate["notBefore"] as string));
    const byDoctor = await stack.post(ENROL, { input: { requestId: requestId("enrol"), practitionerId: doctorId } }, session.accessToken);
    expect(refusalOf(byDoctor).code).toBe("ROLE_NOT_ALLOWED");

    // Signing has no GraphQL field: the physician signs over gRPC (as the prescription service does for them).
    await stepUp(session.accessToken);
    const signed = (await stack.signDocument(session.accessToken, requestId("sign"), document)).signature;
    expect(signed?.certificateSerial).toBe(certificate.serial);
    signature = signed!;

    const auditor = await stack.token(["regulator"], "tianjin", "auditor-1");
    expect(dataOf(await stack.post(VERIFY, verifyInput(), auditor), "verifySignature")).toEqual({ valid: true, reasonCode: null });
    const forged = Buffer.from(signature.value);
    forged[forged.length - 3]! ^= 0x01;
    expect(dataOf(await stack.post(VERIFY, verifyInput({ value: forged.toString("base64") }), auditor), "verifySignature")).toEqual({
      valid: false,
      reasonCode: "SIGNATURE_INVALID",
    });
    const replayed = verifyInput({}, Buffer.from(JSON.stringify({ id: "rx-2", drug: "amlodipine" }), "utf8"));
    expect(dataOf(await stack.post(VERIFY, replayed, auditor), "verifySignature")).toEqual({ valid: false, reasonCode: "DOCUMENT_HASH_MISMATCH" });
    const otherSigner = verifyInput({}, document, "0193a9f2-7c1d-8e4b-9a6f-00000000beef");
    expect(dataOf(await stack.post(VERIFY, otherSigner, auditor), "verifySignature")).toEqual({ valid: false, reasonCode: "SIGNER_MISMATCH" });
    // Any signer accepted when none is expected.
    expect(dataOf(await stack.post(VERIFY, verifyInput({}, document, null), auditor), "verifySignature")).toEqual({ valid: true, reasonCode: null });

    expect(refusalOf(await stack.post(VERIFY, verifyInput())).code).toBe("UNAUTHENTICATED");
    expect(refusalOf(await stack.post(VERIFY, verifyInput({ value: "not base64!" }), auditor)).code).toBe("BAD_USER_INPUT");
    expect(refusalOf(await stack.post(VERIFY, verifyInput({ algorithm: "RSA" }), auditor)).code).toBe("BAD_USER_INPUT");
  });

  it("IDN-09: a revoked certificate signs no more (NO_VALID_SIGNING_CERT); signatures made before stay valid", async () => {
    const unknown = await stack.post(REVOKE, { input: { requestId: requestId("revoke"), practitionerId: doctorId, serial: "00ff", reason: "KEY_COMPROMISE" } }, admin);
    expect(refusalOf(unknown).code).toBe("CERTIFICATE_NOT_FOUND");
    const revoked = dataOf<Certificate>(
      await stack.post(REVOKE, { input: { requestId: requestId("revoke"), practitionerId: doctorId, serial: certificate.serial, reason: "KEY_COMPROMISE" } }, admin),
      "revokeSigningCertificate",
    );
    expect(revoked.serial).toBe(certificate.serial);
    expect(Date.parse(revoked.revokedAt ?? "")).not.toBeNaN();

    const refused = await stack.signDocument(session.accessToken, requestId("sign"), document).then(
      () => undefined,
      (error: unknown) => fromGrpcError(error).code,
    );
    expect(refused).toBe("NO_VALID_SIGNING_CERT");
    const auditor = await stack.token(["regulator"], "tianjin", "auditor-1");
    expect(dataOf(await stack.post(VERIFY, verifyInput(), auditor), "verifySignature")).toEqual({ valid: true, reasonCode: null });
  });

  it("IDN-08: a second login supersedes the first; the old token's clinical acts are refused with SESSION_SUPERSEDED", async () => {
    const second = dataOf<Session>(await login(), "login");
    expect(second.supersededSessionId).toBe(session.sessionId);
    expect(refusalOf(await stepUp(session.accessToken))).toEqual({
      code: "SESSION_SUPERSEDED",
      messageZh: "您的账号已在其他设备登录，请重新登录。",
    });
    expect(dataOf<{ sessionId: string }>(await stepUp(second.accessToken), "stepUp").sessionId).toBe(second.sessionId);
    session = second;
  });

  it("IDN-08: LOGIN_MAX_FAILURES wrong passwords from this client make it wait (LOGIN_THROTTLED, no lock); an admin's password reset lifts the wait", async () => {
    for (let attempt = 0; attempt < 3; attempt++) expect(refusalOf(await login("Wrong-pass-1")).code).toBe("INVALID_CREDENTIALS");
    expect(refusalOf(await login("Wrong-pass-1"))).toEqual({ code: "LOGIN_THROTTLED", messageZh: "尝试失败次数过多，请稍候再试。" });
    // Inside the wait the right password is refused too (unchecked) from this client; the account itself is not
    // locked, so the session already open can still step up (issue 13: no lock an outsider could set off).
    expect(refusalOf(await login()).code).toBe("LOGIN_THROTTLED");
    expect(dataOf<{ sessionId: string }>(await stepUp(session.accessToken), "stepUp").sessionId).toBe(session.sessionId);

    const reset = await stack.post(SET_PASSWORD, { input: { requestId: requestId("setpw"), practitionerId: doctorId, password: "Doctor-pass-2" } }, admin);
    expect(dataOf(reset, "setPractitionerPassword")).toEqual({ practitionerId: doctorId });
    expect(dataOf<Session>(await login("Doctor-pass-2"), "login").supersededSessionId).toBe(session.sessionId);
  });
});
