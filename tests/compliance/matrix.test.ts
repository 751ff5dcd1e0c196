import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { buildMatrix, errorCodesByRule, RULE_ID, testTitles } from "./matrix.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("compliance matrix (docs/compliance-matrix.md)", () => {
  it("is what the generator builds from docs/rules.json, the code and the tests (else run: npm run compliance)", () => {
    const committed = readFileSync(join(root, "docs", "compliance-matrix.md"), "utf8");
    const fresh = buildMatrix(root);
    if (committed !== fresh) {
      // A readable pointer first; the diff of toBe follows.
      console.error("docs/compliance-matrix.md is out of date. Regenerate it with: npm run compliance");
    }
    expect(committed, "docs/compliance-matrix.md is out of date; regenerate it with: npm run compliance").toBe(fresh);
  });

  it("builds the same text twice (sorted, no time stamps)", () => {
    expect(buildMatrix(root)).toBe(buildMatrix(root));
  });

  it("lists every catalogue rule once, with sources, and shows rules without code or tests instead of hiding them", () => {
    const catalogue = JSON.parse(readFileSync(join(root, "docs", "rules.json"), "utf8")) as {
      rules: { id: string; rule: string; sources: string[] }[];
    };
    const ids = catalogue.rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of catalogue.rules) {
      expect(rule.id).toMatch(new RegExp(`^${RULE_ID.source}$`));
      expect(rule.rule.length).toBeGreaterThan(10);
    }
    const matrix = buildMatrix(root);
    for (const id of ids) expect(matrix).toContain(`### ${id}\n`);
    // A rule without code or tests appears as missing, not vanishes: the summary's counts equal the sections marked so.
    const sections = matrix.split(/\n### /).slice(1);
    expect(sections).toHaveLength(ids.length);
    for (const [label, marker] of [["With no enforcing code", "- Enforcing code: **— none —**"], ["With no test", "- Tests: **— none —**"]] as const) {
      const counted = Number(new RegExp(`\\*\\*${label}: (\\d+)\\*\\*`).exec(matrix)?.[1]);
      expect(counted, label).toBe(sections.filter((section) => section.includes(marker)).length);
    }
  });

  it("counts only test titles that run: .skip and .todo titles are left out, .skipIf and .each kept", () => {
    const titles = testTitles(`
      describe("RX-04 drugs", () => {
        it("refuses a narcotic (RX-04)", () => {});
        it.skip('skipped RX-05', () => {});
        it.todo("later RX-06");
        it.skipIf(!process.env.CI)(\`token RX-07\`, () => {});
        test.each([1, 2])("case %s RX-08", () => {});
      });`);
    expect(titles).toEqual(["RX-04 drugs", "refuses a narcotic (RX-04)", "token RX-07", "case %s RX-08"]);
  });

  it("reads rule ids of error-table entries in both table styles, ignoring comments", () => {
    const byRule = errorCodesByRule(`
      // SPECIAL_CONTROL_DRUG: mentions RX-01 in a comment only
      export const ERRORS = {
        SPECIAL_CONTROL_DRUG: e("FAILED_PRECONDITION", "RX-04", "en", "zh"),
        // the guardian rules of RX-05 and RX-01's signer rule are told apart below
        GUARDIAN_REQUIRED: {
          kind: "FAILED_PRECONDITION",
          ruleId: "RX-05",
        },
        REQUEST_ID_REQUIRED: { kind: "INVALID_ARGUMENT", ruleId: undefined },
      };`);
    expect(Object.fromEntries(byRule)).toEqual({ "RX-04": ["SPECIAL_CONTROL_DRUG"], "RX-05": ["GUARDIAN_REQUIRED"] });
  });
});
