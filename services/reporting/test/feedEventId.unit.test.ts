import { describe, expect, it } from "vitest";
import { feedEventId } from "../src/application/feedEventId.js";

describe("feed event ids", () => {
  it("XC-01: are the same for the same source event and differ between source events", () => {
    const source = "0195a3c4-1111-7000-8000-000000000001";
    expect(feedEventId(source)).toBe(feedEventId(source));
    expect(feedEventId(source)).not.toBe(feedEventId("0195a3c4-1111-7000-8000-000000000002"));
  });

  it("XC-01: are lower-case RFC 9562 version 8 (name-based, SHA-256) UUIDs", () => {
    const id = feedEventId("source");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("XC-01: are stable across releases (a changed derivation would re-report every redelivered event)", () => {
    expect(feedEventId("0195a3c4-1111-7000-8000-000000000001")).toBe("59567215-ceb5-8bda-96da-8d05a1f2bf3f");
  });
});
