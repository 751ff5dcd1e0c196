import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClinicalAccessServiceService,
  ClinicalObjectKind,
  GuardianRelationship,
  HospitalGrade,
  IdDocumentType,
  InstitutionServiceService,
  PatientServiceService,
  PatientVerificationMethod,
  SessionServiceService,
  Sex,
  SignatureAlgorithm,
  SignatureRejection,
  SignatureServiceService,
  SigningKeyServiceService,
  StepUpMethod,
} from "@ihp/contracts/identity";
import type { BuiltinIssuer } from "@ihp/platform";
import { createLogger, loadConfig, openBuiltinIssuer } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { institutionIdFor } from "../src/application/ids.js";
import { identityConfigSchema, startIdentityService } from "../src/index.js";
import { residentId, withWrongCheck, PractitionerStandIn } from "./support/accessFixtures.js";
import { refusalOf, ServiceClient } from "./support/client.js";

// Request values of the enums these calls use.
const FACE_MATCH = PatientVerificationMethod.PATIENT_VERIFICATION_METHOD_ID_CARD_FACE_MATCH;
const PARENT = GuardianRelationship.GUARDIAN_RELATIONSHIP_PARENT;
const PASSWORD = StepUpMethod.STEP_UP_METHOD_PASSWORD;
const CONFIGURED_ALGORITHM = SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED;

// A registered institution: a step-up reads its jurisdiction profile for the accepted factors (IDN-03).
const INSTITUTION_REQUEST = "access-test-institution";
const INSTITUTION = institutionIdFor(INSTITUTION_REQUEST);
const DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const logger = createLogger({ name: "identity", level: "silent" });

let dataDir: string;
let issuer: BuiltinIssuer;
let now = new Date("2026-03-02T02:00:00Z");
const advance = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};
const practitioners = new PractitionerStandIn();
let service: Awaited<ReturnType<typeof startIdentityService>>;
let patients: ServiceClient<typeof PatientServiceService>;
let sessions: ServiceClient<typeof SessionServiceService>;
let access: ServiceClient<typeof ClinicalAccessServiceService>;
let signing: ServiceClient<typeof SignatureServiceService>;
let keysAdmin: ServiceClient<typeof SigningKeyServiceService>;
let admin: string;
let system: string;
let prescriptionService: string;
let pharmacyService: string;
const SIGNER = "x-ihp-signer-authorization";

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "identity-access-"));
  const env = { SERVICE_NAME: "identity", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000", LOGIN_MAX_FAILURES: "3", SIGNING_ALGORITHM: "SM2_SM3" };
  const config = loadConfig(identityConfigSchema, env);
  practitioners.add(DOCTOR, { name: "王医生", profession: "PHYSICIAN", institutionId: INSTITUTION, active: true });
  // Tokens of the builtin issuer whose key is in DATA_DIR: the same key the service's Login signs with.
  service = await startIdentityService({ config, logger, clock: () => now, practitionerAccess: practitioners });
  issuer = await openBuiltinIssuer(dataDir);
  patients = new ServiceClient(PatientServiceService, service.grpcPort);
  sessions = new ServiceClient(SessionServiceService, service.grpcPort);
  access = new ServiceClient(ClinicalAccessServiceService, service.grpcPort);
  signing = new ServiceClient(SignatureServiceService, service.grpcPort);
  keysAdmin = new ServiceClient(SigningKeyServiceService, service.grpcPort);
  admin = await issuer.issue({ subject: "admin-1", roles: ["institution_admin"], tenantId: INSTITUTION, kind: "human", ttlSeconds: 10 ** 8 });
  system = await issuer.issue({ subject: "consult", roles: ["system"], tenantId: "platform", ttlSeconds: 10 ** 8 });
  prescriptionService = await issuer.issue({ subject: "svc:prescription", roles: ["system"], tenantId: "platform", kind: "service", ttlSeconds: 10 ** 8 });
  pharmacyService = await issuer.issue({ subject: "svc:pharmacy", roles: ["system"], tenantId: "platform", kind: "service", ttlSeconds: 10 ** 8 });
  const institutions = new ServiceClient(InstitutionServiceService, service.grpcPort);
  await institutions.call(
    "registerInstitution",
    {
      requestId: INSTITUTION_REQUEST,
      name: "示范互联网医院",
      grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
      licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
      subjectCodes: ["03", "03.07"],
      jurisdiction: "national",
      hostInstitutionName: "示范医院",
      hostLicenceNumber: "PDY00001X12010217A0001",
    },
    system,
  );
  institutions.close();
});

