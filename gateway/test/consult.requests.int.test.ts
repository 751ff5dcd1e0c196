import { CONSULT_ERRORS } from "@ihp/consult";
import { ConsultType } from "@ihp/contracts/consult";
import { fromGrpcError } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  ADMIN,
  CHILD,
  DIABETES,
  GUANGXI,
  GUARDIAN,
  HYPERTENSION,
  NATIONAL,
  NATIONAL_PHYSICIAN,
  OTHER_PATIENT,
  PATIENT,
  PHYSICIAN,
  requestId,
  UNCONNECTED,
} from "./support/consultHarness.js";
import { driver, h, ids, priorRecord, serviceFollowUp, UNKNOWN_ID, useConsultHarness } from "./support/consultFixtures.js";
import {
  ACCEPT,
  BOARD,
  CANCEL,
  COMPLETE,
  CONSENT_TEXT,
  ConsultDriver,
  CONTRACT,
  dataOf,
  followUpInput,
  GET,
  MINE,
  PROPOSE,
  REQUEST,
  refusalOf,
  SEND,
  SIGN,
  WAITING,
} from "./support/consultOperations.js";

// What a consult request must carry to be accepted (CON-01…CON-04, CON-08…CON-10, REP-01, RX-05), and how callers
// and input the gateway refuses are answered. A consult's course once requested: consult.int.test.ts.

