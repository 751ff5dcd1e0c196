import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beijingToday, dataOf, type IdentityStack, refusalOf, requestId, shiftDate, startIdentityStack } from "./support/identityStack.js";

// Practitioners through GraphQL against the real identity service, with the demo registry the embedded mode ships
// (services/identity/src/adapters/registry/demo-registry.json): 王示范 (registered), 李停业 (suspended in the registry)
// and 张护理 (registered nurse).

const PRACTITIONER_FIELDS = `
  id institutionId name profession practiceLicenceNumber licenceValidUntil title scopeCodes departmentCodes
  mainInstitutionName mainInstitutionIsHost practiceStartedOn photoHash dispensingYears affiliation status
  registryVerified registryFailure eLicenceReference identityVerified consentOnFile multiSiteFilingOnFile
  credentialExpired revision
`;
const REGISTER = `mutation ($input: RegisterPractitionerInput!) { registerPractitioner(input: $input) { ${PRACTITIONER_FIELDS} } }`;
const action = (field: string, input = "PractitionerActionInput") =>
  `mutation ($input: ${input}!) { ${field}(input: $input) { id status registryVerified registryFailure eLicenceReference identityVerified consentOnFile multiSiteFilingOnFile revision title departmentCodes } }`;
const GET = `query ($id: ID!) { practitioner(id: $id) { id status revision title departmentCodes identityVerified registryVerified } }`;
const LIST = `query ($institutionId: ID!) { practitioners(institutionId: $institutionId, first: 50) { edges { node { id name profession title status } } } }`;
const DIRECTORY = `query ($institutionId: ID, $first: Int, $after: String) {
  publicClinicians(institutionId: $institutionId, first: $first, after: $after) {
    edges { cursor node { id institutionId name profession title scopeCodes departmentCodes practiceLicenceNumber eLicenceReference } }
    pageInfo { endCursor hasNextPage }
  }
}`;

const WANG_ID_NUMBER = "110105198001010016";
const TODAY = beijingToday();
// Exactly three years of independent practice today (IDN-04 counts the anniversary itself); on 29 February the
// anniversary does not exist, so a day earlier.
const THREE_YEARS_AGO = TODAY.endsWith("-02-29") ? shiftDate(TODAY, -3, -1) : shiftDate(TODAY, -3);

interface PractitionerResult {
  readonly id: string;
  readonly status: string;
  readonly revision: string;
  readonly [field: string]: unknown;
}

let stack: IdentityStack;
let admin: string;

beforeAll(async () => {
  stack = await startIdentityStack();
  admin = await stack.admin();
});
afterAll(() => stack?.close());

function wang(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: requestId("pract"),
    institutionId: stack.institutionId,
    name: "王示范",
    idNumber: WANG_ID_NUMBER,
    profession: "PHYSICIAN",
    practiceLicenceNumber: "110120000012345",
    licenceValidUntil: "2099-12-31",
    title: "主治医师",
    scopeCodes: ["INTERNAL_MEDICINE"],
    departmentCodes: ["03.07"],
    mainInstitutionName: "天津市示范医院",
    mainInstitutionIsHost: true,
    practiceStartedOn: THREE_YEARS_AGO,
    photoHash: "b".repeat(64),
    ...overrides,
  };
}

/** A second internet hospital on the platform (subjects 03 and 07) and a token of its administrator. */
async function secondInstitutionAdmin(): Promise<{ institutionId: string; token: string }> {
  const system = await stack.token(["system"], "platform", "platform-operator", "service");
  const registered = await stack.post(
    `mutation ($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }`,
    {
      input: {
        requestId: "gw-identity-institution-2",
        name: "天津市第二互联网医院",
        grade: "TERTIARY_A",
        licence: { number: "PDY00001X12010217A2001", validFrom: "2024-01-01", validUntil: "2099-12-31" },
        subjectCodes: ["03", "07"],
        jurisdiction: "tianjin",
        hostInstitutionName: "天津市示范医院",
        hostLicenceNumber: "PDY00001X12010217A0001",
      },
    },
    system,
  );
  const institutionId = dataOf<{ id: string }>(registered, "registerInstitution").id;
  return { institutionId, token: await stack.token(["institution_admin"], institutionId, "admin-second") };
}

async function register(input: Record<string, unknown>): Promise<PractitionerResult> {
  return dataOf<PractitionerResult>(await stack.post(REGISTER, { input }, admin), "registerPractitioner");
}

