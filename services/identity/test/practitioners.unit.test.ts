import { DomainError, fold } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  maySign,
  type Practitioner,
  type PractitionerEvent,
  practitionerDecider,
  requireIdNumber,
  requireReceiving,
  requireReviewer,
  type StaffRecordChangedData,
} from "../src/domain/practitioners/index.js";
import {
  AT,
  enabled,
  IN_HOUSE_ONLY,
  INSTITUTION,
  INSTITUTION_ID,
  NATIONAL,
  pharmacist,
  practice,
  PRACTITIONER_ID,
  ready,
  REGISTERED,
  registration,
} from "./support/practitionerFixtures.js";

const id = PRACTITIONER_ID;
const enable = { type: "EnablePractitioner", practitionerId: id, institution: INSTITUTION, settings: NATIONAL, at: AT } as const;

function stateOf(events: readonly PractitionerEvent[]): Practitioner {
  const state = fold(practitionerDecider, events);
  if (state.status !== "registered") throw new Error("no practitioner");
  return state.practitioner;
}

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error("expected a refusal");
}

function staffRecord(change: StaffRecordChangedData["change"], active: boolean, data = REGISTERED): PractitionerEvent {
  return {
    type: "StaffRecordChanged",
    data: {
      practitionerId: id,
      institutionId: INSTITUTION_ID,
      change,
      profession: data.person.profession,
      name: data.person.name,
      idNumberSealed: data.person.idNumberSealed,
      licenceNumber: data.practice.licenceNumber,
      title: data.practice.title,
      scopeCodes: data.practice.scopeCodes,
      departmentCodes: data.practice.departmentCodes,
      mainInstitutionName: data.person.mainInstitutionName,
      practiceStartedOn: data.person.practiceStartedOn,
      photoHash: data.person.photoHash,
      active,
    },
  };
}

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

function receiving(overrides: Partial<Parameters<typeof requireReceiving>[1]> = {}) {
  return { institutionId: INSTITUTION_ID, departmentCode: "03.07", institutionSubjects: INSTITUTION.subjectCodes, at: AT, ...overrides };
}

describe("requireReceiving (consult assignment)", () => {
  it("IDN-01: an unknown or never-confirmed practitioner gets CLINICIAN_NOT_REGISTERED", () => {
    expect(codeOf(() => requireReceiving(undefined, receiving()))).toBe("CLINICIAN_NOT_REGISTERED");
  });

  it("IDN-06: allows the physician's own department in scope, refuses others with OUT_OF_SCOPE", () => {
    const practitioner = stateOf(enabled());
    expect(requireReceiving(practitioner, receiving()).person.profession).toBe("PHYSICIAN");
    expect(requireReceiving(practitioner, receiving({ departmentCode: "03.02" })).practitionerId).toBe(id);
    expect(codeOf(() => requireReceiving(practitioner, receiving({ departmentCode: "07" })))).toBe("OUT_OF_SCOPE");
    expect(codeOf(() => requireReceiving(practitioner, receiving({ institutionSubjects: ["07"] })))).toBe("OUT_OF_SCOPE");
  });

  it("IDN-05: refuses at an institution other than the practitioner's with NOT_PRACTISING_HERE", () => {
    const other = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f79";
    expect(codeOf(() => requireReceiving(stateOf(enabled()), receiving({ institutionId: other })))).toBe("NOT_PRACTISING_HERE");
  });

  it("IDN-01: rights end at once on suspension, revocation and exit; reinstatement restores them", () => {
    const suspended: PractitionerEvent = { type: "PractitionerSuspended", data: { practitionerId: id, reason: "COMPLAINT" } };
    const history = [...enabled(), suspended];
    expect(codeOf(() => requireReceiving(stateOf(history), receiving()))).toBe("PRACTITIONER_SUSPENDED");
    expect(maySign(stateOf(history), AT)).toBe(false);
    const reinstated: PractitionerEvent = { type: "PractitionerReinstated", data: { practitionerId: id, status: "ACTIVE" } };
    expect(maySign(stateOf([...history, reinstated]), AT)).toBe(true);
    const revoked: PractitionerEvent = { type: "PractitionerRevoked", data: { practitionerId: id, reason: "LICENCE_REVOKED" } };
    expect(codeOf(() => requireReceiving(stateOf([...enabled(), revoked]), receiving()))).toBe("PRACTITIONER_NOT_ACTIVE");
    const exited: PractitionerEvent = { type: "PractitionerExited", data: { practitionerId: id } };
    expect(codeOf(() => requireReceiving(stateOf([...enabled(), exited]), receiving()))).toBe("PRACTITIONER_NOT_ACTIVE");
    expect(codeOf(() => requireReceiving(stateOf(ready()), receiving()))).toBe("PRACTITIONER_NOT_ACTIVE");
  });

  it("IDN-01: a licence past its last valid day is CREDENTIAL_EXPIRED at check time, even before it is recorded", () => {
    const later = new Date("2031-01-01T00:00:00Z");
    expect(requireReceiving(stateOf(enabled()), receiving({ at: new Date("2030-12-31T15:59:59Z") })).practitionerId).toBe(id);
    expect(codeOf(() => requireReceiving(stateOf(enabled()), receiving({ at: later })))).toBe("CREDENTIAL_EXPIRED");
    expect(maySign(stateOf(enabled()), later)).toBe(false);
  });
});

