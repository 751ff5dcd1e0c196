import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  type PractitionerEvent,
  practitionerDecider,
  requireIdNumber,
  requireReceiving,
} from "../src/domain/practitioners/index.js";
import {
  AT,
  enabled,
  IN_HOUSE_ONLY,
  INSTITUTION,
  NATIONAL,
  pharmacist,
  practice,
  ready,
  REGISTERED,
  registration,
} from "./support/practitionerFixtures.js";
import { codeOf, enable, id, receiving, staffRecord, stateOf } from "./support/practitionerHistory.js";

// Registering, verifying, enabling a practitioner and changing their practice. What their status lets them do:
// practitioners.rights.unit.test.ts.

describe("RegisterPractitioner", () => {
  it("records the checked facts: trimmed name, sorted departments without repeats, IN_HOUSE by default", () => {
    given(practitionerDecider).when(registration()).then([{ type: "PractitionerRegistered", data: REGISTERED }]);
  });

  it("IDN-01: refuses a malformed practice certificate number with INVALID_PRACTICE_LICENCE_NUMBER", () => {
    given(practitionerDecider)
      .when(registration({ practice: practice({ licenceNumber: "11012000001234" }) }))
      .thenError("INVALID_PRACTICE_LICENCE_NUMBER", "IDN-01");
    given(practitionerDecider)
      .when(registration({ practice: practice({ licenceNumber: "11012000001234X" }) }))
      .thenError("INVALID_PRACTICE_LICENCE_NUMBER");
  });

  it("IDN-01: refuses a licence that has already expired with CREDENTIAL_EXPIRED, and a malformed validity date", () => {
    given(practitionerDecider)
      .when(registration({ practice: practice({ licenceValidUntil: "2026-03-01" }) }))
      .thenError("CREDENTIAL_EXPIRED", "IDN-01");
    given(practitionerDecider)
      .when(registration({ practice: practice({ licenceValidUntil: "2026-02-30" }) }))
      .thenError("INVALID_LICENCE_VALIDITY");
  });

  it("IDN-04: refuses a practice start date in the future with INVALID_PRACTICE_START", () => {
    given(practitionerDecider)
      .when(registration({ practiceStartedOn: "2026-03-03" }))
      .thenError("INVALID_PRACTICE_START", "IDN-04");
    given(practitionerDecider).when(registration({ practiceStartedOn: "2020-13-01" })).thenError("INVALID_PRACTICE_START");
  });

  it("IDN-06: refuses unknown departments, departments outside the scope or outside the institution's licence", () => {
    given(practitionerDecider)
      .when(registration({ practice: practice({ departmentCodes: ["03.99"] }) }))
      .thenError("UNKNOWN_DEPARTMENT", "IDN-06");
    // 外科 is on the national list but not within 内科专业.
    given(practitionerDecider)
      .when(registration({ institution: { ...INSTITUTION, subjectCodes: ["03", "04"] }, practice: practice({ departmentCodes: ["04"] }) }))
      .thenError("OUT_OF_SCOPE", "IDN-06");
    // 中医科 50.02 is within no approved subject of the institution (only 50.01 is).
    given(practitionerDecider)
      .when(registration({ practice: practice({ scopeCodes: ["TCM"], departmentCodes: ["50.02"] }) }))
      .thenError("OUT_OF_SCOPE", "IDN-06");
    given(practitionerDecider)
      .when(registration({ practice: practice({ scopeCodes: ["PHARMACY"] }) }))
      .thenError("UNKNOWN_PRACTICE_SCOPE", "IDN-06");
    given(practitionerDecider).when(registration({ practice: practice({ departmentCodes: [] }) })).thenError("NO_DEPARTMENTS");
  });

  it("REP-03: refuses a bad name, photo hash or profession", () => {
    given(practitionerDecider).when(registration({ name: "王" })).thenError("INVALID_PRACTITIONER_NAME", "REP-03");
    given(practitionerDecider).when(registration({ photoHash: "abc" })).thenError("INVALID_PHOTO_HASH", "REP-03");
    given(practitionerDecider).when(registration({ profession: "DENTIST" })).thenError("UNKNOWN_PROFESSION");
  });

  it("REP-03: accepts only resident ID numbers with a matching check character (INVALID_STAFF_ID_NUMBER)", () => {
    expect(requireIdNumber(" 11010519850708002x ")).toBe("11010519850708002X");
    expect(codeOf(() => requireIdNumber("110105198001010017"))).toBe("INVALID_STAFF_ID_NUMBER");
    expect(codeOf(() => requireIdNumber("11010519800101001"))).toBe("INVALID_STAFF_ID_NUMBER");
  });

  it("PHA-02: dispensing years and a contracted affiliation are pharmacists' facts only", () => {
    given(practitionerDecider)
      .when(registration({ practice: practice({ dispensingYears: 4 }) }))
      .thenError("INVALID_DISPENSING_YEARS", "PHA-02");
    given(practitionerDecider)
      .when(registration({ practice: practice({ affiliation: "CONTRACTED" }) }))
      .thenError("INVALID_AFFILIATION", "PHA-02");
    given(practitionerDecider)
      .when(
        registration({
          profession: "PHARMACIST",
          practice: practice({ licenceNumber: "ZY00120190001", scopeCodes: ["PHARMACY"], departmentCodes: [], dispensingYears: 71 }),
        }),
      )
      .thenError("INVALID_DISPENSING_YEARS");
  });
});

