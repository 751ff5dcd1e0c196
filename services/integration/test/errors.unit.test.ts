import { join } from "node:path";
import { createErrorCatalog, statusForKind } from "@ihp/platform";
import { documentedErrors, errorTableRows } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { INTEGRATION_ERRORS } from "../src/index.js";

describe("ERRORS.md", () => {
  it("XC-02: documents every code with its status, rule and both texts, exactly as the code has them", () => {
    const statusOf = (kind: Parameters<typeof statusForKind>[0]): number => Number(statusForKind(kind));
    expect(documentedErrors(join(import.meta.dirname, "..", "ERRORS.md"))).toEqual(errorTableRows(INTEGRATION_ERRORS, statusOf));
  });

  it("can be merged into the gateway's catalog (no platform code redefined)", () => {
    const catalog = createErrorCatalog(INTEGRATION_ERRORS);
    expect(catalog("MESSAGE_ID_CONFLICT").zh).toContain("消息编号");
  });
});