describe("status changes", () => {
  it("REP-03: suspending, reinstating, revoking and exiting an enabled practitioner emit staff records", () => {
    const suspended: PractitionerEvent = { type: "PractitionerSuspended", data: { practitionerId: id, reason: "COMPLAINT" } };
    given(practitionerDecider, enabled())
      .when({ type: "SuspendPractitioner", practitionerId: id, reason: "COMPLAINT" })
      .then([suspended, staffRecord("SUSPENDED", false)]);
    given(practitionerDecider, [...enabled(), suspended])
      .when({ type: "ReinstatePractitioner", practitionerId: id })
      .then([{ type: "PractitionerReinstated", data: { practitionerId: id, status: "ACTIVE" } }, staffRecord("REINSTATED", true)]);
    given(practitionerDecider, enabled())
      .when({ type: "RevokePractitioner", practitionerId: id, reason: "LICENCE_REVOKED" })
      .then([{ type: "PractitionerRevoked", data: { practitionerId: id, reason: "LICENCE_REVOKED" } }, staffRecord("REVOKED", false)]);
    given(practitionerDecider, enabled())
      .when({ type: "RecordExit", practitionerId: id })
      .then([{ type: "PractitionerExited", data: { practitionerId: id } }, staffRecord("EXITED", false)]);
  });

  it("a never-enabled practitioner returns to PENDING after reinstatement, with no staff record", () => {
    const suspended: PractitionerEvent = { type: "PractitionerSuspended", data: { practitionerId: id, reason: "CHECK" } };
    given(practitionerDecider, [...ready(), suspended])
      .when({ type: "ReinstatePractitioner", practitionerId: id })
      .then([{ type: "PractitionerReinstated", data: { practitionerId: id, status: "PENDING" } }]);
  });

  it("refuses free-text reasons and any change to a revoked or exited practitioner", () => {
    given(practitionerDecider, enabled())
      .when({ type: "SuspendPractitioner", practitionerId: id, reason: "王示范 was rude" })
      .thenError("INVALID_STATUS_REASON");
    const exited: PractitionerEvent = { type: "PractitionerExited", data: { practitionerId: id } };
    given(practitionerDecider, [...enabled(), exited])
      .when({ type: "ReinstatePractitioner", practitionerId: id })
      .thenError("PRACTITIONER_CLOSED");
    given(practitionerDecider, [...enabled(), exited]).when(enable).thenError("PRACTITIONER_CLOSED");
  });

  it("IDN-01: NoticeCredentialExpiry records CredentialExpired with an EXPIRED staff record once", () => {
    const later = new Date("2031-01-01T00:00:00Z");
    const expired: PractitionerEvent = { type: "CredentialExpired", data: { practitionerId: id, licenceValidUntil: "2030-12-31" } };
    const notice = { type: "NoticeCredentialExpiry", practitionerId: id, at: later } as const;
    given(practitionerDecider, enabled()).when(notice).then([expired, staffRecord("EXPIRED", false)]);
    given(practitionerDecider, [...enabled(), expired]).when(notice).then([]);
    given(practitionerDecider, enabled()).when({ ...notice, at: AT }).then([]);
  });
});

describe("requireReviewer", () => {
  const check = { institutionId: INSTITUTION_ID, settings: NATIONAL, at: AT };

  it("PHA-02: an active pharmacist with 3 whole years of recorded dispensing experience may review", () => {
    const reviewer = requireReviewer(stateOf(enabled(pharmacist({ dispensingYears: 3 }))), check);
    expect(reviewer.practice).toMatchObject({ affiliation: "IN_HOUSE", dispensingYears: 3 });
  });

  it("PHA-02: refuses under 3 years' experience and anyone without a pharmacist credential (REVIEWER_NOT_QUALIFIED)", () => {
    expect(codeOf(() => requireReviewer(stateOf(enabled(pharmacist({ dispensingYears: 2 }))), check))).toBe(
      "REVIEWER_NOT_QUALIFIED",
    );
    expect(codeOf(() => requireReviewer(stateOf(enabled()), check))).toBe("REVIEWER_NOT_QUALIFIED");
  });

  it("PHA-02: a contracted pharmacist is refused where the profile allows in-house reviewers only", () => {
    const contracted = stateOf(enabled(pharmacist({ affiliation: "CONTRACTED" })));
    expect(requireReviewer(contracted, check).practice.affiliation).toBe("CONTRACTED");
    expect(codeOf(() => requireReviewer(contracted, { ...check, settings: IN_HOUSE_ONLY }))).toBe("AFFILIATION_NOT_ALLOWED");
  });

  it("PHA-02: a suspended pharmacist's review rights end at once", () => {
    const suspended: PractitionerEvent = { type: "PractitionerSuspended", data: { practitionerId: id, reason: "AUDIT" } };
    expect(codeOf(() => requireReviewer(stateOf([...enabled(pharmacist()), suspended]), check))).toBe("PRACTITIONER_SUSPENDED");
  });
});
