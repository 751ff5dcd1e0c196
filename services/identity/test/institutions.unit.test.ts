import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type InstitutionEvent, institutionDecider } from "../src/domain/institutions/index.js";
import { AT, ID, REGISTERED, registration } from "./support/fixtures.js";

const registered: InstitutionEvent = { type: "InstitutionRegistered", data: REGISTERED };
const newLicence = { number: "PDY00001X12010217A1002", validFrom: "2026-03-01", validUntil: "2031-02-28" };

describe("RegisterInstitution", () => {
  it("IDN-10: registers with the published fields, name trimmed and subjects sorted without repeats", () => {
    given(institutionDecider).when(registration()).then([registered]);
  });

  it("refuses a second registration of the same institution", () => {
    given(institutionDecider, [registered]).when(registration()).thenError("INSTITUTION_ALREADY_REGISTERED");
  });

  it("IDN-10: refuses an empty or over-long name", () => {
    given(institutionDecider).when(registration({ name: "   " })).thenError("INVALID_INSTITUTION_NAME", "IDN-10");
    given(institutionDecider).when(registration({ name: "医".repeat(101) })).thenError("INVALID_INSTITUTION_NAME");
    given(institutionDecider).when(registration({ name: "医院\n名称" })).thenError("INVALID_INSTITUTION_NAME");
  });

  it("IDN-10: refuses an unspecified grade", () => {
    given(institutionDecider).when(registration({ grade: "UNSPECIFIED" })).thenError("INVALID_GRADE", "IDN-10");
  });

  it("IDN-06: refuses a subject code not on the national list, and an empty list", () => {
    given(institutionDecider).when(registration({ subjectCodes: ["03.07", "99.99"] })).thenError("UNKNOWN_SUBJECT_CODE", "IDN-06");
    given(institutionDecider).when(registration({ subjectCodes: ["3.7"] })).thenError("UNKNOWN_SUBJECT_CODE");
    given(institutionDecider).when(registration({ subjectCodes: [] })).thenError("NO_SUBJECTS", "IDN-06");
  });

  it.each([
    ["malformed date", { validFrom: "2024/01/01" }],
    ["impossible date", { validUntil: "2027-02-29" }],
    ["start after end", { validFrom: "2030-01-01" }],
    ["start equal to end", { validFrom: "2029-12-31" }],
    ["missing number", { number: "" }],
    ["number with spaces", { number: "PDY 0001 X12" }],
  ])("REP-02: refuses a licence with a %s", (_label, change) => {
    const licence = { ...registration().licence, ...change };
    given(institutionDecider).when(registration({ licence })).thenError("INVALID_LICENCE", "REP-02");
  });

  it("REP-02: refuses a licence that expired before today (Beijing), accepts one ending today", () => {
    const endingYesterday = { ...registration().licence, validUntil: "2026-03-01" };
    given(institutionDecider).when(registration({ licence: endingYesterday })).thenError("LICENCE_EXPIRED", "REP-02");
    // 2026-03-01T17:00Z is already 2 March in Beijing.
    const endingToday = { ...registration().licence, validUntil: "2026-03-02" };
    const late = registration({ licence: endingToday, at: new Date("2026-03-01T17:00:00Z") });
    given(institutionDecider).when(late).then([{ type: "InstitutionRegistered", data: { ...REGISTERED, licence: endingToday } }]);
  });

  it("XC-08: refuses a jurisdiction without a profile", () => {
    given(institutionDecider).when(registration({ jurisdiction: "beijing" })).thenError("UNKNOWN_JURISDICTION", "XC-08");
  });

  it("IDN-06: needs the physical host institution", () => {
    given(institutionDecider).when(registration({ hostInstitutionName: "" })).thenError("INVALID_HOST_INSTITUTION", "IDN-06");
    given(institutionDecider).when(registration({ hostLicenceNumber: "?" })).thenError("INVALID_HOST_INSTITUTION");
  });
});

