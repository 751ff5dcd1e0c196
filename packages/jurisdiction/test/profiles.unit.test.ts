import { describe, expect, it } from "vitest";

import { JURISDICTIONS, type JurisdictionCode, listProfiles, profileAt, profileByVersion, stepUpFactors } from "@ihp/jurisdiction";
import { PUBLISHED_VERSIONS } from "./publishedVersions.js";
import { fingerprint } from "./support/fingerprint.js";
import { settingsDiff } from "./support/settingsDiff.js";

const ON = "2026-06-01";
const national = profileAt("national", ON).settings;

/** REQUIREMENTS §9 "Overrides" column, as setting paths. Everything else must equal the national default. */
const EXPECTED_OVERRIDES: { readonly [J in JurisdictionCode]: readonly string[] } = {
  national: [],
  tianjin: [],
  guangxi: ["dataResidency.allowedAreas", "extraHighRiskDrugs", "priorRecordWindow"],
  chongqing: ["dataResidency.allowedAreas"],
  yinchuan: [
    "bigDataExport",
    "clinicianPractisePolicy",
    "dailySecurityReport",
    "retention.clinicalRecordYears",
    "reviewerAffiliations",
  ],
};

describe("XC-08: §9 overrides", () => {
  for (const jurisdiction of JURISDICTIONS) {
    it(`XC-08: ${jurisdiction} differs from national exactly where §9 says`, () => {
      expect(settingsDiff(national, profileAt(jurisdiction, ON).settings)).toEqual(EXPECTED_OVERRIDES[jurisdiction]);
    });
  }

  it("CON-04: Guangxi requires a record from within one calendar month; national sets no window", () => {
    expect(national.priorRecordWindow).toEqual({ kind: "none" });
    expect(profileAt("guangxi", ON).settings.priorRecordWindow).toEqual({ kind: "calendarMonths", months: 1 });
  });

  it("RX-04: every profile blocks the special-management classes; Guangxi adds a high-risk list", () => {
    for (const j of JURISDICTIONS) {
      expect([...profileAt(j, ON).settings.blockedDrugClasses].sort()).toEqual(
        ["medical_toxic", "narcotic", "precursor_chemical", "psychotropic_i", "psychotropic_ii", "radioactive"],
      );
    }
    expect(profileAt("guangxi", ON).settings.extraHighRiskDrugs.kind).toBe("list");
    expect(national.extraHighRiskDrugs.kind).toBe("none");
  });

  it("REC-02: Yinchuan keeps clinical records 30 years, everyone else 15, all counted from the last visit", () => {
    for (const j of JURISDICTIONS) {
      const r = profileAt(j, ON).settings.retention;
      expect(r.clinicalRecordYears).toBe(j === "yinchuan" ? 30 : 15);
      expect(r.clinicalRecordCountedFrom).toBe("lastVisit");
      expect(r.mediaYears).toBe(3); // REC-03 / §9: no override
    }
  });

  it("PHA-02: only Yinchuan admits retail pharmacists; all require 3 years' experience", () => {
    for (const j of JURISDICTIONS) {
      const s = profileAt(j, ON).settings;
      expect(s.reviewerAffiliations.includes("retail_pharmacist")).toBe(j === "yinchuan");
      expect(s.reviewerAffiliations).toEqual(expect.arrayContaining(["in_house", "contracted"]));
      expect(s.pharmacistMinYears).toBe(3);
      expect(s.physicianMinIndependentYears).toBe(3); // IDN-04
    }
  });

  it("XC-04: mainland China by default, in-province for Guangxi and Chongqing", () => {
    expect(national.dataResidency.allowedAreas).toEqual(["CN-mainland"]);
    expect(profileAt("guangxi", ON).settings.dataResidency.allowedAreas).toEqual(["CN-GX"]);
    expect(profileAt("chongqing", ON).settings.dataResidency.allowedAreas).toEqual(["CN-CQ"]);
  });

  it("XC-07, REP-08: only Yinchuan has the video-or-signature policy, the daily security report and the export", () => {
    const yc = profileAt("yinchuan", ON).settings;
    expect(yc.clinicianPractisePolicy).toEqual({ kind: "video_or_signature", minVideoRetentionMonths: 3 });
    expect(yc.dailySecurityReport).toBe(true);
    expect(yc.bigDataExport).toEqual({
      kind: "smart_yinchuan",
      recordTypes: ["e_prescription", "outpatient_record", "outpatient_log"],
    });
    for (const j of JURISDICTIONS.filter((x) => x !== "yinchuan")) {
      const s = profileAt(j, ON).settings;
      expect([s.clinicianPractisePolicy.kind, s.dailySecurityReport, s.bigDataExport.kind]).toEqual(["none", false, "none"]);
    }
  });

  it("RX-05, RX-06, RX-07, RX-08, REP-02, PHA-09: the national numbers", () => {
    expect(national.paediatricGuardianAgeLimit).toEqual({ years: 6, inclusive: true, ageCompletes: "dayAfterAnniversary" });
    expect(national.rxValidity).toEqual({ defaultDays: 1, maxDays: 3, issueDayCounts: true });
    expect(national.supplyDays).toEqual({ general: 7, emergency: 3, longerNeedsReason: true });
    expect(national.longTermRx).toMatchObject({ normalMaxDays: 28, stableMaxDays: 84, assessmentAboveDays: 28 });
    expect(national.longTermRx.excludedDrugClasses).toContain("antimicrobial");
    expect(national.licenceUploadDeadline).toEqual({ workingDays: 7, calendar: "CN" });
    expect(national.retention.prescriptionYears).toEqual({
      ordinary: 1,
      emergency: 1,
      paediatric: 1,
      medical_toxic: 2,
      psychotropic_ii: 2,
      narcotic: 3,
      psychotropic_i: 3,
    });
    expect(national.firstVisit).toBe("banned"); // CON-02: Yinchuan does not override (§9)
  });
});

