import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  maySign,
  type PractitionerEvent,
  practitionerDecider,
  requireReceiving,
  requireReviewer,
} from "../src/domain/practitioners/index.js";
import {
  AT,
  enabled,
  IN_HOUSE_ONLY,
  INSTITUTION_ID,
  NATIONAL,
  pharmacist,
  ready,
} from "./support/practitionerFixtures.js";
import { codeOf, enable, id, receiving, staffRecord, stateOf } from "./support/practitionerHistory.js";

// What a practitioner may do as their status changes: receive consults (requireReceiving), review prescriptions
// (requireReviewer), and the status changes themselves. Registering and enabling: practitioners.unit.test.ts.

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
