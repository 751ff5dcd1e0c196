import { DomainError, START } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseFeedPosition } from "../src/application/feedPosition.js";

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("feed positions and cursors", () => {
  it("REP-04: a position is a decimal string; empty means the beginning", () => {
    expect(parseFeedPosition("")).toBe(START);
    expect(parseFeedPosition("42")).toBe(42n);
    expect(parseFeedPosition("123456789012345678901234567890")).toBe(123456789012345678901234567890n);
    for (const bad of ["-1", "1.5", "01", "abc", " 1", "1e3"]) expect(codeOf(() => parseFeedPosition(bad))).toBe("INVALID_FEED_POSITION");
  });

  it("REP-04: cursors round-trip and anything else is INVALID_CURSOR", () => {
    expect(decodeCursor("")).toBe(START);
    expect(decodeCursor(encodeCursor(7n))).toBe(7n);
    expect(encodeCursor(7n)).not.toContain("7");
    const forged = Buffer.from("feed:v1:-5").toString("base64url");
    for (const bad of ["7", "not a cursor!", forged, `${encodeCursor(7n)}=`]) expect(codeOf(() => decodeCursor(bad))).toBe("INVALID_CURSOR");
  });
});
