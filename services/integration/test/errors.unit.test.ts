import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createErrorCatalog, statusForKind } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { INTEGRATION_ERRORS } from "../src/index.js";

const ROW = /^\| `([A-Z_]+)` \| (\d+) [A-Z_]+ \| ([^|]+) \| [^|]+ \| ([^|]+) \| ([^|]+) \|$/;

describe("ERRORS.md", () => {
  it("XC-02: documents every code with its status, rule and both texts, exactly as the code has them", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "ERRORS.md"), "utf8");
    const documented = text
      .split("\n")
      .map((line) => ROW.exec(line))
      .filter((match) => match !== null)
      .map(([, code, status, rule, en, zh]) => ({ code, status: Number(status), rule: rule!.trim(), en: en!.trim(), zh: zh!.trim() }));
    const expected = Object.entries(INTEGRATION_ERRORS).map(([code, entry]) => ({
      code,
      status: Number(statusForKind(entry.kind)),
      rule: entry.ruleId ?? "—",
      en: entry.en,
      zh: entry.zh,
    }));
    expect(documented).toEqual(expected);
  });

  it("can be merged into the gateway's catalog (no platform code redefined)", () => {
    const catalog = createErrorCatalog(INTEGRATION_ERRORS);
    expect(catalog("MESSAGE_ID_CONFLICT").zh).toContain("消息编号");
  });
});
