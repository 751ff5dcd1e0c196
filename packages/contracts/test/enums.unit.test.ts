import { describe, expect, expectTypeOf, it } from "vitest";
import { enumName, enumValue } from "../src/enums.js";
import { ErasureStatus } from "../src/identity.js";

describe("proto enums and their names (proto/README.md)", () => {
  it("a value's name drops the prefix; UNSPECIFIED and UNRECOGNIZED have none", () => {
    expect(enumName("ERASURE_STATUS_", ErasureStatus.ERASURE_STATUS_COMPLETE)).toBe("COMPLETE");
    expect(enumName("ERASURE_STATUS_", ErasureStatus.ERASURE_STATUS_UNSPECIFIED)).toBeNull();
    expect(enumName("ERASURE_STATUS_", ErasureStatus.UNRECOGNIZED)).toBeNull();
    expectTypeOf(enumName("ERASURE_STATUS_", ErasureStatus.ERASURE_STATUS_COMPLETE as ErasureStatus)).toEqualTypeOf<"INCOMPLETE" | "COMPLETE" | null>();
  });

  it("a name gives its value, and a name the enum lacks is a compile error", () => {
    expect(enumValue(ErasureStatus, "ERASURE_STATUS_", "INCOMPLETE")).toBe(ErasureStatus.ERASURE_STATUS_INCOMPLETE);
    // @ts-expect-error "PARTIAL" is not an ErasureStatus name
    expect(() => enumValue(ErasureStatus, "ERASURE_STATUS_", "PARTIAL")).toThrow("ERASURE_STATUS_PARTIAL is not a value of this enum");
  });
});
