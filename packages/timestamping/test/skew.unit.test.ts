import { describe, expect, it } from "vitest";
import { checkClockSkew } from "../src/index.js";

describe("clock skew against the TSA (REC-07)", () => {
  const tsaTime = new Date("2026-05-01T02:00:00.000Z");
  const at = (offsetMs: number): Date => new Date(tsaTime.getTime() + offsetMs);

  it("REC-07: exactly the threshold is allowed either way; one millisecond more stops signing", () => {
    expect(() => checkClockSkew(tsaTime, at(30_000), 30_000)).not.toThrow();
    expect(() => checkClockSkew(tsaTime, at(-30_000), 30_000)).not.toThrow();
    expect(() => checkClockSkew(tsaTime, at(30_001), 30_000)).toThrow(expect.objectContaining({ code: "TIMESTAMP_CLOCK_SKEW" }));
    expect(() => checkClockSkew(tsaTime, at(-30_001), 30_000)).toThrow(expect.objectContaining({ code: "TIMESTAMP_CLOCK_SKEW" }));
  });

  it("a negative or infinite threshold is a configuration error", () => {
    expect(() => checkClockSkew(tsaTime, tsaTime, -1)).toThrow(RangeError);
    expect(() => checkClockSkew(tsaTime, tsaTime, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
