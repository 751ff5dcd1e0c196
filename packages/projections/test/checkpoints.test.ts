import { describe, expect, it } from "vitest";

import { decodePosition, encodePosition } from "../src/index.js";

describe("checkpoint positions as text", () => {
  it("round-trips positions of any size", () => {
    for (const position of [0n, 1n, 2n ** 63n - 1n, 2n ** 64n, 2n ** 128n + 12_345n]) {
      expect(decodePosition(encodePosition(position))).toBe(position);
    }
    expect(encodePosition(2n ** 64n)).toBe("18446744073709551616");
  });

  it("refuses text that is not a canonical decimal position", () => {
    for (const text of ["", "-1", "01", "1e3", " 1", "0x10", "1.0"]) {
      expect(() => decodePosition(text), text).toThrow(RangeError);
    }
  });

  it("refuses negative positions", () => {
    expect(() => encodePosition(-1n)).toThrow(RangeError);
  });
});
