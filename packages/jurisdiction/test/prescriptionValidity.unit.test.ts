import { describe, expect, it } from "vitest";

import { prescriptionLastValidDay, profileAt } from "@ihp/jurisdiction";
import { expectJurisdictionError } from "./support/expectError.js";

const national = profileAt("national", "2026-06-01");

describe("RX-06: prescription validity (Rx Measures art. 18)", () => {
  it("RX-06: valid on the day of issue only, by default", () => {
    expect(prescriptionLastValidDay(national, "2026-03-10")).toBe("2026-03-10");
  });

  it("RX-06: a noted validity of up to 3 days counts the day of issue", () => {
    expect(prescriptionLastValidDay(national, "2026-03-10", 3)).toBe("2026-03-12");
    expect(prescriptionLastValidDay(national, "2026-02-27", 3)).toBe("2026-03-01");
  });

  it("RX-06: more than 3 days, or less than 1, is refused", () => {
    expectJurisdictionError(() => prescriptionLastValidDay(national, "2026-03-10", 4), "INVALID_ARGUMENT");
    expectJurisdictionError(() => prescriptionLastValidDay(national, "2026-03-10", 0), "INVALID_ARGUMENT");
  });
});
