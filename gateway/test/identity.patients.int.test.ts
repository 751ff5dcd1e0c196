import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beijingToday,
  dataOf,
  type IdentityStack,
  refusalOf,
  requestId,
  residentId,
  shiftDate,
  startIdentityStack,
  withWrongCheck,
} from "./support/identityStack.js";

// Patients (实名制, IDN-07) through GraphQL against the real identity service. The embedded face-match stand-in
// accepts any evidence token except one starting with "mismatch".

const PATIENT_FIELDS = "id idType birthDate sex verified verificationMethod name maskedIdNumber guardians { guardianId relationship verified }";
const REGISTER = `mutation ($input: RegisterPatientInput!) { registerPatient(input: $input) { ${PATIENT_FIELDS} } }`;
const GET = `query ($id: ID!) { patient(id: $id) { ${PATIENT_FIELDS} } }`;
const VERIFY = `mutation ($input: VerifyPatientIdentityInput!) { verifyPatientIdentity(input: $input) { ${PATIENT_FIELDS} } }`;
const LINK = `mutation ($input: LinkGuardianInput!) { linkGuardian(input: $input) { ${PATIENT_FIELDS} } }`;
const VERIFY_GUARDIANSHIP = `mutation ($input: VerifyGuardianshipInput!) { verifyGuardianship(input: $input) { ${PATIENT_FIELDS} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken subjectId } }`;

const PARENT_ID_NUMBER = residentId("1988-05-20", "120101", "124");

interface PatientResult {
  readonly id: string;
  readonly verified: boolean;
  readonly verificationMethod: string | null;
  readonly name: string | null;
  readonly maskedIdNumber: string | null;
  readonly guardians: { guardianId: string; relationship: string; verified: boolean }[];
  readonly [field: string]: unknown;
}

let stack: IdentityStack;
let admin: string;

beforeAll(async () => {
  stack = await startIdentityStack();
  admin = await stack.admin();
});
afterAll(() => stack?.close());

function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: requestId("patient"),
    institutionId: stack.institutionId,
    name: "李 四",
    idType: "RESIDENT_ID_CARD",
    idNumber: PARENT_ID_NUMBER,
    birthDate: "1988-05-20",
    sex: "FEMALE",
    loginName: "lisi@example.cn",
    password: "secret-pass-1",
    ...overrides,
  };
}

async function loginAs(loginName: string, password: string) {
  return stack.post(LOGIN, { input: { loginName, password } });
}

const verify = (patientId: string, token: string | undefined, evidence: string | null, method = "ID_CARD_FACE_MATCH") =>
  stack.post(VERIFY, { input: { requestId: requestId("verify"), patientId, method, evidence } }, token);