describe("ChangeLicence", () => {
  it("REP-02: records the new licence with the full subject list", () => {
    given(institutionDecider, [registered])
      .when({ type: "ChangeLicence", institutionId: ID, licence: newLicence, subjectCodes: [], at: AT })
      .then([{ type: "LicenceChanged", data: { institutionId: ID, licence: newLicence, subjectCodes: ["03", "03.07", "50.01"] } }]);
  });

  it("REP-02: replaces the approved subjects when new ones are given", () => {
    given(institutionDecider, [registered])
      .when({ type: "ChangeLicence", institutionId: ID, licence: REGISTERED.licence, subjectCodes: ["07", "03"], at: AT })
      .then([{ type: "LicenceChanged", data: { institutionId: ID, licence: REGISTERED.licence, subjectCodes: ["03", "07"] } }]);
  });

  it("appends nothing when nothing changes", () => {
    given(institutionDecider, [registered])
      .when({ type: "ChangeLicence", institutionId: ID, licence: REGISTERED.licence, subjectCodes: ["50.01", "03.07", "03"], at: AT })
      .then([]);
  });

  it("REP-02: refuses a bad licence or an unknown subject", () => {
    const bad = { ...newLicence, validUntil: "2026-02-30" };
    given(institutionDecider, [registered])
      .when({ type: "ChangeLicence", institutionId: ID, licence: bad, subjectCodes: [], at: AT })
      .thenError("INVALID_LICENCE", "REP-02");
    given(institutionDecider, [registered])
      .when({ type: "ChangeLicence", institutionId: ID, licence: newLicence, subjectCodes: ["88"], at: AT })
      .thenError("UNKNOWN_SUBJECT_CODE", "IDN-06");
  });

  it("refuses an institution that is not registered", () => {
    given(institutionDecider)
      .when({ type: "ChangeLicence", institutionId: ID, licence: newLicence, subjectCodes: [], at: AT })
      .thenError("INSTITUTION_NOT_FOUND");
  });
});

describe("SetRegulatorConnection", () => {
  const connect = {
    type: "SetRegulatorConnection",
    institutionId: ID,
    connected: true,
    platformReference: "TJ-JG-2026-0042",
  } as const;
  const connected: InstitutionEvent = {
    type: "RegulatorConnectionChanged",
    data: { institutionId: ID, connected: true, platformReference: "TJ-JG-2026-0042" },
  };

  it("REP-01: connects with the platform's confirmation reference", () => {
    given(institutionDecider, [registered]).when(connect).then([connected]);
  });

  it("REP-01: refuses to connect without a reference", () => {
    given(institutionDecider, [registered])
      .when({ ...connect, platformReference: "  " })
      .thenError("PLATFORM_REFERENCE_REQUIRED", "REP-01");
  });

  it("REP-01: refuses an over-long reference", () => {
    given(institutionDecider, [registered])
      .when({ ...connect, platformReference: "x".repeat(101) })
      .thenError("INVALID_PLATFORM_REFERENCE", "REP-01");
  });

  it("REP-01: disconnects without a reference", () => {
    given(institutionDecider, [registered, connected])
      .when({ ...connect, connected: false, platformReference: "" })
      .then([{ type: "RegulatorConnectionChanged", data: { institutionId: ID, connected: false, platformReference: "" } }]);
  });

  it("appends nothing for the same connection again, but records a new confirmation", () => {
    given(institutionDecider, [registered, connected]).when(connect).then([]);
    given(institutionDecider, [registered]).when({ ...connect, connected: false }).then([]);
    given(institutionDecider, [registered, connected])
      .when({ ...connect, platformReference: "TJ-JG-2026-0099" })
      .then([{ type: "RegulatorConnectionChanged", data: { ...connected.data, platformReference: "TJ-JG-2026-0099" } }]);
  });

  it("refuses an institution that is not registered", () => {
    given(institutionDecider).when(connect).thenError("INSTITUTION_NOT_FOUND");
  });
});

describe("evolve", () => {
  it("folds registration, licence change and connection into the institution", () => {
    const events: InstitutionEvent[] = [
      registered,
      { type: "LicenceChanged", data: { institutionId: ID, licence: newLicence, subjectCodes: ["07"] } },
      { type: "RegulatorConnectionChanged", data: { institutionId: ID, connected: true, platformReference: "R-1" } },
    ];
    const state = events.reduce(institutionDecider.evolve, institutionDecider.initialState);
    expect(state).toEqual({
      status: "registered",
      institution: { ...REGISTERED, licence: newLicence, subjectCodes: ["07"], regulatorConnected: true, platformReference: "R-1" },
    });
  });
});
