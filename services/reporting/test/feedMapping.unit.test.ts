import { describe, expect, it } from "vitest";
import type { InstitutionLicenceEntry } from "../src/domain/feed/entries.js";
import type { RegisteredInstitutionFact } from "../src/domain/feed/facts.js";
import {
  connectionEntry,
  licenceEntryFromChange,
  licenceEntryFromRegistration,
} from "../src/domain/feed/minimumNecessary.js";

const LICENCE_ENTRY_FIELDS = [
  "grade",
  "hostLicenceNumber",
  "licenceNumber",
  "licenceValidFrom",
  "licenceValidUntil",
  "name",
  "subjectCodes",
];

// What identity's InstitutionRegistered carries, plus fields a later version might add: none may reach the feed.
const registration = {
  institutionId: "inst-1",
  name: "天津市第一互联网医院",
  grade: "HOSPITAL_GRADE_TERTIARY_A",
  licence: { number: "PDY-1", validFrom: "2026-01-01", validUntil: "2030-12-31", issuingAuthority: "TJ-WJW" },
  subjectCodes: ["03.07"],
  jurisdiction: "tianjin",
  hostInstitutionName: "天津市第一中心医院",
  hostLicenceNumber: "12010011A1001",
  regulatorConnected: true,
  revision: 7n,
  legalRepresentativeIdNumber: "11010519491231002X",
  contactPhone: "13800138000",
};
// Assignable as a whole: what the adapter hands over has more than the domain declares.
const asFact: RegisteredInstitutionFact = registration;

describe("minimum-necessary feed mapping", () => {
  it("REP-04: a registration becomes a licence entry with exactly the feed schema's fields", () => {
    const entry = licenceEntryFromRegistration(asFact);
    expect(Object.keys(entry).sort()).toEqual(LICENCE_ENTRY_FIELDS);
    expect(entry).toEqual({
      name: "天津市第一互联网医院",
      grade: "HOSPITAL_GRADE_TERTIARY_A",
      licenceNumber: "PDY-1",
      licenceValidFrom: "2026-01-01",
      licenceValidUntil: "2030-12-31",
      subjectCodes: ["03.07"],
      hostLicenceNumber: "12010011A1001",
    });
    const text = JSON.stringify(entry);
    for (const leaked of ["11010519491231002X", "13800138000", "天津市第一中心医院", "TJ-WJW"]) expect(text).not.toContain(leaked);
  });

  it("REP-04: a licence change keeps the reported name, grade and host licence and takes licence and subjects from the change", () => {
    const previous: InstitutionLicenceEntry = licenceEntryFromRegistration(registration);
    const licence = { number: "PDY-2", validFrom: "2026-03-01", validUntil: "2031-02-28", issuingAuthority: "TJ-WJW" };
    const entry = licenceEntryFromChange(previous, licence, ["03.07", "04"]);
    expect(Object.keys(entry).sort()).toEqual(LICENCE_ENTRY_FIELDS);
    expect(entry).toEqual({ ...previous, licenceNumber: "PDY-2", licenceValidFrom: "2026-03-01", licenceValidUntil: "2031-02-28", subjectCodes: ["03.07", "04"] });
    expect(JSON.stringify(entry)).not.toContain("TJ-WJW");
  });

  it("REP-04: a licence change without subjects keeps the subjects reported before", () => {
    const previous = licenceEntryFromRegistration(registration);
    const entry = licenceEntryFromChange(previous, { number: "PDY-2", validFrom: "2026-03-01", validUntil: "2031-02-28" }, []);
    expect(entry.subjectCodes).toEqual(["03.07"]);
  });

  it("REP-04: a connection change becomes exactly { connected, platformReference }", () => {
    const change = {
      type: "RegulatorConnectionChanged" as const,
      institutionId: "inst-1",
      connected: true,
      platformReference: "TJ-JG-1",
      operatorName: "王小明",
    };
    expect(connectionEntry(change)).toStrictEqual({ connected: true, platformReference: "TJ-JG-1" });
  });

  it("REP-04: entries do not share arrays with the source", () => {
    const subjects = ["03.07"];
    const entry = licenceEntryFromRegistration({ ...registration, subjectCodes: subjects });
    subjects.push("99");
    expect(entry.subjectCodes).toEqual(["03.07"]);
  });
});