describe("consult module over GraphQL, against the real consult service", () => {
  useConsultHarness();

  it("CON-01: a consult type outside the three is refused by the schema's enum, and by the service itself", async () => {
    const inline = await h.post(
      `mutation { requestConsult(input: { requestId: "${requestId()}", institutionId: "${GUANGXI}", consultType: FIRST_VISIT, departmentCode: "03.07" }) { id } }`,
      undefined,
      driver.patient,
    );
    // 200: an application/json client's refused document (GraphQL over HTTP; 400 under application/graphql-response+json).
    expect(inline.status).toBe(200);
    expect(refusalOf(inline).code).toBe("GRAPHQL_VALIDATION_FAILED");
    const variable = await h.post(REQUEST, { input: followUpInput({ consultType: "FIRST_VISIT" }) }, driver.patient);
    expect(variable.status).toBe(200);
    expect(refusalOf(variable).code).toBe("BAD_USER_INPUT");

    // Below the gateway the service refuses it too (defence in depth), with the code the gateway has texts for.
    const direct = await h.direct
      .call("requestConsult", { ...serviceFollowUp(), consultType: ConsultType.CONSULT_TYPE_UNSPECIFIED }, driver.patient)
      .then(() => undefined, (error: unknown) => fromGrpcError(error));
    expect([direct?.code, direct?.ruleId]).toEqual(["CONSULT_TYPE_NOT_ALLOWED", "CON-01"]);
  });

  it("CON-02: a follow-up without a prior record is refused with FIRST_VISIT_NOT_ALLOWED, telling the patient to visit a hospital", async () => {
    const other = await ConsultDriver.create(h, OTHER_PATIENT);
    const refused = await h.post(REQUEST, { input: followUpInput({ priorRecord: null }) }, other.patient);
    expect(refused.status).toBe(200);
    expect(refused.body.data).toBeNull();
    expect(refusalOf(refused)).toEqual({
      code: "FIRST_VISIT_NOT_ALLOWED",
      ruleId: "CON-02",
      message: CONSULT_ERRORS.FIRST_VISIT_NOT_ALLOWED.en,
      messageZh: CONSULT_ERRORS.FIRST_VISIT_NOT_ALLOWED.zh,
    });
    expect(refusalOf(refused).messageZh).toContain("实体医院");

    // The refusal created no consult: once a later request is listed, it is the patient's only one.
    const { id } = await other.request();
    await waitFor(async () => ids(dataOf(await h.post(MINE, {}, other.patient))["myConsults"]).includes(id), 5_000, "the later consult");
    expect(ids(dataOf(await h.post(MINE, {}, other.patient))["myConsults"])).toEqual([id]);
  });

  it("CON-03: a record of another type or without a diagnosis does not qualify", async () => {
    const noDiagnosis = await h.post(REQUEST, { input: followUpInput({ priorRecord: { ...priorRecord(), diagnoses: [] } }) }, driver.patient);
    expect(refusalOf(noDiagnosis)).toMatchObject({ code: "PRIOR_RECORD_NOT_QUALIFYING", ruleId: "CON-03" });
    const bothIds = await h.post(REQUEST, { input: followUpInput({ priorRecord: { ...priorRecord(), hisLinkId: "his-1" } }) }, driver.patient);
    expect(refusalOf(bothIds).code).toBe("PRIOR_RECORD_NOT_QUALIFYING");
    // This gateway runs consult without an integration service: nothing vouches for a HIS link, so none is taken on the
    // client's word (services/consult/test/hisPriorRecord.int.test.ts covers the linked path).
    const fromHis = await h.post(REQUEST, { input: followUpInput({ priorRecord: { ...priorRecord(), documentId: null, hisLinkId: "his-0042", recordType: "DISCHARGE_SUMMARY" } }) }, driver.patient);
    expect(refusalOf(fromHis)).toMatchObject({ code: "HIS_ENCOUNTER_NOT_USABLE", ruleId: "CON-03" });
  });

  it("CON-04: in Guangxi a record older than one calendar month is refused; under the national profile it is accepted", async () => {
    const tooOld = await h.post(REQUEST, { input: followUpInput({ priorRecord: { ...priorRecord(), recordDate: "2026-02-14" } }) }, driver.patient);
    expect(refusalOf(tooOld)).toMatchObject({
      code: "PRIOR_RECORD_TOO_OLD",
      ruleId: "CON-04",
      messageZh: CONSULT_ERRORS.PRIOR_RECORD_TOO_OLD.zh,
    });
    expect((await driver.request({ priorRecord: { ...priorRecord(), recordDate: "2026-02-15" } })).status).toBe("WAITING");
    for (const recordDate of ["2026-02-14", "2025-01-10"]) {
      expect((await driver.request({ institutionId: NATIONAL, priorRecord: { ...priorRecord(), recordDate } })).status).toBe("WAITING");
    }
    const future = await h.post(REQUEST, { input: followUpInput({ priorRecord: { ...priorRecord(), recordDate: "2026-04-01" } }) }, driver.patient);
    expect(refusalOf(future).code).toBe("INVALID_PRIOR_RECORD_DATE");
  });

  it("CON-08: an EMERGENCY triage flag is refused, and so is a Class-A infectious diagnosis", async () => {
    const emergency = await h.post(REQUEST, { input: followUpInput({ triageFlags: ["EMERGENCY"] }) }, driver.patient);
    expect(refusalOf(emergency)).toMatchObject({ code: "EMERGENCY_NOT_ALLOWED", ruleId: "CON-08", messageZh: CONSULT_ERRORS.EMERGENCY_NOT_ALLOWED.zh });
    const cholera = { code: "A00.9", name: "霍乱", version: DIABETES.version };
    const classA = await h.post(REQUEST, { input: followUpInput({ priorRecord: { ...priorRecord(), diagnoses: [cholera] } }) }, driver.patient);
    expect(refusalOf(classA)).toMatchObject({ code: "CLASS_A_INFECTIOUS_DISEASE", ruleId: "CON-08" });

    // At completion a Class-A diagnosis is refused too (the physician terminates instead), and nothing is completed.
    const id = await driver.inProgress();
    const completion = await h.post(COMPLETE, { input: { requestId: requestId(), consultId: id, summary: "疑似霍乱", diagnoses: [cholera] } }, driver.physician);
    expect(refusalOf(completion).code).toBe("CLASS_A_INFECTIOUS_DISEASE");
    expect((await driver.get(id)).status).toBe("IN_PROGRESS");
  });

  it("CON-09: an invited consultation needs its inviting physician and offline encounter; CON-02/03 do not apply to it", async () => {
    const missing = await h.post(REQUEST, { input: followUpInput({ consultType: "INVITED_CONSULTATION", priorRecord: null }) }, driver.patient);
    expect(refusalOf(missing)).toMatchObject({ code: "INVITATION_REQUIRED", ruleId: "CON-09" });
    const blank = await h.post(
      REQUEST,
      { input: followUpInput({ consultType: "INVITED_CONSULTATION", priorRecord: null, invitation: { invitingPhysicianId: "", offlineEncounterId: "" } }) },
      driver.patient,
    );
    expect(refusalOf(blank).code).toBe("INVITATION_REQUIRED");
    const invited = await driver.request({
      consultType: "INVITED_CONSULTATION",
      priorRecord: null,
      invitation: { invitingPhysicianId: "physician-0900", offlineEncounterId: "enc-0001", diagnoses: [HYPERTENSION] },
    });
    expect(invited).toMatchObject({ consultType: "INVITED_CONSULTATION", status: "WAITING", eligibility: "NOT_REQUIRED", confirmedDiagnoses: [HYPERTENSION] });
  });

  it("CON-10: a family-doctor consult needs an active contract signed by both sides", async () => {
    const noContract = await h.post(REQUEST, { input: followUpInput({ consultType: "FAMILY_DOCTOR", priorRecord: null, familyContractId: UNKNOWN_ID }) }, driver.patient);
    expect(refusalOf(noContract)).toMatchObject({ code: "FAMILY_CONTRACT_REQUIRED", ruleId: "CON-10" });

    const proposed = dataOf(
      await h.post(
        PROPOSE,
        {
          input: {
            requestId: requestId(),
            patientId: PATIENT,
            serviceContent: "慢病随访、用药指导",
            process: "线上预约，每月随访一次",
            rightsAndDuties: "医生按约随访；居民如实提供病情",
            risks: "线上诊疗无法体格检查",
            validFrom: "2026-03-01",
            validUntil: "2027-02-28",
            coveredDiagnoses: [HYPERTENSION],
          },
        },
        driver.physician,
      ),
    )["proposeFamilyContract"] as { id: string; termsSha256: string };
    expect(proposed).toMatchObject({ institutionId: GUANGXI, doctorId: PHYSICIAN, patientId: PATIENT, status: "PROPOSED", active: false });

    const request = { consultType: "FAMILY_DOCTOR", priorRecord: null, familyContractId: proposed.id };
    expect(refusalOf(await h.post(REQUEST, { input: followUpInput(request) }, driver.patient)).code).toBe("FAMILY_CONTRACT_REQUIRED");
    const wrongHash = await h.post(SIGN, { input: { requestId: requestId(), contractId: proposed.id, termsSha256: "0".repeat(64) } }, driver.patient);
    expect(refusalOf(wrongHash)).toMatchObject({ code: "INVALID_FAMILY_CONTRACT", ruleId: "CON-10" });
    expect(dataOf(await h.post(CONTRACT, { id: proposed.id }, driver.patient))["familyContract"]).toEqual({ id: proposed.id, status: "PROPOSED", active: false });

    const signed = dataOf(await h.post(SIGN, { input: { requestId: requestId(), contractId: proposed.id, termsSha256: proposed.termsSha256 } }, driver.patient));
    expect(signed["signFamilyContract"]).toMatchObject({ status: "SIGNED", active: true });
    const consult = await driver.request(request);
    expect(consult).toMatchObject({ consultType: "FAMILY_DOCTOR", status: "WAITING", eligibility: "NOT_REQUIRED", confirmedDiagnoses: [HYPERTENSION] });
    // An unknown id is an error with a NOT_FOUND code, never a silent null (README "Lookups").
    expect(refusalOf(await h.post(CONTRACT, { id: UNKNOWN_ID }, driver.patient)).code).toBe("FAMILY_CONTRACT_NOT_FOUND");
  });

  it("REP-01: an institution not connected to the supervision platform refuses consults with REGULATOR_NOT_CONNECTED", async () => {
    const refused = await h.post(REQUEST, { input: followUpInput({ institutionId: UNCONNECTED }) }, driver.patient);
    expect(refusalOf(refused)).toMatchObject({
      code: "REGULATOR_NOT_CONNECTED",
      ruleId: "REP-01",
      message: CONSULT_ERRORS.REGULATOR_NOT_CONNECTED.en,
      messageZh: CONSULT_ERRORS.REGULATOR_NOT_CONNECTED.zh,
    });
  });

  it("refuses unauthenticated callers and wrong roles with stable codes", async () => {
    const anonymous = await h.post(REQUEST, { input: followUpInput() });
    expect(refusalOf(anonymous).code).toBe("UNAUTHENTICATED");
    expect(anonymous.body.errors?.[0]?.extensions?.["reason"]).toBe("TOKEN_MISSING");
    expect(refusalOf(await h.post(GET, { id: UNKNOWN_ID })).code).toBe("UNAUTHENTICATED");
    expect(refusalOf(await h.post(CONSENT_TEXT, undefined, "not.a.jwt")).code).toBe("UNAUTHENTICATED");

    const asPhysician = await h.post(REQUEST, { input: followUpInput() }, driver.physician);
    expect(refusalOf(asPhysician)).toMatchObject({ code: "ROLE_NOT_ALLOWED", messageZh: "您的角色无权执行此操作。" });
    expect(refusalOf(await h.post(WAITING, {}, driver.patient)).code).toBe("ROLE_NOT_ALLOWED");
    // Physicians list their own consults now (issue 13 item 16); administrators use the institution board.
    expect(refusalOf(await h.post(MINE, {}, await h.token(ADMIN, ["institution_admin"]))).code).toBe("ROLE_NOT_ALLOWED");
    const otherAdmin = await h.token(ADMIN, ["institution_admin"], { tenantId: NATIONAL });
    expect(refusalOf(await h.post(BOARD, { institutionId: GUANGXI }, otherAdmin)).code).toBe("TENANT_MISMATCH");

    const { id } = await driver.request();
    const stranger = await h.token(OTHER_PATIENT, ["patient"]);
    expect(refusalOf(await h.post(GET, { id }, stranger))).toMatchObject({ code: "NOT_CONSULT_PARTICIPANT", messageZh: CONSULT_ERRORS.NOT_CONSULT_PARTICIPANT.zh });
    expect(refusalOf(await h.post(CANCEL, { input: { requestId: requestId(), consultId: id } }, stranger)).code).toBe("NOT_CONSULT_PARTICIPANT");
    const otherInstitution = await h.token(NATIONAL_PHYSICIAN, ["physician"], { tenantId: NATIONAL });
    expect(refusalOf(await h.post(ACCEPT, { input: { requestId: requestId(), consultId: id } }, otherInstitution)).code).toBe("TENANT_MISMATCH");
    expect((await driver.get(id)).status).toBe("WAITING");
  });

  it("RX-05: a guardian requests a child's consult for the child; a stranger adult cannot", async () => {
    const guardian = await h.token(GUARDIAN, ["patient"]);
    const child = dataOf(await h.post(REQUEST, { input: followUpInput({ patientId: CHILD }) }, guardian))["requestConsult"];
    expect(child).toMatchObject({ patientId: CHILD, guardianId: GUARDIAN });
    const stranger = await h.post(REQUEST, { input: followUpInput({ patientId: CHILD }) }, driver.patient);
    expect(refusalOf(stranger)).toMatchObject({ code: "GUARDIAN_NOT_VERIFIED", ruleId: "RX-05" });
  });

  it("answers bad input with clear codes: GraphQL shapes, the service's id checks, paging", async () => {
    const missingField = await h.post(`mutation { requestConsult(input: { requestId: "${requestId()}", consultType: FOLLOW_UP, departmentCode: "03.07" }) { id } }`, undefined, driver.patient);
    // 200: an application/json client's refused document (GraphQL over HTTP; 400 under application/graphql-response+json).
    expect([missingField.status, refusalOf(missingField).code]).toEqual([200, "GRAPHQL_VALIDATION_FAILED"]);
    const badKind = await h.post(SEND, { input: { requestId: requestId(), consultId: UNKNOWN_ID, kind: "VIDEO" } }, driver.patient);
    expect(refusalOf(badKind).code).toBe("BAD_USER_INPUT");

    expect(refusalOf(await h.post(REQUEST, { input: followUpInput({ requestId: "x" }) }, driver.patient)).code).toBe("INVALID_REQUEST_ID");
    expect(refusalOf(await h.post(REQUEST, { input: followUpInput({ institutionId: "nope" }) }, driver.patient)).code).toBe("INVALID_INSTITUTION_ID");
    expect(refusalOf(await h.post(REQUEST, { input: followUpInput({ departmentCode: "cardiology" }) }, driver.patient)).code).toBe("UNKNOWN_DEPARTMENT");
    expect(refusalOf(await h.post(GET, { id: "nope" }, driver.patient)).code).toBe("INVALID_CONSULT_ID");
    expect(refusalOf(await h.post(GET, { id: UNKNOWN_ID }, driver.patient)).code).toBe("CONSULT_NOT_FOUND");
    expect(refusalOf(await h.post(MINE, { first: 0 }, driver.patient)).code).toBe("BAD_USER_INPUT");
    expect(refusalOf(await h.post(MINE, { after: "garbage" }, driver.patient)).code).toBe("INVALID_CURSOR");

    const id = await driver.inProgress();
    const empty = await driver.send(id, "", driver.patient);
    expect(refusalOf(empty).code).toBe("INVALID_MESSAGE");
    const http = await h.post(SEND, { input: { requestId: requestId(), consultId: id, kind: "IMAGE", mediaUri: "http://insecure.example/a.jpg", mediaSha256: "e".repeat(64) } }, driver.patient);
    expect(refusalOf(http).code).toBe("INVALID_MESSAGE");
    const noSummary = await h.post(COMPLETE, { input: { requestId: requestId(), consultId: id, summary: "", diagnoses: [DIABETES] } }, driver.physician);
    expect(refusalOf(noSummary).code).toBe("INVALID_SUMMARY");
    expect((await driver.get(id)).status).toBe("IN_PROGRESS");
  });
});
