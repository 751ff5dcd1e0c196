import { EventEnvelope } from "@ihp/contracts";
import { ConsultEligibility, ConsultRefused, ConsultType, FamilyContractStatus, type RequestConsultRequest } from "@ihp/contracts/consult";
import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { refusalOf } from "./support/client.js";
import {
  consults,
  context,
  followUp,
  identity,
  INSTITUTION,
  log,
  published,
  requestId,
  stream,
  token,
  UNCONNECTED,
  useConsultService,
} from "./support/consultService.js";
import { HYPERTENSION } from "./support/fixtures.js";

useConsultService();

describe("consult service over gRPC: requests and their gates", () => {
  it("CON-02, XC-02: a refused request leaves only its refusal, is fed, and a repeated request id gets the same answer", async () => {
    const patient = await token("patient-1", ["patient"]);
    const request = followUp({ priorRecord: undefined });
    const error = await refusalOf(consults.call("requestConsult", request, patient));
    expect([error.code, error.ruleId, error.status]).toEqual(["FIRST_VISIT_NOT_ALLOWED", "CON-02", 9]);
    const before = await log.readAll({ limit: 10_000 });
    const refusedEvent = before.filter((e) => e.type === "ConsultRequestRefused").at(-1)!;
    expect(refusedEvent.data).toMatchObject({ code: "FIRST_VISIT_NOT_ALLOWED", ruleId: "CON-02", patientId: "patient-1" });
    expect((await stream(refusedEvent.data["consultId"] as string)).map((e) => e.type)).toEqual(["ConsultRequestRefused"]);
    expect(before.filter((e) => e.type === "AccessRefused").some((e) => e.data["reason"] === "FIRST_VISIT_NOT_ALLOWED")).toBe(true);

    const repeated = await refusalOf(consults.call("requestConsult", request, patient));
    expect(repeated.code).toBe("FIRST_VISIT_NOT_ALLOWED");
    const after = await log.readAll({ limit: 10_000 });
    expect(after.filter((e) => e.type === "ConsultRequestRefused")).toHaveLength(before.filter((e) => e.type === "ConsultRequestRefused").length);

    await waitFor(() => published.some((m) => m.subject === "ihp.consult.v1.ConsultRefused"), 5_000, "ConsultRefused on the bus");
    const fed = ConsultRefused.decode(EventEnvelope.decode(published.find((m) => m.subject === "ihp.consult.v1.ConsultRefused")!.data).payload);
    expect(fed).toMatchObject({ reasonCode: "FIRST_VISIT_NOT_ALLOWED", institutionId: INSTITUTION, consultType: "FOLLOW_UP" });
  });

  it("REP-01, CON-04, IDN-07, CON-08: the gates refuse with their codes, each refusal stored", async () => {
    const patient = await token("patient-1", ["patient"]);
    const cases: [Partial<RequestConsultRequest>, string][] = [
      [{ institutionId: UNCONNECTED }, "REGULATOR_NOT_CONNECTED"],
      [{ priorRecord: { ...followUp().priorRecord!, recordDate: "2026-02-14" } }, "PRIOR_RECORD_TOO_OLD"],
      [{ priorRecord: { ...followUp().priorRecord!, recordDate: "2026-04-01" } }, "INVALID_PRIOR_RECORD_DATE"],
      [{ patientId: "patient-unverified" }, "PATIENT_NOT_VERIFIED"],
      [{ triageFlags: ["EMERGENCY"] }, "EMERGENCY_NOT_ALLOWED"],
      [{ consultType: ConsultType.CONSULT_TYPE_UNSPECIFIED }, "CONSULT_TYPE_NOT_ALLOWED"],
      [{ departmentCode: "04.01" }, "OUT_OF_SCOPE"],
      [{ consultType: ConsultType.CONSULT_TYPE_INVITED_CONSULTATION, priorRecord: undefined }, "INVITATION_REQUIRED"],
      [{ consultType: ConsultType.CONSULT_TYPE_FAMILY_DOCTOR, priorRecord: undefined, familyContractId: "0193a9f2-7c1d-8e4b-9a6f-000000000000" }, "FAMILY_CONTRACT_REQUIRED"],
    ];
    for (const [change, code] of cases) {
      const refused = await refusalOf(consults.call("requestConsult", followUp(change), patient));
      expect(refused.code).toBe(code);
    }
    const stored = (await log.readAll({ limit: 10_000 })).filter((e) => e.type === "ConsultRequestRefused").map((e) => e.data["code"]);
    expect(stored).toEqual(expect.arrayContaining(cases.map(([, code]) => code)));
    // Bad ids are refused before any rule runs and leave no consult event.
    expect((await refusalOf(consults.call("requestConsult", followUp({ requestId: "x" }), patient))).code).toBe("INVALID_REQUEST_ID");
    expect((await refusalOf(consults.call("requestConsult", followUp({ institutionId: "nope" }), patient))).code).toBe("INVALID_INSTITUTION_ID");
    const physician = await token("physician-1", ["physician"]);
    expect((await refusalOf(consults.call("requestConsult", followUp(), physician))).code).toBe("ROLE_NOT_ALLOWED");
  });

  it("makes RequestConsult idempotent by request id", async () => {
    const patient = await token("patient-1", ["patient"]);
    const request = followUp();
    const first = await consults.call("requestConsult", request, patient);
    const second = await consults.call("requestConsult", request, patient);
    expect(second.consult?.consultId).toBe(first.consult?.consultId);
    expect((await stream(first.consult!.consultId)).map((e) => e.type)).toEqual(["ConsultRequested"]);
  });

  it("REP-01: a consult cannot be accepted after the institution was disconnected from the supervision platform", async () => {
    const patient = await token("patient-1", ["patient"]);
    const physician = await token("physician-2", ["physician"]);
    const { consult } = await consults.call("requestConsult", followUp(), patient);
    const institution = identity.institutions.get(INSTITUTION)!;
    identity.institutions.set(INSTITUTION, { ...institution, regulatorConnected: false });
    try {
      expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId: consult!.consultId }, physician))).code).toBe("REGULATOR_NOT_CONNECTED");
      expect((await stream(consult!.consultId)).map((e) => e.type)).toEqual(["ConsultRequested"]);
    } finally {
      identity.institutions.set(INSTITUTION, institution);
    }
  });

  it("REP-01: the acceptance takes the regulator connection from identity's CheckReceiving, and asks GetInstitution only of an identity that gives none", async () => {
    const patient = await token("patient-1", ["patient"]);
    const physician = await token("physician-2", ["physician"]);
    const institution = identity.institutions.get(INSTITUTION)!;
    const asked = () => identity.calls.filter((call) => call.method === "institution").length;
    const first = (await consults.call("requestConsult", followUp(), patient)).consult!;
    const before = asked();
    await consults.call("acceptConsult", { requestId: requestId(), consultId: first.consultId }, physician);
    expect(asked()).toBe(before);
    const second = (await consults.call("requestConsult", followUp(), patient)).consult!;
    identity.regulatorWithGrant = false;
    identity.institutions.set(INSTITUTION, { ...institution, regulatorConnected: false });
    try {
      const afterRequest = asked();
      expect((await refusalOf(consults.call("acceptConsult", { requestId: requestId(), consultId: second.consultId }, physician))).code).toBe("REGULATOR_NOT_CONNECTED");
      expect(asked()).toBe(afterRequest + 1);
    } finally {
      identity.regulatorWithGrant = true;
      identity.institutions.set(INSTITUTION, institution);
    }
  });

  it("RX-05: a child's consult is requested by a verified guardian, who appears in the prescribing context", async () => {
    const guardian = await token("guardian-1", ["patient"]);
    const childRequest = followUp({ patientId: "child-1" });
    const { consult } = await consults.call("requestConsult", childRequest, guardian);
    expect(consult).toMatchObject({ patientId: "child-1", guardianId: "guardian-1" });
    const child = await token("child-1", ["patient"]);
    expect((await refusalOf(consults.call("requestConsult", followUp({ patientId: "child-1" }), child))).code).toBe("GUARDIAN_REQUIRED");
    const strangerAdult = await token("patient-1", ["patient"]);
    expect((await refusalOf(consults.call("requestConsult", followUp({ patientId: "child-1" }), strangerAdult))).code).toBe("GUARDIAN_NOT_VERIFIED");
    const system = await token("rx", ["system"], { kind: "service" });
    expect(await context.call("getPrescribingContext", { consultId: consult!.consultId }, system)).toMatchObject({ guardianId: "guardian-1", guardianVerified: true });
  });

  it("CON-10: a family-doctor contract signed by both sides allows a FAMILY_DOCTOR consult", async () => {
    const doctor = await token("physician-2", ["physician"]);
    const patient = await token("patient-1", ["patient"]);
    const { contract } = await consults.call(
      "proposeFamilyContract",
      {
        requestId: requestId(),
        patientId: "patient-1",
        serviceContent: "慢病随访、用药指导",
        process: "线上预约，每月随访一次",
        rightsAndDuties: "医生按约随访；居民如实提供病情",
        risks: "线上诊疗无法体格检查",
        validFrom: "2026-03-01",
        validUntil: "2027-02-28",
        coveredDiagnoses: [HYPERTENSION],
      },
      doctor,
    );
    expect(contract).toMatchObject({ status: FamilyContractStatus.FAMILY_CONTRACT_STATUS_PROPOSED, active: false });
    const request = followUp({ consultType: ConsultType.CONSULT_TYPE_FAMILY_DOCTOR, priorRecord: undefined, familyContractId: contract!.contractId });
    expect((await refusalOf(consults.call("requestConsult", request, patient))).code).toBe("FAMILY_CONTRACT_REQUIRED");
    expect((await refusalOf(consults.call("signFamilyContract", { requestId: requestId(), contractId: contract!.contractId, termsSha256: "0".repeat(64) }, patient))).code).toBe("INVALID_FAMILY_CONTRACT");
    const signed = await consults.call("signFamilyContract", { requestId: requestId(), contractId: contract!.contractId, termsSha256: contract!.termsSha256 }, patient);
    expect(signed.contract).toMatchObject({ status: FamilyContractStatus.FAMILY_CONTRACT_STATUS_SIGNED, active: true });
    const ok = await consults.call("requestConsult", { ...request, requestId: requestId() }, patient);
    expect(ok.consult).toMatchObject({
      consultType: ConsultType.CONSULT_TYPE_FAMILY_DOCTOR,
      confirmedDiagnoses: [HYPERTENSION],
      eligibility: ConsultEligibility.CONSULT_ELIGIBILITY_NOT_REQUIRED,
    });
  });
});