describe("patients through the gateway (identity module, real identity service)", () => {
  let parentId = "";
  let parentToken = "";

  it("IDN-07: a malformed resident ID check digit, a future birth date or a mismatching birth date are refused with their code and register nothing", async () => {
    const wrongCheck = await stack.post(REGISTER, { input: registration({ idNumber: withWrongCheck(PARENT_ID_NUMBER) }) });
    expect(refusalOf(wrongCheck)).toEqual({
      code: "ID_NUMBER_CHECK_DIGIT_MISMATCH",
      messageZh: expect.stringMatching(/身份证/) as unknown,
    });
    const tomorrow = shiftDate(beijingToday(), 0, 1);
    const future = await stack.post(REGISTER, { input: registration({ idType: "PASSPORT", idNumber: "E12345678", birthDate: tomorrow }) });
    expect(refusalOf(future)).toEqual({ code: "BIRTH_DATE_IN_FUTURE", messageZh: "出生日期不能晚于今天。" });
    const mismatch = await stack.post(REGISTER, { input: registration({ birthDate: "1988-05-21" }) });
    expect(refusalOf(mismatch).code).toBe("ID_NUMBER_BIRTH_DATE_MISMATCH");
    expect(refusalOf(await stack.post(REGISTER, { input: registration({ idNumber: "123" }) })).code).toBe("INVALID_ID_NUMBER");
    // GraphQL refuses an unknown document type before any call.
    const literal = await stack.post(`mutation { registerPatient(input: { requestId: "r-00000001", institutionId: "x", name: "x", idType: DRIVING_LICENCE, idNumber: "1", birthDate: "2000-01-01", sex: MALE }) { id } }`);
    expect(refusalOf(literal).code).toBe("GRAPHQL_VALIDATION_FAILED");
    // Nothing was registered: the login name is free and cannot sign in.
    expect(refusalOf(await loginAs("lisi@example.cn", "secret-pass-1")).code).toBe("INVALID_CREDENTIALS");
  });

  it("IDN-07: registers a patient anonymously, answering the ID number masked; the patient is unverified", async () => {
    const { body } = await stack.post(REGISTER, { input: registration() });
    expect(body.errors).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(PARENT_ID_NUMBER);
    const patient = body.data?.["registerPatient"] as PatientResult;
    parentId = patient.id;
    expect(patient).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      idType: "RESIDENT_ID_CARD",
      birthDate: "1988-05-20",
      sex: "FEMALE",
      verified: false,
      verificationMethod: null,
      name: null,
      maskedIdNumber: `1${"*".repeat(16)}${PARENT_ID_NUMBER.at(-1)}`,
      guardians: [],
    });
    const again = await stack.post(REGISTER, { input: registration({ loginName: "lisi2@example.cn" }) });
    expect(refusalOf(again).code).toBe("PATIENT_ALREADY_REGISTERED");
  });

  it("the patient signs in and reads their own record (name in clear, ID number masked); others may not", async () => {
    const login = dataOf<{ accessToken: string; subjectId: string }>(await loginAs("LiSi@example.cn ", "secret-pass-1"), "login");
    expect(login.subjectId).toBe(parentId);
    parentToken = login.accessToken;
    const mine = dataOf<PatientResult>(await stack.post(GET, { id: parentId }, parentToken), "patient");
    expect(mine).toMatchObject({ id: parentId, name: "李 四", maskedIdNumber: `1${"*".repeat(16)}${PARENT_ID_NUMBER.at(-1)}` });

    expect(refusalOf(await stack.post(GET, { id: parentId })).code).toBe("UNAUTHENTICATED");
    const stranger = await stack.token(["patient"], stack.institutionId, "0193a9f2-7c1d-8e4b-9a6f-00000000aaaa");
    expect(refusalOf(await stack.post(GET, { id: parentId }, stranger)).code).toBe("ROLE_NOT_ALLOWED");
    expect(refusalOf(await stack.post(GET, { id: parentId }, admin)).code).toBe("ROLE_NOT_ALLOWED");
    expect(refusalOf(await stack.post(GET, { id: "not-a-uuid" }, parentToken)).code).toBe("INVALID_PATIENT_ID");
  });

  it("IDN-07: a face match that does not confirm the patient is refused and leaves them unverified; one that does verifies", async () => {
    expect(refusalOf(await verify(parentId, parentToken, "mismatch-1"))).toMatchObject({ code: "IDENTITY_VERIFICATION_FAILED" });
    expect(dataOf<PatientResult>(await stack.post(GET, { id: parentId }, parentToken), "patient").verified).toBe(false);
    expect(refusalOf(await verify(parentId, parentToken, null)).code).toBe("VERIFICATION_EVIDENCE_REQUIRED");
    // A counter check is for staff only.
    expect(refusalOf(await verify(parentId, parentToken, null, "IN_PERSON_DOCUMENT_CHECK")).code).toBe("INVALID_VERIFICATION_METHOD");
    expect(refusalOf(await verify(parentId, undefined, "sdk-token-1")).code).toBe("UNAUTHENTICATED");

    const verified = dataOf<PatientResult>(await verify(parentId, parentToken, "sdk-token-1"), "verifyPatientIdentity");
    expect(verified).toMatchObject({ id: parentId, verified: true, verificationMethod: "ID_CARD_FACE_MATCH" });
  });

  it("IDN-07: guardians of minors must be verified adults; staff verify the guardianship; the guardian reads the child", async () => {
    const child = dataOf<PatientResult>(
      await stack.post(REGISTER, {
        input: registration({ name: "李小四", idNumber: residentId("2020-01-15", "120101", "125"), birthDate: "2020-01-15", sex: "MALE", loginName: null, password: null }),
      }),
      "registerPatient",
    );
    // An adult who has not passed real-name verification cannot become a guardian; nothing is linked.
    const unverified = dataOf<PatientResult>(
      await stack.post(REGISTER, {
        input: registration({ name: "李五", idNumber: residentId("1985-03-03", "120101", "126"), birthDate: "1985-03-03", loginName: "liwu@example.cn" }),
      }),
      "registerPatient",
    );
    const link = (guardianId: string, token: string) =>
      stack.post(LINK, { input: { requestId: requestId("link"), childId: child.id, guardianId, relationship: "PARENT", evidenceReference: "docs:hukou-77" } }, token);
    expect(refusalOf(await link(unverified.id, admin)).code).toBe("GUARDIAN_NOT_VERIFIED");

    const linked = dataOf<PatientResult>(await link(parentId, parentToken), "linkGuardian");
    expect(linked.guardians).toEqual([{ guardianId: parentId, relationship: "PARENT", verified: false }]);
    const byParent = await stack.post(
      VERIFY_GUARDIANSHIP,
      { input: { requestId: requestId("gverify"), childId: child.id, guardianId: parentId, method: "HOUSEHOLD_REGISTER_CHECK" } },
      parentToken,
    );
    expect(refusalOf(byParent).code).toBe("ROLE_NOT_ALLOWED");
    const checked = await stack.post(
      VERIFY_GUARDIANSHIP,
      { input: { requestId: requestId("gverify"), childId: child.id, guardianId: parentId, method: "HOUSEHOLD_REGISTER_CHECK" } },
      admin,
    );
    expect(dataOf<PatientResult>(checked, "verifyGuardianship").guardians).toEqual([{ guardianId: parentId, relationship: "PARENT", verified: true }]);

    const seen = dataOf<PatientResult>(await stack.post(GET, { id: child.id }, parentToken), "patient");
    expect(seen).toMatchObject({ id: child.id, name: "李小四", birthDate: "2020-01-15", sex: "MALE", verified: false });
  });
});