function act(field: string, input: Record<string, unknown>, token = admin, inputType?: string) {
  return stack.post(action(field, inputType), { input: { requestId: requestId(field), ...input } }, token);
}

async function current(id: string, token = admin): Promise<PractitionerResult> {
  return dataOf<PractitionerResult>(await stack.post(GET, { id }, token), "practitioner");
}

async function listed(): Promise<{ id: string; name: string; status: string }[]> {
  const page = dataOf<{ edges: { node: { id: string; name: string; status: string } }[] }>(
    await stack.post(LIST, { institutionId: stack.institutionId }, admin),
    "practitioners",
  );
  return page.edges.map((edge) => edge.node);
}

async function directory(): Promise<{ id: string; name: string; [field: string]: unknown }[]> {
  const page = dataOf<{ edges: { node: { id: string; name: string } }[] }>(
    await stack.post(DIRECTORY, { institutionId: stack.institutionId }),
    "publicClinicians",
  );
  return page.edges.map((edge) => edge.node);
}

describe("practitioners through the gateway (identity module, real identity service)", () => {
  let wangId = "";
  let youngWangId = "";
  let liId = "";
  let nurseId = "";

  it("registers a physician PENDING: fields mapped, the ID number never in the answer", async () => {
    const { body } = await stack.post(REGISTER, { input: wang() }, admin);
    expect(body.errors).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(WANG_ID_NUMBER);
    const practitioner = body.data?.["registerPractitioner"] as PractitionerResult;
    wangId = practitioner.id;
    expect(practitioner).toMatchObject({
      institutionId: stack.institutionId,
      name: "王示范",
      profession: "PHYSICIAN",
      practiceLicenceNumber: "110120000012345",
      licenceValidUntil: "2099-12-31",
      title: "主治医师",
      scopeCodes: ["INTERNAL_MEDICINE"],
      departmentCodes: ["03.07"],
      mainInstitutionIsHost: true,
      practiceStartedOn: THREE_YEARS_AGO,
      dispensingYears: 0,
      status: "PENDING",
      registryVerified: false,
      registryFailure: null,
      eLicenceReference: null,
      identityVerified: false,
      consentOnFile: false,
      credentialExpired: false,
    });
    expect(practitioner.revision).toMatch(/^\d+$/);
  });

  it("IDN-06: departments outside the practice scope or the institution's subjects are refused with OUT_OF_SCOPE; bad input gets its code; nobody is registered", async () => {
    // 05 妇产科 is outside 内科专业; 16 传染科 is within it but not among the institution's approved subjects.
    for (const departmentCodes of [["05"], ["16"]]) {
      expect(refusalOf(await stack.post(REGISTER, { input: wang({ departmentCodes }) }, admin))).toEqual({
        code: "OUT_OF_SCOPE",
        messageZh: "超出医师执业范围或医疗机构核准的诊疗科目。",
      });
    }
    const invalid: [Record<string, unknown>, string][] = [
      [{ practiceLicenceNumber: "1101-2000" }, "INVALID_PRACTICE_LICENCE_NUMBER"],
      [{ idNumber: "110105198001010017" }, "INVALID_STAFF_ID_NUMBER"],
      [{ practiceStartedOn: shiftDate(TODAY, 0, 2) }, "INVALID_PRACTICE_START"],
      [{ dispensingYears: -1 }, "INVALID_DISPENSING_YEARS"],
      [{ requestId: "short" }, "INVALID_REQUEST_ID"],
    ];
    for (const [overrides, code] of invalid) {
      expect(refusalOf(await stack.post(REGISTER, { input: wang(overrides) }, admin)).code).toBe(code);
    }
    // Refused by GraphQL before any call: an unknown enum value, a missing field.
    expect(refusalOf(await stack.post(REGISTER, { input: wang({ profession: "DENTIST" }) }, admin)).code).toBe("BAD_USER_INPUT");
    const { name: _name, ...withoutName } = wang();
    expect(refusalOf(await stack.post(REGISTER, { input: withoutName }, admin)).code).toBe("BAD_USER_INPUT");

    await waitFor(async () => (await listed()).length > 0, 5_000, "the registration in the read model");
    expect((await listed()).map((entry) => entry.id)).toEqual([wangId]);
  });

  it("IDN-01: an unregistered practitioner cannot be enabled (CLINICIAN_NOT_REGISTERED) and the refusal changes nothing", async () => {
    const before = await current(wangId);
    expect(refusalOf(await act("enablePractitioner", { practitionerId: wangId }))).toEqual({
      code: "CLINICIAN_NOT_REGISTERED",
      messageZh: "该医务人员未在国家电子注册系统中核验通过。",
    });
    expect(await current(wangId)).toEqual(before);

    const li = await register(wang({ name: "李停业", idNumber: "110105198203040010", practiceLicenceNumber: "110120000067890" }));
    liId = li.id;
    // A registry entry showing suspension is an answer, not an error: the practitioner stays unverified.
    const lookup = dataOf<PractitionerResult>(await act("verifyPractitionerRegistration", { practitionerId: liId }), "verifyPractitionerRegistration");
    expect(lookup).toMatchObject({ registryVerified: false, registryFailure: "SUSPENDED", eLicenceReference: null });
    expect(refusalOf(await act("enablePractitioner", { practitionerId: liId })).code).toBe("CLINICIAN_NOT_REGISTERED");
    expect((await current(liId)).status).toBe("PENDING");
  });

  it("IDN-02: no ACTIVE without real-name verification (IDENTITY_NOT_VERIFIED)", async () => {
    const confirmed = dataOf<PractitionerResult>(await act("verifyPractitionerRegistration", { practitionerId: wangId }), "verifyPractitionerRegistration");
    expect(confirmed).toMatchObject({ registryVerified: true, registryFailure: null, eLicenceReference: "DEMO-EL-PHY-0001" });
    const before = await current(wangId);
    expect(refusalOf(await act("enablePractitioner", { practitionerId: wangId }))).toEqual({
      code: "IDENTITY_NOT_VERIFIED",
      messageZh: "该医务人员尚未通过电子实名认证。",
    });
    expect(await current(wangId)).toEqual(before);
    const verified = await act("verifyPractitionerIdentity", { practitionerId: wangId, evidence: "DOC-CHECK-0001" }, admin, "VerifyPractitionerIdentityInput");
    expect(dataOf<PractitionerResult>(verified, "verifyPractitionerIdentity").identityVerified).toBe(true);
  });

  it("IDN-04: the consent must be on file, and 2 years 364 days of practice are refused (INSUFFICIENT_PRACTICE_YEARS) while 3 years pass", async () => {
    expect(refusalOf(await act("enablePractitioner", { practitionerId: wangId })).code).toBe("CONSENT_DOCUMENT_MISSING");
    const consent = { practitionerId: wangId, kind: "REGISTERING_INSTITUTION_CONSENT", reference: "CONSENT-2026-001" };
    const filed = await act("recordPracticeDocument", consent, admin, "RecordPracticeDocumentInput");
    expect(dataOf<PractitionerResult>(filed, "recordPracticeDocument").consentOnFile).toBe(true);

    // The same person a second time in this institution is refused (IDN-08: one record per person and institution,
    // issue 13) ...
    const younger = wang({ practiceStartedOn: shiftDate(THREE_YEARS_AGO, 0, 1) });
    expect(refusalOf(await stack.post(REGISTER, { input: younger }, admin)).code).toBe("PRACTITIONER_DUPLICATE");
    // ... so the record with a practice start one day short of three years is made at a second institution.
    const otherAdmin = await secondInstitutionAdmin();
    const young = dataOf<PractitionerResult>(await stack.post(REGISTER, { input: { ...younger, institutionId: otherAdmin.institutionId } }, otherAdmin.token), "registerPractitioner");
    youngWangId = young.id;
    await act("verifyPractitionerRegistration", { practitionerId: youngWangId }, otherAdmin.token);
    await act("verifyPractitionerIdentity", { practitionerId: youngWangId, evidence: "DOC-CHECK-0002" }, otherAdmin.token, "VerifyPractitionerIdentityInput");
    await act("recordPracticeDocument", { ...consent, practitionerId: youngWangId }, otherAdmin.token, "RecordPracticeDocumentInput");
    const before = await current(youngWangId, otherAdmin.token);
    expect(refusalOf(await act("enablePractitioner", { practitionerId: youngWangId }, otherAdmin.token))).toEqual({
      code: "INSUFFICIENT_PRACTICE_YEARS",
      messageZh: "医师须具有3年以上独立临床工作经验。",
    });
    expect(await current(youngWangId, otherAdmin.token)).toEqual(before);

    const enabled = dataOf<PractitionerResult>(await act("enablePractitioner", { practitionerId: wangId }), "enablePractitioner");
    expect(enabled.status).toBe("ACTIVE");
  });

  it("IDN-05: a nurse whose main institution is not the host needs a multi-site filing (MULTI_SITE_FILING_MISSING)", async () => {
    const nurse = await register(
      wang({
        name: "张护理",
        idNumber: "110105199005060023",
        profession: "NURSE",
        practiceLicenceNumber: "201912000123",
        title: "主管护师",
        scopeCodes: ["NURSING"],
        departmentCodes: ["03"],
        mainInstitutionName: "天津市第二医院",
        mainInstitutionIsHost: false,
        practiceStartedOn: "2015-01-01",
      }),
    );
    nurseId = nurse.id;
    await act("verifyPractitionerRegistration", { practitionerId: nurseId });
    await act("verifyPractitionerIdentity", { practitionerId: nurseId, evidence: "DOC-CHECK-0003" }, admin, "VerifyPractitionerIdentityInput");
    expect(refusalOf(await act("enablePractitioner", { practitionerId: nurseId }))).toEqual({
      code: "MULTI_SITE_FILING_MISSING",
      messageZh: "尚未备存在本机构的多机构执业备案。",
    });
    expect((await current(nurseId)).status).toBe("PENDING");
    const filing = { practitionerId: nurseId, kind: "MULTI_SITE_FILING", reference: "FILING-2026-007" };
    const filed = await act("recordPracticeDocument", filing, admin, "RecordPracticeDocumentInput");
    expect(dataOf<PractitionerResult>(filed, "recordPracticeDocument").multiSiteFilingOnFile).toBe(true);
    expect(dataOf<PractitionerResult>(await act("enablePractitioner", { practitionerId: nurseId }), "enablePractitioner").status).toBe("ACTIVE");
  });

  it("IDN-10: the public directory lists enabled clinicians only, to anonymous callers, page by page", async () => {
    await waitFor(async () => (await directory()).length === 2, 5_000, "both enabled clinicians in the directory");
    const entries = await directory();
    expect(entries.find((entry) => entry.id === wangId)).toEqual({
      id: wangId,
      institutionId: stack.institutionId,
      name: "王示范",
      profession: "PHYSICIAN",
      title: "主治医师",
      scopeCodes: ["INTERNAL_MEDICINE"],
      departmentCodes: ["03.07"],
      practiceLicenceNumber: "110120000012345",
      eLicenceReference: "DEMO-EL-PHY-0001",
    });
    expect(entries.map((entry) => entry.id).sort()).toEqual([wangId, nurseId].sort());
    // Pending (李停业, the younger 王示范) are not published.
    expect(entries.map((entry) => entry.id)).not.toContain(liId);
    expect(entries.map((entry) => entry.id)).not.toContain(youngWangId);

    const first = dataOf<{ edges: { node: { id: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } }>(
      await stack.post(DIRECTORY, { institutionId: stack.institutionId, first: 1 }),
      "publicClinicians",
    );
    expect(first.edges).toHaveLength(1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = dataOf<{ edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } }>(
      await stack.post(DIRECTORY, { institutionId: stack.institutionId, first: 1, after: first.pageInfo.endCursor }),
      "publicClinicians",
    );
    expect(second.edges.map((edge) => edge.node.id)).not.toContain(first.edges[0]!.node.id);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(refusalOf(await stack.post(DIRECTORY, { first: 101 })).code).toBe("BAD_USER_INPUT");
  });

  it("lists an institution's practitioners for its admin, in registration order", async () => {
    const entries = await listed();
    expect(entries.map((entry) => [entry.id, entry.status])).toEqual([
      [wangId, "ACTIVE"],
      [liId, "PENDING"],
      [nurseId, "ACTIVE"],
    ]);
  });

  it("authentication by the gateway, authorization by the service: anonymous, other institutions and colleagues are refused", async () => {
    expect(refusalOf(await stack.post(LIST, { institutionId: stack.institutionId })).code).toBe("UNAUTHENTICATED");
    expect(refusalOf(await stack.post(GET, { id: wangId })).code).toBe("UNAUTHENTICATED");
    expect(refusalOf(await stack.post(GET, { id: wangId }, "not-a-token")).code).toBe("UNAUTHENTICATED");
    const otherAdmin = await stack.token(["institution_admin"], "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f99", "admin-2");
    expect(refusalOf(await stack.post(GET, { id: wangId }, otherAdmin)).code).toBe("TENANT_MISMATCH");
    expect(refusalOf(await stack.post(LIST, { institutionId: stack.institutionId }, otherAdmin)).code).toBe("TENANT_MISMATCH");
    const self = await stack.token(["physician"], stack.institutionId, wangId);
    expect((await current(wangId, self)).id).toBe(wangId);
    const colleague = await stack.token(["physician"], stack.institutionId, nurseId);
    expect(refusalOf(await stack.post(GET, { id: wangId }, colleague)).code).toBe("ROLE_NOT_ALLOWED");
    const before = await current(wangId);
    const bySelf = await act("suspendPractitioner", { practitionerId: wangId, reason: "SELF_SUSPENSION" }, self, "PractitionerStatusChangeInput");
    expect(refusalOf(bySelf)).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    expect(await current(wangId)).toEqual(before);
    // A lookup of an id nobody has is an error with its NOT_FOUND code, never a silent null (issue 13 item 8).
    const system = await stack.token(["system"], "platform", "svc-operator");
    expect(refusalOf(await stack.post(GET, { id: "0193a9f2-7c1d-8e4b-9a6f-00000000dead" }, system)).code).toBe("PRACTITIONER_NOT_FOUND");
  });

  it("IDN-06: changePractice replaces the practice; a department out of scope is refused and changes nothing", async () => {
    const change = (overrides: Record<string, unknown>) =>
      act(
        "changePractice",
        {
          practitionerId: wangId,
          title: "副主任医师",
          practiceLicenceNumber: "110120000012345",
          licenceValidUntil: "2099-12-31",
          scopeCodes: ["INTERNAL_MEDICINE"],
          departmentCodes: ["03.07", "03.02"],
          ...overrides,
        },
        admin,
        "ChangePracticeInput",
      );
    const before = await current(wangId);
    expect(refusalOf(await change({ departmentCodes: ["07"] })).code).toBe("OUT_OF_SCOPE");
    expect(await current(wangId)).toEqual(before);
    const changed = dataOf<PractitionerResult>(await change({}), "changePractice");
    expect(changed).toMatchObject({ title: "副主任医师", departmentCodes: ["03.02", "03.07"], status: "ACTIVE" });
  });

  it("IDN-10: a suspended clinician disappears from publicClinicians; reinstated, they return", async () => {
    const badReason = await act("suspendPractitioner", { practitionerId: wangId, reason: "under review" }, admin, "PractitionerStatusChangeInput");
    expect(refusalOf(badReason).code).toBe("INVALID_STATUS_REASON");
    expect((await current(wangId)).status).toBe("ACTIVE");

    const suspended = await act("suspendPractitioner", { practitionerId: wangId, reason: "COMPLAINT_UNDER_REVIEW" }, admin, "PractitionerStatusChangeInput");
    expect(dataOf<PractitionerResult>(suspended, "suspendPractitioner").status).toBe("SUSPENDED");
    await waitFor(async () => !(await directory()).some((entry) => entry.id === wangId), 5_000, "the directory without the suspended clinician");
    expect(refusalOf(await act("enablePractitioner", { practitionerId: wangId })).code).toBe("PRACTITIONER_SUSPENDED");

    const id = requestId("reinstate");
    const reinstate = () => stack.post(action("reinstatePractitioner"), { input: { requestId: id, practitionerId: wangId } }, admin);
    const first = dataOf<PractitionerResult>(await reinstate(), "reinstatePractitioner");
    expect(first.status).toBe("ACTIVE");
    // Repeating the request id returns the first result and appends nothing.
    expect(dataOf<PractitionerResult>(await reinstate(), "reinstatePractitioner")).toEqual(first);
    await waitFor(async () => (await directory()).some((entry) => entry.id === wangId), 5_000, "the reinstated clinician back in the directory");
  });

  it("revocation and exit are final (PRACTITIONER_CLOSED); a revoked clinician leaves the directory", async () => {
    const revoked = await act("revokePractitioner", { practitionerId: nurseId, reason: "LICENCE_WITHDRAWN" }, admin, "PractitionerStatusChangeInput");
    expect(dataOf<PractitionerResult>(revoked, "revokePractitioner").status).toBe("REVOKED");
    expect(refusalOf(await act("reinstatePractitioner", { practitionerId: nurseId })).code).toBe("PRACTITIONER_CLOSED");
    await waitFor(async () => !(await directory()).some((entry) => entry.id === nurseId), 5_000, "the directory without the revoked nurse");

    const exited = dataOf<PractitionerResult>(await act("recordPractitionerExit", { practitionerId: liId }), "recordPractitionerExit");
    expect(exited.status).toBe("EXITED");
    expect(refusalOf(await act("verifyPractitionerRegistration", { practitionerId: liId })).code).toBe("PRACTITIONER_CLOSED");
  });
});
