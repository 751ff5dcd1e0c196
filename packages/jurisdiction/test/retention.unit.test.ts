import { describe, expect, it } from "vitest";

import { isRetentionOver, profileAt, type RetentionClass, retentionUntil } from "@ihp/jurisdiction";

const national = profileAt("national", "2030-01-01");
const yinchuan = profileAt("yinchuan", "2030-01-01");
const record: RetentionClass = { kind: "clinicalRecord" };
const media: RetentionClass = { kind: "media" };

describe("REC-02: clinical records, 15 years from the last visit (Yinchuan 30)", () => {
  it("REC-02: a 2010 record of a patient seen again in 2024 cannot be purged before 2039", () => {
    const lastVisit = "2024-05-10"; // the record itself dates from 2010; only the last visit counts
    expect(retentionUntil(national, record, lastVisit)).toBe("2039-05-10");
    expect(isRetentionOver(national, record, lastVisit, "2025-05-11")).toBe(false); // 15 years after 2010
    expect(isRetentionOver(national, record, lastVisit, "2039-05-10")).toBe(false);
    expect(isRetentionOver(national, record, lastVisit, "2039-05-11")).toBe(true);
  });

  it("REC-02: Yinchuan keeps the same record 30 years", () => {
    expect(retentionUntil(yinchuan, record, "2024-05-10")).toBe("2054-05-10");
    expect(isRetentionOver(yinchuan, record, "2024-05-10", "2040-01-01")).toBe(false);
  });

  it("REC-02: a Feb 29 last visit ends on Feb 28 (Civil Code art. 202)", () => {
    expect(retentionUntil(national, record, "2024-02-29")).toBe("2039-02-28");
    expect(retentionUntil(national, record, "2025-02-28")).toBe("2040-02-28");
  });

  it("REC-02: Guangxi, Tianjin and Chongqing keep 15 years", () => {
    for (const j of ["tianjin", "guangxi", "chongqing"] as const) {
      expect(retentionUntil(profileAt(j, "2030-01-01"), record, "2024-05-10")).toBe("2039-05-10");
    }
  });
});

describe("REC-03: consult media, 3 years from consult end", () => {
  it("REC-03: 3 years everywhere, Yinchuan included (its ≥3 months is subsumed)", () => {
    for (const p of [national, yinchuan, profileAt("guangxi", "2030-01-01")]) {
      expect(retentionUntil(p, media, "2026-08-31")).toBe("2029-08-31");
      expect(isRetentionOver(p, media, "2026-08-31", "2029-08-31")).toBe(false);
      expect(isRetentionOver(p, media, "2026-08-31", "2029-09-01")).toBe(true);
    }
  });
});

describe("PHA-09: online prescriptions keep max(REC-02, Rx Measures art. 50)", () => {
  it.each(["ordinary", "emergency", "paediatric", "medical_toxic", "psychotropic_ii", "narcotic", "psychotropic_i"] as const)(
    "PHA-09: a %s prescription follows the clinical-record period",
    (prescriptionClass) => {
      const rx: RetentionClass = { kind: "prescription", prescriptionClass };
      expect(retentionUntil(national, rx, "2026-03-01")).toBe("2041-03-01");
      expect(retentionUntil(yinchuan, rx, "2026-03-01")).toBe("2056-03-01");
    },
  );
});
