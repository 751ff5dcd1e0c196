import { describe, expect, it } from "vitest";

import {
  createProfileRegistry,
  type JurisdictionCode,
  type JurisdictionSettings,
  listProfiles,
  PROFILE_DATA,
  type ProfileData,
  profileAt,
  profileByVersion,
} from "@ihp/jurisdiction";
import { expectJurisdictionError } from "./support/expectError.js";

const expectError = expectJurisdictionError;

const national1 = PROFILE_DATA.national[0]!.settings;
// A hypothetical later national rule set: 5-day general supply and 20-year records.
const national2: JurisdictionSettings = {
  ...national1,
  supplyDays: { ...national1.supplyDays, general: 5 },
  retention: { ...national1.retention, clinicalRecordYears: 20 },
};

/** Synthetic history: national changes on 2027-01-01; Guangxi adds a 30-day window on 2026-07-01. */
const history: ProfileData = {
  national: [
    { effectiveFrom: "2026-01-01", settings: national1 },
    { effectiveFrom: "2027-01-01", settings: national2 },
  ],
  regional: {
    ...PROFILE_DATA.regional,
    guangxi: [
      { effectiveFrom: "2026-01-01", overrides: { priorRecordWindow: { kind: "calendarMonths", months: 1 } } },
      { effectiveFrom: "2026-07-01", overrides: { priorRecordWindow: { kind: "days", days: 30 } } },
    ],
    yinchuan: [{ effectiveFrom: "2026-01-01", overrides: { retention: { clinicalRecordYears: 30 } } }],
  },
};

describe("XC-08: profileAt picks the version in effect", () => {
  it("XC-08: shipped profiles start on 2026-01-01 at 00:00 Beijing time", () => {
    for (const j of ["national", "tianjin", "guangxi", "chongqing", "yinchuan"] as const) {
      expect(profileAt(j, "2026-01-01").version).toBe(`${j}@2026-01-01#1`);
      expect(profileAt(j, new Date("2025-12-31T16:00:00Z")).version).toBe(`${j}@2026-01-01#1`);
      expect(profileAt(j, "2026-01-01T00:00:00+08:00").jurisdiction).toBe(j);
      expect(profileAt(j, "2026-12-07T23:59:59+08:00").version).toBe(`${j}@2026-01-01#1`);
      // IDN-03 (issue 15): the national step-up factors reach every jurisdiction as its version 2.
      expect(profileAt(j, "2031-05-05").version).toBe(`${j}@2026-12-08#2`);
    }
  });

  it("XC-08: before the first version: NO_PROFILE_IN_EFFECT", () => {
    expectError(() => profileAt("guangxi", "2025-12-31"), "NO_PROFILE_IN_EFFECT");
    expectError(() => profileAt("guangxi", "2025-12-31T15:59:59.999Z"), "NO_PROFILE_IN_EFFECT");
    expectError(() => profileAt("national", new Date("2025-12-31T23:59:59+08:00")), "NO_PROFILE_IN_EFFECT");
  });

  it("XC-08: the latest version whose effectiveFrom is not after `at`", () => {
    const registry = createProfileRegistry(history);
    expect(registry.profileAt("guangxi", "2026-06-30T23:59:59+08:00").version).toBe("guangxi@2026-01-01#1");
    expect(registry.profileAt("guangxi", "2026-07-01").version).toBe("guangxi@2026-07-01#2");
    expect(registry.profileAt("guangxi", "2026-12-31").settings.priorRecordWindow).toEqual({ kind: "days", days: 30 });
    expect(registry.profileAt("guangxi", "2027-01-01").version).toBe("guangxi@2027-01-01#3");
  });

  it("XC-08: a national change reaches every jurisdiction, unless it overrides that setting", () => {
    const registry = createProfileRegistry(history);
    const gx = registry.profileAt("guangxi", "2027-03-01");
    expect(gx.settings.supplyDays.general).toBe(5);
    expect(gx.settings.priorRecordWindow).toEqual({ kind: "days", days: 30 }); // Guangxi's own override stays
    expect(gx.baseVersion).toBe("national@2027-01-01#2");
    const yc = registry.profileAt("yinchuan", "2027-03-01");
    expect(yc.version).toBe("yinchuan@2027-01-01#2");
    expect(yc.settings.retention.clinicalRecordYears).toBe(30); // overridden key keeps Yinchuan's value
    expect(yc.settings.supplyDays.general).toBe(5);
    expect(yc.settings.retention.mediaYears).toBe(3); // sibling keys still come from national
    expect(registry.profileAt("tianjin", "2027-03-01").settings.retention.clinicalRecordYears).toBe(20);
  });

  it("XC-08: unknown jurisdiction and malformed instants are refused", () => {
    expectError(() => profileAt("shanghai" as JurisdictionCode, "2026-06-01"), "UNKNOWN_JURISDICTION");
    expectError(() => profileAt("national", "2026-02-30"), "INVALID_DATE");
    expectError(() => profileAt("national", "2026-06-01T10:00:00"), "INVALID_DATE"); // no offset: host-dependent
    expectError(() => profileAt("national", new Date(Number.NaN)), "INVALID_DATE");
  });
});