describe("XC-08: resolved profiles are plain frozen data", () => {
  it("XC-08: every profile, and everything inside it, is frozen", () => {
    const unfrozen: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value !== "object" || value === null) return;
      if (!Object.isFrozen(value)) unfrozen.push(path);
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    for (const p of listProfiles()) walk(p, p.version);
    expect(unfrozen).toEqual([]);
    expect(Object.isFrozen(listProfiles())).toBe(true);
  });

  it("XC-08: a profile is plain JSON data (survives a JSON round trip unchanged)", () => {
    for (const p of listProfiles()) expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it("XC-08: mutating a profile fails", () => {
    const p = profileAt("guangxi", ON);
    expect(() => {
      (p.settings.dataResidency.allowedAreas as string[]).push("CN-GD");
    }).toThrow(TypeError);
  });
});

describe("IDN-03: step-up factors", () => {
  it("IDN-03: from 2026-12-08 (Beijing) every jurisdiction accepts a passkey with user verification or a face match, not a password", () => {
    for (const j of JURISDICTIONS) {
      expect(stepUpFactors(profileAt(j, "2026-12-08T00:00:00+08:00"))).toEqual(["webauthn-uv", "face-match"]);
      expect(stepUpFactors(profileAt(j, "2026-12-07T23:59:59+08:00"))).toEqual(["password", "webauthn-uv", "face-match"]);
    }
  });

  it("IDN-03: a decision recorded under version 1 replays with the factors version 1 accepted (XC-08)", () => {
    expect(stepUpFactors(profileByVersion("national@2026-01-01#1"))).toContain("password");
    expect(profileByVersion("national@2026-01-01#1").settings.stepUpFactors).toBeUndefined();
  });
});

describe("XC-08: published versions never change", () => {
  it("XC-08: every published version still resolves to the same content", () => {
    const byVersion = new Map(listProfiles().map((p) => [p.version, p]));
    for (const { version, sha256 } of PUBLISHED_VERSIONS) {
      const profile = byVersion.get(version);
      expect(profile, `${version} disappeared`).toBeDefined();
      expect(fingerprint(profile), `${version} changed: publish a new version instead`).toBe(sha256);
    }
  });

  it("XC-08: every shipped version is recorded as published (a failure shows the line to append)", () => {
    const shipped = listProfiles().map((p) => ({ version: p.version, sha256: fingerprint(p) }));
    expect(shipped).toEqual(PUBLISHED_VERSIONS);
  });
});
