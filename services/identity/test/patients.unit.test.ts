import { defaultIdentityVerifier } from "../src/application/patients/identityVerifier.js";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  ageOn,
  type PatientEvent,
  type PatientRegisteredData,
  patientDecider,
  type RegisterPatient,
} from "../src/domain/patients/index.js";
import { residentId, withWrongCheck } from "./support/accessFixtures.js";

const AT = new Date("2026-03-02T02:00:00Z");
const CHILD = "0193a9f2-7c1d-8e4b-9a6f-000000000001";
const ADULT = "0193a9f2-7c1d-8e4b-9a6f-000000000002";
const SEALED = { sealedName: "c2VhbGVkLW5hbWU=", sealedIdNumber: "c2VhbGVkLWlk", idNumberIndex: "ab".repeat(32) };

function registration(overrides: Partial<RegisterPatient> = {}): RegisterPatient {
  return {
    type: "RegisterPatient",
    patientId: ADULT,
    name: "  张  三 ",
    idType: "RESIDENT_ID_CARD",
    idNumber: residentId("1990-03-07"),
    birthDate: "1990-03-07",
    sex: "M",
    protectedIdentity: SEALED,
    at: AT,
    ...overrides,
  };
}

const REGISTERED: PatientRegisteredData = {
  patientId: ADULT,
  idType: "RESIDENT_ID_CARD",
  birthDate: "1990-03-07",
  sex: "M",
  ...SEALED,
};
const registered: PatientEvent = { type: "PatientRegistered", data: REGISTERED };
const verified: PatientEvent = {
  type: "PatientIdentityVerified",
  data: { patientId: ADULT, method: "ID_CARD_FACE_MATCH", providerReference: "ref-1" },
};
const child: PatientEvent = {
  type: "PatientRegistered",
  data: { ...REGISTERED, patientId: CHILD, birthDate: "2019-06-01", sex: "F" },
};

describe("RegisterPatient", () => {
  it("IDN-07: registers a resident ID holder; the event carries only sealed name and number and the blind index", () => {
    given(patientDecider).when(registration()).then([registered]);
    const outcome = patientDecider.decide(registration(), patientDecider.initialState);
    expect(JSON.stringify(outcome)).not.toContain("张");
    expect(JSON.stringify(outcome)).not.toContain(residentId("1990-03-07"));
  });

  it("IDN-07: accepts a lower-case x check character and spaces between groups", () => {
    // 11010519491231002X is the textbook example of GB 11643.
    given(patientDecider)
      .when(registration({ idNumber: "110105 19491231 002x", birthDate: "1949-12-31" }))
      .then([{ type: "PatientRegistered", data: { ...REGISTERED, birthDate: "1949-12-31" } }]);
  });

  it("IDN-07: refuses a resident ID number with a wrong check digit", () => {
    given(patientDecider)
      .when(registration({ idNumber: withWrongCheck(residentId("1990-03-07")) }))
      .thenError("ID_NUMBER_CHECK_DIGIT_MISMATCH", "IDN-07");
  });

  it.each([
    ["17 characters", "11010519900307123"],
    ["letters inside", "1101051990030712A3"],
    ["a leading zero area", "010105199003071235"],
    ["empty", ""],
  ])("IDN-07: refuses a malformed resident ID number (%s)", (_label, idNumber) => {
    given(patientDecider).when(registration({ idNumber })).thenError("INVALID_ID_NUMBER", "IDN-07");
  });

  it("IDN-07: refuses a resident ID whose embedded birth date differs from the date of birth", () => {
    given(patientDecider)
      .when(registration({ birthDate: "1990-03-08" }))
      .thenError("ID_NUMBER_BIRTH_DATE_MISMATCH", "IDN-07");
  });

  it("IDN-07: refuses a date of birth in the future (Beijing day) and an impossible date", () => {
    const tomorrow = "2026-03-03";
    given(patientDecider)
      .when(registration({ idType: "PASSPORT", idNumber: "E12345678", birthDate: tomorrow }))
      .thenError("BIRTH_DATE_IN_FUTURE", "IDN-07");
    given(patientDecider)
      .when(registration({ idType: "PASSPORT", idNumber: "E12345678", birthDate: "1990-02-30" }))
      .thenError("INVALID_BIRTH_DATE", "IDN-07");
  });

  it("IDN-07: checks the shape of the other documents", () => {
    const passport = registration({ idType: "PASSPORT", idNumber: "e1234 5678" });
    given(patientDecider).when(passport).then([{ type: "PatientRegistered", data: { ...REGISTERED, idType: "PASSPORT" } }]);
    given(patientDecider).when(registration({ idType: "HK_MACAO_PERMIT", idNumber: "X1234567" })).thenError("INVALID_ID_NUMBER");
    given(patientDecider)
      .when(registration({ idType: "HK_MACAO_PERMIT", idNumber: "H12345678" }))
      .then([{ type: "PatientRegistered", data: { ...REGISTERED, idType: "HK_MACAO_PERMIT" } }]);
    given(patientDecider).when(registration({ idType: "TAIWAN_PERMIT", idNumber: "1234567" })).thenError("INVALID_ID_NUMBER");
    const foreigner = residentId("1990-03-07", "933100");
    given(patientDecider)
      .when(registration({ idType: "FOREIGNER_PERMANENT_RESIDENCE", idNumber: foreigner }))
      .then([{ type: "PatientRegistered", data: { ...REGISTERED, idType: "FOREIGNER_PERMANENT_RESIDENCE" } }]);
    given(patientDecider)
      .when(registration({ idType: "FOREIGNER_PERMANENT_RESIDENCE", idNumber: withWrongCheck(foreigner) }))
      .thenError("ID_NUMBER_CHECK_DIGIT_MISMATCH");
  });

  it("IDN-07: refuses an unknown document type, sex, and a name with digits", () => {
    given(patientDecider).when(registration({ idType: "DRIVING_LICENCE" })).thenError("INVALID_ID_DOCUMENT_TYPE", "IDN-07");
    given(patientDecider).when(registration({ sex: "" })).thenError("INVALID_SEX", "IDN-07");
    given(patientDecider).when(registration({ name: "张3" })).thenError("INVALID_PATIENT_NAME", "IDN-07");
    given(patientDecider).when(registration({ name: "   " })).thenError("INVALID_PATIENT_NAME");
  });

  it("IDN-07: refuses a second registration of the same person (same stream by blind index)", () => {
    given(patientDecider, [registered]).when(registration()).thenError("PATIENT_ALREADY_REGISTERED", "IDN-07");
  });
});