afterAll(async () => {
  for (const client of [patients, sessions, access, signing, keysAdmin]) client.close();
  await service.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function registration(overrides: Partial<Parameters<typeof patients.call<"registerPatient">>[1]> = {}) {
  return {
    requestId: `reg-${Math.random().toString(36).slice(2, 12)}`,
    institutionId: INSTITUTION,
    name: "李 四",
    idType: IdDocumentType.ID_DOCUMENT_TYPE_RESIDENT_ID_CARD,
    idNumber: residentId("1988-05-20"),
    birthDate: "1988-05-20",
    sex: Sex.SEX_FEMALE,
    loginName: "lisi@example.cn",
    password: "secret-pass-1",
    ...overrides,
  };
}

async function loginAs(loginName: string, password: string) {
  return sessions.call("login", { loginName, password });
}

describe("patients over gRPC", () => {
  let parentId = "";
  let parentToken = "";

  it("IDN-07: bad identity input gets a clear code and registers nothing", async () => {
    const wrongCheck = registration({ idNumber: withWrongCheck(residentId("1988-05-20")) });
    expect((await refusalOf(patients.call("registerPatient", wrongCheck))).code).toBe("ID_NUMBER_CHECK_DIGIT_MISMATCH");
    const future = registration({ idType: IdDocumentType.ID_DOCUMENT_TYPE_PASSPORT, idNumber: "E1234567", birthDate: "2027-01-01" });
    expect((await refusalOf(patients.call("registerPatient", future))).code).toBe("BIRTH_DATE_IN_FUTURE");
    expect((await refusalOf(patients.call("registerPatient", registration({ idNumber: "123" })))).code).toBe("INVALID_ID_NUMBER");
    // Nothing was claimed: the login name is still free and cannot sign in.
    expect((await refusalOf(loginAs("lisi@example.cn", "secret-pass-1"))).code).toBe("INVALID_CREDENTIALS");
  });

  it("IDN-07: registers a patient with a login; a second registration of the same document is refused", async () => {
    const { patient } = await patients.call("registerPatient", registration());
    parentId = patient!.patientId;
    expect(patient!.verified).toBe(false);
    const again = registration({ loginName: "lisi2@example.cn" });
    expect((await refusalOf(patients.call("registerPatient", again))).code).toBe("PATIENT_ALREADY_REGISTERED");
    const login = await loginAs("LiSi@example.cn ", "secret-pass-1");
    expect(login.subjectId).toBe(parentId);
    parentToken = login.accessToken;
    const { patient: mine } = await patients.call("getPatient", { patientId: parentId }, parentToken);
    expect(mine!.name).toBe("李 四");
    expect(mine!.maskedIdNumber).toMatch(/^1\*{16}.$/);
  });

  it("IDN-07: booking with an unverified identity is refused (PATIENT_NOT_VERIFIED); a face match records method and result", async () => {
    expect((await refusalOf(access.call("getVerifiedPatient", { patientId: parentId }, system))).code).toBe("PATIENT_NOT_VERIFIED");
    const failed = patients.call("verifyPatientIdentity", { requestId: "verify-fail-1", patientId: parentId, method: FACE_MATCH, evidence: "mismatch-1" }, parentToken);
    expect((await refusalOf(failed)).code).toBe("IDENTITY_VERIFICATION_FAILED");
    const { patient } = await patients.call("verifyPatientIdentity", { requestId: "verify-ok-01", patientId: parentId, method: FACE_MATCH, evidence: "sdk-token-1" }, parentToken);
    expect(patient!.verificationMethod).toBe(FACE_MATCH);
    const verified = await access.call("getVerifiedPatient", { patientId: parentId }, system);
    expect(verified).toEqual({ patientId: parentId, birthDate: "1988-05-20", sex: Sex.SEX_FEMALE, verificationMethod: FACE_MATCH });
  });

  it("IDN-07: links a verified adult guardian to a child; CheckGuardian answers after staff verified the evidence", async () => {
    const { patient: child } = await patients.call(
      "registerPatient",
      registration({ name: "李小四", idNumber: residentId("2020-01-15"), birthDate: "2020-01-15", loginName: "", password: "" }),
    );
    const childId = child!.patientId;
    const link = { requestId: "link-000001", childId, guardianId: parentId, relationship: PARENT, evidenceReference: "docs:hukou-77" };
    const { child: linked } = await patients.call("linkGuardian", link, parentToken);
    expect(linked!.guardians).toEqual([{ guardianId: parentId, relationship: "PARENT", verified: false }]);
    expect(await access.call("checkGuardian", { guardianId: parentId, childId }, system)).toEqual({ verified: false, relationship: PARENT });
    await patients.call("verifyGuardianship", { requestId: "gverify-0001", childId, guardianId: parentId, method: "HOUSEHOLD_REGISTER_CHECK" }, admin);
    expect(await access.call("checkGuardian", { guardianId: parentId, childId }, system)).toEqual({ verified: true, relationship: PARENT });
    // The child's own identity: verified by the guardian's face match for the child.
    await patients.call("verifyPatientIdentity", { requestId: "verify-child1", patientId: childId, method: FACE_MATCH, evidence: "sdk-token-2" }, parentToken);
    expect((await access.call("getVerifiedPatient", { patientId: childId }, parentToken)).birthDate).toBe("2020-01-15");
  });
});

describe("clinician sessions, step-up and signatures over gRPC", () => {
  let doctorToken = "";
  const consultId = "consult-0001";
  const receiving = { practitionerId: DOCTOR, institutionId: INSTITUTION, departmentCode: "03.07", consultId, patientId: "" };
  // A bare consult id, the form from before step-ups named their object's kind: still a consult.
  const legacyForm = { objectKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_UNSPECIFIED, objectId: "" };

  it("IDN-08: an institution admin sets the practitioner's password; the login token names the session", async () => {
    const set = { requestId: "setpw-000001", practitionerId: DOCTOR, loginName: "dr.wang", password: "weak" };
    expect((await refusalOf(sessions.call("setPractitionerPassword", set, admin))).code).toBe("WEAK_PASSWORD");
    await sessions.call("setPractitionerPassword", { ...set, requestId: "setpw-000002", password: "Doctor-pass-1" }, admin);
    const login = await loginAs("dr.wang", "Doctor-pass-1");
    expect(login.subjectId).toBe(DOCTOR);
    expect(login.sessionId).not.toBe("");
    doctorToken = login.accessToken;
  });

  it("IDN-03: CheckReceiving needs a fresh step-up for this consult, by the practitioner in person", async () => {
    expect((await refusalOf(access.call("checkReceiving", receiving, doctorToken))).code).toBe("STEP_UP_REQUIRED");
    expect((await refusalOf(access.call("checkReceiving", receiving, system))).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    const wrongStep = sessions.call("stepUp", { requestId: "stepup-bad-1", consultId, method: PASSWORD, secret: "nope-nope-1", ...legacyForm }, doctorToken);
    expect((await refusalOf(wrongStep)).code).toBe("INVALID_CREDENTIALS");
    const step = await sessions.call("stepUp", { requestId: "stepup-0001", consultId, method: PASSWORD, secret: "Doctor-pass-1", ...legacyForm }, doctorToken);
    const answer = await access.call("checkReceiving", receiving, doctorToken);
    expect(answer.stepUpId).toBe(step.stepUpId);
    expect(answer.sessionId).toBe(step.sessionId);
    expect((await refusalOf(access.call("checkReceiving", { ...receiving, consultId: "consult-0002" }, doctorToken))).code).toBe("STEP_UP_REQUIRED");
    const other = await issuer.issue({ subject: "someone", roles: ["physician"], tenantId: INSTITUTION, kind: "human" });
    expect((await refusalOf(access.call("checkReceiving", receiving, other))).code).toBe("NOT_THE_PRACTITIONER");
    advance(11);
    expect((await refusalOf(access.call("checkReceiving", receiving, doctorToken))).code).toBe("STEP_UP_REQUIRED");
  });

  it("IDN-09: signs with an enrolled SM2 certificate; the signature verifies; forged and replayed ones do not", async () => {
    const document = Buffer.from(JSON.stringify({ id: "rx-1", drug: "amlodipine" }), "utf8");
    const signRequest = {
      requestId: "sign-000001",
      documentType: "PRESCRIPTION",
      documentId: "rx-1",
      canonicalDocument: document,
      boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT,
      boundId: consultId,
    };
    // The owning service submits; the clinician's own token rides along (access.proto, SignatureService).
    const signing_ = { call: (name: "signDocument", request: typeof signRequest, token: string) => signing.call(name, request, prescriptionService, { [SIGNER]: `Bearer ${token}` }) };
    await sessions.call("stepUp", { requestId: "stepup-0002", consultId, method: PASSWORD, secret: "Doctor-pass-1", ...legacyForm }, doctorToken);
    expect((await refusalOf(signing_.call("signDocument", signRequest, doctorToken))).code).toBe("NO_VALID_SIGNING_CERT");
    const { certificate } = await keysAdmin.call("enrolSigningKey", { requestId: "enrol-000001", practitionerId: DOCTOR, algorithm: CONFIGURED_ALGORITHM }, admin);
    expect(certificate!.algorithm).toBe("SM2_SM3");
    const { signature } = await signing_.call("signDocument", { ...signRequest, requestId: "sign-000002" }, doctorToken);
    expect(signature!.certificateSerial).toBe(certificate!.serial);
    const verify = (canonicalDocument: Buffer, sig = signature!) => signing.call("verifySignature", { canonicalDocument, signature: sig, expectedSignerId: DOCTOR }, system);
    expect(await verify(document)).toEqual({ valid: true, reasonCode: SignatureRejection.SIGNATURE_REJECTION_UNSPECIFIED });
    const flipped = Buffer.from(signature!.value);
    flipped[flipped.length - 3]! ^= 0x01;
    expect(await verify(document, { ...signature!, value: flipped })).toEqual({ valid: false, reasonCode: SignatureRejection.SIGNATURE_REJECTION_SIGNATURE_INVALID });
    expect(await verify(Buffer.from('{"id":"rx-2"}'))).toEqual({ valid: false, reasonCode: SignatureRejection.SIGNATURE_REJECTION_DOCUMENT_HASH_MISMATCH });
    expect((await signing.call("verifySignature", { canonicalDocument: document, signature: signature!, expectedSignerId: "other" }, system)).reasonCode).toBe(SignatureRejection.SIGNATURE_REJECTION_SIGNER_MISMATCH);

    advance(1);
    await keysAdmin.call("revokeSigningCertificate", { requestId: "revoke-00001", practitionerId: DOCTOR, serial: certificate!.serial, reason: "left" }, admin);
    expect((await refusalOf(signing_.call("signDocument", { ...signRequest, requestId: "sign-000003" }, doctorToken))).code).toBe("NO_VALID_SIGNING_CERT");
    // Signed before the revocation: still valid.
    expect(await verify(document)).toEqual({ valid: true, reasonCode: SignatureRejection.SIGNATURE_REJECTION_UNSPECIFIED });
  });

  it("IDN-09, IDN-03: nobody can have arbitrary content signed — only the owning service, with the clinician's token and a step-up bound to the document's object", async () => {
    const CONSULT = ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT;
    await keysAdmin.call("enrolSigningKey", { requestId: "enrol-000002", practitionerId: DOCTOR, algorithm: CONFIGURED_ALGORITHM }, admin);
    await sessions.call("stepUp", { requestId: "stepup-0010", consultId: "", method: PASSWORD, secret: "Doctor-pass-1", objectKind: CONSULT, objectId: consultId }, doctorToken);
    const forged = {
      requestId: "forge-000001",
      documentType: "PRESCRIPTION",
      documentId: "rx-forged",
      canonicalDocument: Buffer.from('{"forged":"document"}', "utf8"),
      boundKind: CONSULT,
      boundId: consultId,
    };
    const as = (token: string, signer?: string, request = forged) =>
      refusalOf(signing.call("signDocument", request, token, signer === undefined ? {} : { [SIGNER]: `Bearer ${signer}` })).then((error) => error.code);
    // The physician's own token, alone or twice: not a service that owns prescriptions.
    expect(await as(doctorToken)).toBe("DOCUMENT_SUBMITTER_NOT_ALLOWED");
    expect(await as(doctorToken, doctorToken)).toBe("DOCUMENT_SUBMITTER_NOT_ALLOWED");
    // A service submitting a type it does not own, or any system token that is not the owner.
    expect(await as(pharmacyService, doctorToken)).toBe("DOCUMENT_SUBMITTER_NOT_ALLOWED");
    expect(await as(system, doctorToken)).toBe("DOCUMENT_SUBMITTER_NOT_ALLOWED");
    expect(await as(prescriptionService, doctorToken, { ...forged, documentType: "ANYTHING" })).toBe("DOCUMENT_SUBMITTER_NOT_ALLOWED");
    // The owner without the clinician, or with a service credential in the clinician's place.
    expect(await as(prescriptionService)).toBe("SIGNER_TOKEN_REQUIRED");
    expect(await as(prescriptionService, system)).toBe("HUMAN_CLINICIAN_REQUIRED");
    // The owner with the clinician, but the step-up is for another consult, or the binding is of the wrong kind.
    expect(await as(prescriptionService, doctorToken, { ...forged, boundId: "consult-0002" })).toBe("STEP_UP_REQUIRED");
    const wrongKind = { ...forged, boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION };
    expect(await as(prescriptionService, doctorToken, wrongKind)).toBe("INVALID_STEP_UP_OBJECT");
    expect(await as(prescriptionService, doctorToken, { ...forged, boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_UNSPECIFIED })).toBe("INVALID_STEP_UP_OBJECT");
    // Every refusal above is recorded (XC-02) and none signed anything: the one real route signs.
    const { signature } = await signing.call("signDocument", forged, prescriptionService, { [SIGNER]: `Bearer ${doctorToken}` });
    expect(signature!.signerId).toBe(DOCTOR);
  });

  it("IDN-08: a second login supersedes the first session, whose token is refused for clinical acts", async () => {
    const second = await loginAs("dr.wang", "Doctor-pass-1");
    expect((await refusalOf(access.call("checkReceiving", receiving, doctorToken))).code).toBe("SESSION_SUPERSEDED");
    doctorToken = second.accessToken;
    await sessions.call("stepUp", { requestId: "stepup-0003", consultId, method: PASSWORD, secret: "Doctor-pass-1", ...legacyForm }, doctorToken);
    advance(31);
    expect((await refusalOf(access.call("checkReceiving", receiving, doctorToken))).code).toBe("SESSION_IDLE_EXPIRED");
  });

  it("IDN-08: CheckSession answers only for the clinician's current, active session, asked by a service with the clinician's token", async () => {
    const first = await loginAs("dr.wang", "Doctor-pass-1");
    const check = (service: string, clinician?: string) => access.call("checkSession", {}, service, clinician === undefined ? {} : { [SIGNER]: `Bearer ${clinician}` });
    const codeOf = async (call: Promise<unknown>) => (await refusalOf(call)).code;
    // No step-up is needed: only the session counts.
    expect(await check(prescriptionService, first.accessToken)).toEqual({ practitionerId: DOCTOR, sessionId: first.sessionId });
    // Asked by a service, never by the clinician alone; a service token in the clinician's place is no person.
    expect(await codeOf(check(first.accessToken, first.accessToken))).toBe("ROLE_NOT_ALLOWED");
    expect(await codeOf(check(prescriptionService))).toBe("SESSION_REQUIRED");
    expect(await codeOf(check(prescriptionService, system))).toBe("HUMAN_CLINICIAN_REQUIRED");
    // A token of the same physician that names no login session.
    const sessionless = await issuer.issue({ subject: DOCTOR, roles: ["physician"], tenantId: INSTITUTION, kind: "human" });
    expect(await codeOf(check(prescriptionService, sessionless))).toBe("SESSION_REQUIRED");
    // The check is session activity: it keeps the session from idling out.
    advance(20);
    await check(pharmacyService, first.accessToken);
    advance(20);
    await check(pharmacyService, first.accessToken);
    const second = await loginAs("dr.wang", "Doctor-pass-1");
    expect(await codeOf(check(prescriptionService, first.accessToken))).toBe("SESSION_SUPERSEDED");
    expect((await check(prescriptionService, second.accessToken)).sessionId).toBe(second.sessionId);
    advance(31);
    expect(await codeOf(check(prescriptionService, second.accessToken))).toBe("SESSION_IDLE_EXPIRED");
  });

  it("IDN-08: after LOGIN_MAX_FAILURES wrong passwords from one source that source waits (LOGIN_THROTTLED); the owner elsewhere is not locked out", async () => {
    const outsider = { "x-ihp-client-address": "203.0.113.7" };
    const owner = { "x-ihp-client-address": "198.51.100.20" };
    const attempt = (password: string, from: Record<string, string>) => sessions.call("login", { loginName: "dr.wang", password }, undefined, from);
    for (let i = 0; i < 3; i++) expect((await refusalOf(attempt("wrong-pass-1", outsider))).code).toBe("INVALID_CREDENTIALS");
    expect((await refusalOf(attempt("wrong-pass-1", outsider))).code).toBe("LOGIN_THROTTLED");
    // Inside the wait even the right password is refused from that source, unchecked: guessing gains nothing.
    expect((await refusalOf(attempt("Doctor-pass-1", outsider))).code).toBe("LOGIN_THROTTLED");
    expect((await attempt("Doctor-pass-1", owner)).subjectId).toBe(DOCTOR);
    advance(1);
    expect((await attempt("Doctor-pass-1", outsider)).subjectId).toBe(DOCTOR);
  });
});