describe("XC-08: profileByVersion replays a recorded version", () => {
  it("XC-08: returns exactly the recorded version, even after later versions exist", () => {
    const registry = createProfileRegistry(history);
    const recorded = registry.profileAt("guangxi", "2026-03-15").version;
    const later = registry.profileAt("guangxi", "2027-03-15");
    expect(later.version).not.toBe(recorded);
    const replayed = registry.profileByVersion(recorded);
    expect(replayed.settings.priorRecordWindow).toEqual({ kind: "calendarMonths", months: 1 });
    expect(replayed.settings.supplyDays.general).toBe(7);
  });

  it("XC-08: shipped versions replay; unknown ones fail with UNKNOWN_PROFILE_VERSION", () => {
    for (const p of listProfiles()) expect(profileByVersion(p.version)).toBe(p);
    expectError(() => profileByVersion("guangxi@2026-01-01#2"), "UNKNOWN_PROFILE_VERSION");
    expectError(() => profileByVersion(""), "UNKNOWN_PROFILE_VERSION");
  });

  it("XC-08: listProfiles lists by jurisdiction, oldest first", () => {
    const registry = createProfileRegistry(history);
    expect(registry.listProfiles().map((p) => p.version)).toEqual([
      "national@2026-01-01#1",
      "national@2027-01-01#2",
      "tianjin@2026-01-01#1",
      "tianjin@2027-01-01#2",
      "guangxi@2026-01-01#1",
      "guangxi@2026-07-01#2",
      "guangxi@2027-01-01#3",
      "chongqing@2026-01-01#1",
      "chongqing@2027-01-01#2",
      "yinchuan@2026-01-01#1",
      "yinchuan@2027-01-01#2",
    ]);
  });
});

describe("XC-08: profile data is checked when resolved", () => {
  it("XC-08: versions out of order, bad dates and regions older than national are refused", () => {
    const outOfOrder: ProfileData = { ...history, national: [...history.national].reverse() };
    expectError(() => createProfileRegistry(outOfOrder), "INVALID_PROFILE_DATA");
    const badDate: ProfileData = { ...history, national: [{ effectiveFrom: "2026-13-01", settings: national1 }] };
    expectError(() => createProfileRegistry(badDate), "INVALID_PROFILE_DATA");
    const tooEarly: ProfileData = {
      ...history,
      regional: { ...history.regional, tianjin: [{ effectiveFrom: "2025-06-01", overrides: {} }] },
    };
    expectError(() => createProfileRegistry(tooEarly), "INVALID_PROFILE_DATA");
  });

  it("XC-08: a replaced tagged value keeps no field of the national one", () => {
    const registry = createProfileRegistry(history);
    expect(registry.profileAt("guangxi", "2026-08-01").settings.priorRecordWindow).toStrictEqual({ kind: "days", days: 30 });
  });
});
