import { describe, expect, it } from "vitest";
import { uuidv7 } from "@ihp/eventsourcing";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7 (RFC 9562)", () => {
  it("has version 7, the RFC variant, and the given Unix milliseconds in its first 48 bits", () => {
    const at = Date.parse("2026-12-07T08:30:00.123Z");
    const id = uuidv7(at);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts by creation time, and ids of the same millisecond differ in their random bits", () => {
    const earlier = uuidv7(1_000);
    const later = uuidv7(1_001);
    expect(earlier < later).toBe(true);
    const same = new Set(Array.from({ length: 1_000 }, () => uuidv7(5_000)));
    expect(same.size).toBe(1_000);
    for (const id of same) expect(id).toMatch(V7);
  });

  it("writes a time before 2^32 ms with its leading zeros (the first group stays 8 digits)", () => {
    expect(uuidv7(1).slice(0, 13)).toBe("00000000-0001");
  });
});
