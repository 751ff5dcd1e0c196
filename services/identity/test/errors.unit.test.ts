import { join } from "node:path";
import { createErrorCatalog, statusForKind } from "@ihp/platform";
import { documentedErrors, errorTableRows } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { IDENTITY_ERRORS } from "../src/index.js";

describe("ERRORS.md", () => {
  it("XC-02: documents every code with its status, rule and both texts, exactly as the code has them", () => {
    const statusOf = (kind: Parameters<typeof statusForKind>[0]): number => Number(statusForKind(kind));
    expect(documentedErrors(join(import.meta.dirname, "..", "ERRORS.md"))).toEqual(errorTableRows(IDENTITY_ERRORS, statusOf));
  });

  it("can be merged into the gateway's catalog (no platform code redefined)", () => {
    const catalog = createErrorCatalog(IDENTITY_ERRORS);
    expect(catalog("UNKNOWN_SUBJECT_CODE").zh).toContain("诊疗科目");
  });
});