describe("RecordVerification", () => {
  const attempt = { type: "RecordVerification" as const, patientId: ADULT, method: "ID_CARD_FACE_MATCH" as const, providerReference: "ref-1", at: AT };

  it("IDN-07: records the method and result of a passed verification, once", () => {
    given(patientDecider, [registered]).when({ ...attempt, passed: true }).then([verified]);
    given(patientDecider, [registered, verified]).when({ ...attempt, passed: true }).then([]);
  });

  it("IDN-07: records a failed verification as an event too", () => {
    given(patientDecider, [registered])
      .when({ ...attempt, passed: false })
      .then([{ type: "PatientVerificationFailed", data: verified.data }]);
  });

  it("refuses to verify an unknown patient", () => {
    given(patientDecider).when({ ...attempt, passed: true }).thenError("PATIENT_NOT_FOUND");
  });
});

describe("guardians of minors", () => {
  const link = {
    type: "LinkGuardian" as const,
    childId: CHILD,
    guardianId: ADULT,
    guardian: { birthDate: "1990-03-07", verified: true },
    relationship: "PARENT",
    evidenceReference: "doc-store:hukou-0001",
    at: AT,
  };
  const linked: PatientEvent = {
    type: "GuardianLinked",
    data: { childId: CHILD, guardianId: ADULT, relationship: "PARENT", evidenceReference: "doc-store:hukou-0001" },
  };

  it("IDN-07: links an adult, verified guardian to a minor with relationship and evidence, then verifies it", () => {
    given(patientDecider, [child]).when(link).then([linked]);
    given(patientDecider, [child, linked])
      .when({ type: "VerifyGuardianship", childId: CHILD, guardianId: ADULT, method: "HOUSEHOLD_REGISTER_CHECK", at: AT })
      .then([{ type: "GuardianshipVerified", data: { childId: CHILD, guardianId: ADULT, method: "HOUSEHOLD_REGISTER_CHECK" } }]);
  });

  it("IDN-07: refuses an unverified or under-age guardian, an adult child, a self link and a missing relationship", () => {
    given(patientDecider, [child]).when({ ...link, guardian: { birthDate: "1990-03-07", verified: false } }).thenError("GUARDIAN_NOT_VERIFIED", "IDN-07");
    given(patientDecider, [child]).when({ ...link, guardian: { birthDate: "2008-03-03", verified: true } }).thenError("GUARDIAN_NOT_ADULT");
    given(patientDecider, [registered]).when({ ...link, childId: ADULT, guardianId: CHILD }).thenError("CHILD_NOT_MINOR");
    given(patientDecider, [child]).when({ ...link, guardianId: CHILD }).thenError("GUARDIAN_SELF_LINK");
    given(patientDecider, [child]).when({ ...link, relationship: "NEIGHBOUR" }).thenError("INVALID_GUARDIAN_RELATIONSHIP");
    given(patientDecider, [child]).when({ ...link, evidenceReference: " " }).thenError("GUARDIAN_EVIDENCE_REQUIRED");
  });

  it("refuses to verify a guardianship that was never linked", () => {
    given(patientDecider, [child])
      .when({ type: "VerifyGuardianship", childId: CHILD, guardianId: ADULT, method: "HOUSEHOLD_REGISTER_CHECK", at: AT })
      .thenError("GUARDIANSHIP_NOT_FOUND");
  });

  it("counts age in whole years on the Beijing day (18 on the birthday)", () => {
    expect(ageOn("2008-03-02", AT)).toBe(18);
    expect(ageOn("2008-03-03", AT)).toBe(17);
  });
});

describe("IDN-07: which face-match verifier a deployment gets without a provider", () => {
  it("IDN-07: the accept-anything stand-in only with the builtin issuer; with OIDC no face match ever passes", async () => {
    const newId = () => "id-1";
    expect((await defaultIdentityVerifier("builtin", newId).faceMatch({ subjectId: "p-1", evidence: "sdk-token" })).passed).toBe(true);
    expect((await defaultIdentityVerifier("builtin", newId).faceMatch({ subjectId: "p-1", evidence: "mismatch-1" })).passed).toBe(false);
    expect((await defaultIdentityVerifier("oidc", newId).faceMatch({ subjectId: "p-1", evidence: "sdk-token" })).passed).toBe(false);
  });
});
