import { readFile } from "node:fs/promises";
import { isPlatformErrorCode } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { PRESCRIPTION_ERRORS } from "../src/domain/errors.js";

describe("error table", () => {
  it("ERRORS.md lists exactly the codes of the table with the same kind, rule and texts", async () => {
    const markdown = await readFile(new URL("../ERRORS.md", import.meta.url), "utf8");
    const rows = markdown
      .split("\n")
      .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
      .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
    const documented = Object.fromEntries(rows.map(([code = "", kind, rule, en, zh]) => [code.replace(/`/g, ""), { kind, rule, en, zh }]));
    const expected = Object.fromEntries(
      Object.entries(PRESCRIPTION_ERRORS).map(([code, entry]) => [code, { kind: entry.kind, rule: entry.ruleId ?? "—", en: entry.en.replace(/\|/g, "\\|"), zh: entry.zh }]),
    );
    expect(documented).toEqual(expected);
  });

  it("redefines no platform code", () => {
    for (const code of Object.keys(PRESCRIPTION_ERRORS)) expect(isPlatformErrorCode(code)).toBe(false);
  });
});
