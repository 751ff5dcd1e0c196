import { describe, expect, it } from "vitest";

import { isStorageRegionAllowed, profileAt } from "@ihp/jurisdiction";

const at = "2026-06-01";

describe("XC-04: data residency allow-lists", () => {
  it("XC-04: national default: any mainland province, never abroad, Hong Kong, Macao or Taiwan", () => {
    const p = profileAt("national", at);
    for (const ok of ["CN", "CN-BJ", "CN-GD", "CN-GX", "cn-sh"]) expect(isStorageRegionAllowed(p, ok)).toBe(true);
    for (const no of ["CN-HK", "CN-MO", "CN-TW", "HK", "SG", "US", "JP-13", ""]) {
      expect(isStorageRegionAllowed(p, no)).toBe(false);
    }
  });

  it("XC-04: Guangxi: in Guangxi only", () => {
    const p = profileAt("guangxi", at);
    expect(isStorageRegionAllowed(p, "CN-GX")).toBe(true);
    for (const no of ["CN", "CN-GD", "CN-CQ", "HK"]) expect(isStorageRegionAllowed(p, no)).toBe(false);
  });

  it("XC-04: Chongqing: not outside Chongqing", () => {
    const p = profileAt("chongqing", at);
    expect(isStorageRegionAllowed(p, "CN-CQ")).toBe(true);
    for (const no of ["CN", "CN-SC", "CN-GX"]) expect(isStorageRegionAllowed(p, no)).toBe(false);
  });

  it("XC-04: Tianjin and Yinchuan use the mainland default", () => {
    for (const j of ["tianjin", "yinchuan"] as const) {
      const p = profileAt(j, at);
      expect([isStorageRegionAllowed(p, "CN-GD"), isStorageRegionAllowed(p, "CN-HK")]).toEqual([true, false]);
    }
  });
});
