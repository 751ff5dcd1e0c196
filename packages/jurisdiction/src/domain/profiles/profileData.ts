import type { ProfileData } from "../types.js";
import { CHONGQING_2026_01_01 } from "./chongqing.js";
import { GUANGXI_2026_01_01 } from "./guangxi.js";
import { NATIONAL_2026_01_01 } from "./national.js";
import { NATIONAL_2026_12_08 } from "./national20261208.js";
import { TIANJIN_2026_01_01 } from "./tianjin.js";
import { YINCHUAN_2026_01_01 } from "./yinchuan.js";

/**
 * Every published version, oldest first. Append only: a new version gets an effectiveFrom later than every version
 * it affects (a national one affects all jurisdictions), and its fingerprint goes into test/publishedVersions.ts.
 *
 * 2026-01-01 is the platform's rule-set baseline, not a legal in-force date: the profiles combine texts from 2007 to
 * 2022 with two drafts that have none (Guangxi, Tianjin), so no earlier date is true for the whole of any profile.
 */
export const PROFILE_DATA: ProfileData = {
  national: [
    { effectiveFrom: "2026-01-01", settings: NATIONAL_2026_01_01 },
    // IDN-03: step-up factors (issue 15); reaches every jurisdiction as its version 2.
    { effectiveFrom: "2026-12-08", settings: NATIONAL_2026_12_08 },
  ],
  regional: {
    tianjin: [{ effectiveFrom: "2026-01-01", overrides: TIANJIN_2026_01_01 }],
    guangxi: [{ effectiveFrom: "2026-01-01", overrides: GUANGXI_2026_01_01 }],
    chongqing: [{ effectiveFrom: "2026-01-01", overrides: CHONGQING_2026_01_01 }],
    yinchuan: [{ effectiveFrom: "2026-01-01", overrides: YINCHUAN_2026_01_01 }],
  },
};
