import { describe, expect, it } from "vitest";
import { DomainError, type ErrorEntry, isRequestId, refusalsOf } from "@ihp/eventsourcing";

const TABLE = {
  SUPPLY_EXCEEDS_LIMIT: { kind: "INVALID_ARGUMENT", ruleId: "RX-07", en: "The supply is too long.", zh: "处方用量过长。" },
  INVALID_TEXT: { kind: "INVALID_ARGUMENT", ruleId: undefined, en: "A text is not valid.", zh: "文本无效。" },
} as const satisfies Record<string, ErrorEntry>;

describe("XC-02: one refusal factory for every service's error table", () => {
  const refusal = refusalsOf(TABLE);

  it("XC-02: code, kind, message and rule id all come from the table", () => {
    const error = refusal("SUPPLY_EXCEEDS_LIMIT");
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "SUPPLY_EXCEEDS_LIMIT", kind: "INVALID_ARGUMENT", message: "The supply is too long.", ruleId: "RX-07" });
    expect(refusal("INVALID_TEXT").ruleId).toBeUndefined();
  });

  it("RX-07: a detail is appended to the message, the code and kind stay", () => {
    expect(refusal("SUPPLY_EXCEEDS_LIMIT", "8 days, limit 7")).toMatchObject({
      code: "SUPPLY_EXCEEDS_LIMIT",
      message: "The supply is too long. (8 days, limit 7)",
    });
  });
});

describe("the request-id rule INVALID_REQUEST_ID words", () => {
  it("accepts 8–128 letters, digits or . _ : -, nothing else", () => {
    for (const id of ["0195a1b2-0000-7000-8000-0000000000aa", "req.1:_-", "r".repeat(128)]) expect(isRequestId(id), id).toBe(true);
    for (const id of ["", "r-1", "r".repeat(129), "req 0001", "req/0001", "请求编号00000001"]) expect(isRequestId(id), id).toBe(false);
  });
});
