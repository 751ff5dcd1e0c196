import { join } from "node:path";
import { createErrorCatalog, isPlatformErrorCode, statusForKind } from "@ihp/platform";
import { documentedErrors, errorTableRows } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { RECORDS_ERRORS } from "../../src/domain/index.js";

describe("ERRORS.md", () => {
  it("XC-02: documents every code with its status, rule and both texts, exactly as the code has them", () => {
    const statusOf = (kind: Parameters<typeof statusForKind>[0]): number => Number(statusForKind(kind));
    expect(documentedErrors(join(import.meta.dirname, "..", "..", "ERRORS.md"))).toEqual(errorTableRows(RECORDS_ERRORS, statusOf));
  });

  it("can be merged into the gateway's catalog (no platform code redefined)", () => {
    expect(createErrorCatalog(RECORDS_ERRORS)("RETENTION_NOT_OVER").zh).toContain("保存期限");
    expect(Object.keys(RECORDS_ERRORS).filter(isPlatformErrorCode)).toEqual([]);
  });
});
