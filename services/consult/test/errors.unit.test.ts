import { join } from "node:path";
import { createErrorCatalog, isPlatformErrorCode, statusForKind } from "@ihp/platform";
import { documentedErrors, errorTableRows } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { CONSULT_ERRORS } from "../src/index.js";

describe("ERRORS.md", () => {
  it("XC-02: documents every code with its status, rule and both texts, exactly as the code has them", () => {
    const statusOf = (kind: Parameters<typeof statusForKind>[0]): number => Number(statusForKind(kind));
    expect(documentedErrors(join(import.meta.dirname, "..", "ERRORS.md"))).toEqual(errorTableRows(CONSULT_ERRORS, statusOf));
  });

  it("can be merged into the gateway's catalog (no platform code redefined, identity's codes left to identity)", () => {
    const catalog = createErrorCatalog(CONSULT_ERRORS);
    expect(catalog("FIRST_VISIT_NOT_ALLOWED").zh).toContain("实体医院");
    expect(Object.keys(CONSULT_ERRORS).filter(isPlatformErrorCode)).toEqual([]);
    expect(Object.keys(CONSULT_ERRORS)).not.toContain("OUT_OF_SCOPE");
    expect(Object.keys(CONSULT_ERRORS)).not.toContain("HUMAN_CLINICIAN_REQUIRED");
  });
});