describe("registry and real-name verification", () => {
  const registered: PractitionerEvent[] = [{ type: "PractitionerRegistered", data: REGISTERED }];

  it("IDN-01: a lookup that shows suspension is recorded and leaves the practitioner UNVERIFIED", () => {
    given(practitionerDecider, registered)
      .when({ type: "RecordRegistryLookup", practitionerId: id, outcome: { status: "SUSPENDED", source: "file:demo" }, at: AT })
      .then([{ type: "RegistryLookupFailed", data: { practitionerId: id, source: "file:demo", reason: "SUSPENDED" } }]);
    const failed: PractitionerEvent = {
      type: "RegistryLookupFailed",
      data: { practitionerId: id, source: "file:demo", reason: "SUSPENDED" },
    };
    const history = [...ready().filter((event) => event.type !== "RegistryVerified"), failed];
    expect(stateOf(history).registryVerified).toBe(false);
    given(practitionerDecider, history).when(enable).thenError("CLINICIAN_NOT_REGISTERED", "IDN-01");
  });

  it("IDN-01: an unreachable registry does not undo an earlier confirmation; a registry that says no does", () => {
    const outage: PractitionerEvent = {
      type: "RegistryLookupFailed",
      data: { practitionerId: id, source: "http:registry", reason: "UNAVAILABLE" },
    };
    expect(stateOf([...enabled(), outage]).registryVerified).toBe(true);
    const notFound: PractitionerEvent = { type: "RegistryLookupFailed", data: { ...outage.data, reason: "NOT_FOUND" } };
    const practitioner = stateOf([...enabled(), notFound]);
    expect(codeOf(() => requireReceiving(practitioner, receiving()))).toBe("CLINICIAN_NOT_REGISTERED");
  });

  it("IDN-02: no account becomes ACTIVE without an IdentityVerified event", () => {
    const history = ready().filter((event) => event.type !== "IdentityVerified");
    given(practitionerDecider, history).when(enable).thenError("IDENTITY_NOT_VERIFIED", "IDN-02");
  });

  it("IDN-02: where face match is switched on, a document check is refused with FACE_MATCH_REQUIRED", () => {
    const command = {
      type: "RecordIdentityVerification",
      practitionerId: id,
      method: "DOCUMENT_CHECK",
      faceMatchRequired: true,
      reference: "ADMIN-CHECK-1",
      at: AT,
    } as const;
    given(practitionerDecider, registered).when(command).thenError("FACE_MATCH_REQUIRED", "IDN-02");
    given(practitionerDecider, registered)
      .when({ ...command, faceMatchRequired: false })
      .then([{ type: "IdentityVerified", data: { practitionerId: id, method: "DOCUMENT_CHECK", reference: "ADMIN-CHECK-1" } }]);
  });
});

