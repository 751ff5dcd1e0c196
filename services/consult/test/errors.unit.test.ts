import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createErrorCatalog, isPlatformErrorCode, statusForKind } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { CONSULT_ERRORS } from "../src/index.js";

const ROW = /^\| `([A-Z_]+)` \| (\d+) [A-Z_]+ \| ([^|]+) \| [^|]+ \| ([^|]+) \| ([^|]+) \|$/;

describe("ERRORS.md", () => {
  it("XC-02: documents every code with its status, rule and both texts, exactly as the code has them", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "ERRORS.md"), "utf8");
    const documented = text
      .split("\n")
      .map((line) => ROW.exec(line))
      .filter((match) => match !== null)
      .map(([, code, status, rule, en, zh]) => ({ code, status: Number(status), rule: rule!.trim(), en: en!.trim(), zh: zh!.trim() }));
    const expected = Object.entries(CONSULT_ERRORS).map(([code, entry]) => ({
      code,
      status: Number(statusForKind(entry.kind)),
      rule: entry.ruleId ?? "—",
      en: entry.en,
      zh: entry.zh,
    }));
    expect(documented).toEqual(expected);
  });

  it("can be merged into the gateway's catalog (no platform code redefined, identity's codes left to identity)", () => {
    const catalog = createErrorCatalog(CONSULT_ERRORS);
    expect(catalog("FIRST_VISIT_NOT_ALLOWED").zh).toContain("实体医院");
    expect(Object.keys(CONSULT_ERRORS).filter(isPlatformErrorCode)).toEqual([]);
    expect(Object.keys(CONSULT_ERRORS)).not.toContain("OUT_OF_SCOPE");
    expect(Object.keys(CONSULT_ERRORS)).not.toContain("HUMAN_CLINICIAN_REQUIRED");
  });
});