describe("EnablePractitioner", () => {
  it("REP-03: enabling emits PractitionerEnabled and an ENABLED staff record with the sealed ID number", () => {
    given(practitionerDecider, ready())
      .when(enable)
      .then([{ type: "PractitionerEnabled", data: { practitionerId: id } }, staffRecord("ENABLED", true)]);
  });

  it("IDN-04: refuses a physician with 2 years 364 days of independent practice; 3 whole years pass", () => {
    const short = { ...REGISTERED, person: { ...REGISTERED.person, practiceStartedOn: "2023-03-03" } };
    given(practitionerDecider, ready(short)).when(enable).thenError("INSUFFICIENT_PRACTICE_YEARS", "IDN-04");
    const enough = { ...REGISTERED, person: { ...REGISTERED.person, practiceStartedOn: "2023-03-02" } };
    given(practitionerDecider, ready(enough))
      .when(enable)
      .then([{ type: "PractitionerEnabled", data: { practitionerId: id } }, staffRecord("ENABLED", true, enough)]);
  });

  it("IDN-04: refuses without the registering institution's consent document on file", () => {
    const history = ready().filter((event) => event.type !== "PracticeDocumentRecorded");
    given(practitionerDecider, history).when(enable).thenError("CONSENT_DOCUMENT_MISSING", "IDN-04");
  });

  it("IDN-05: main institution other than the host needs a multi-site filing record", () => {
    const elsewhere = { ...REGISTERED, person: { ...REGISTERED.person, mainInstitutionIsHost: false } };
    given(practitionerDecider, ready(elsewhere)).when(enable).thenError("MULTI_SITE_FILING_MISSING", "IDN-05");
    const filed: PractitionerEvent = {
      type: "PracticeDocumentRecorded",
      data: { practitionerId: id, kind: "MULTI_SITE_FILING", reference: "FILING-2026-001" },
    };
    given(practitionerDecider, [...ready(elsewhere), filed])
      .when(enable)
      .then([{ type: "PractitionerEnabled", data: { practitionerId: id } }, staffRecord("ENABLED", true, elsewhere)]);
  });

  it("IDN-06: refuses when the institution's approved subjects no longer cover the departments (OUT_OF_SCOPE)", () => {
    given(practitionerDecider, ready())
      .when({ ...enable, institution: { ...INSTITUTION, subjectCodes: ["07"] } })
      .thenError("OUT_OF_SCOPE", "IDN-06");
  });

  it("PHA-02: a contracted pharmacist is enabled only where the jurisdiction allows third-party reviewers", () => {
    const contracted = pharmacist({ affiliation: "CONTRACTED" });
    given(practitionerDecider, ready(contracted))
      .when({ ...enable, settings: IN_HOUSE_ONLY })
      .thenError("AFFILIATION_NOT_ALLOWED", "PHA-02");
    given(practitionerDecider, ready(contracted))
      .when(enable)
      .then([{ type: "PractitionerEnabled", data: { practitionerId: id } }, staffRecord("ENABLED", true, contracted)]);
  });

  it("refuses a suspended practitioner and does nothing for an active one", () => {
    given(practitionerDecider, enabled()).when(enable).then([]);
    const suspended: PractitionerEvent = { type: "PractitionerSuspended", data: { practitionerId: id, reason: "COMPLAINT" } };
    given(practitionerDecider, [...enabled(), suspended]).when(enable).thenError("PRACTITIONER_SUSPENDED");
  });
});

describe("ChangePractice", () => {
  const change = {
    type: "ChangePractice",
    practitionerId: id,
    institution: INSTITUTION,
    settings: NATIONAL,
    at: AT,
  } as const;

  it("REP-03: changing an enabled practitioner emits PracticeChanged and a CHANGED staff record", () => {
    const next = practice({ title: "副主任医师", departmentCodes: ["03.07"] });
    const after = { ...REGISTERED, practice: { ...REGISTERED.practice, title: "副主任医师", departmentCodes: ["03.07"] } };
    given(practitionerDecider, enabled())
      .when({ ...change, practice: next })
      .then([{ type: "PracticeChanged", data: { practitionerId: id, practice: after.practice } }, staffRecord("CHANGED", true, after)]);
  });

  it("REP-03: the same practice again appends nothing; a change before enabling emits no staff record", () => {
    given(practitionerDecider, enabled()).when({ ...change, practice: practice() }).then([]);
    const next = practice({ title: "副主任医师" });
    given(practitionerDecider, ready())
      .when({ ...change, practice: next })
      .then([{ type: "PracticeChanged", data: { practitionerId: id, practice: { ...REGISTERED.practice, title: "副主任医师" } } }]);
  });

  it("IDN-06: bad input changes nothing: unknown department, out-of-scope department", () => {
    given(practitionerDecider, enabled())
      .when({ ...change, practice: practice({ departmentCodes: ["77"] }) })
      .thenError("UNKNOWN_DEPARTMENT", "IDN-06");
    given(practitionerDecider, enabled())
      .when({ ...change, practice: practice({ departmentCodes: ["07"] }) })
      .thenError("OUT_OF_SCOPE", "IDN-06");
  });
});
