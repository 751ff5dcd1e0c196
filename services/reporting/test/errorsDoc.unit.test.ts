import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  feedSourceInvalid,
  institutionJurisdictionUnknown,
  institutionNotYetKnown,
  isTransientFeedRefusal,
  prescriptionNotYetKnown,
} from "../src/domain/feed/feedErrors.js";
import { REPORTING_ERRORS } from "../src/errorCatalog.js";

describe("ERRORS.md", () => {
  it("XC-02: documents exactly the codes callers can receive, with the statuses and texts the code uses", () => {
    const markdown = readFileSync(join(import.meta.dirname, "..", "ERRORS.md"), "utf8");
    const section = markdown.split("## Returned to callers")[1]?.split("\n## ")[0] ?? "";
    const documented = new Map(
      section
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => {
          const [code, grpcStatus, , en, zh] = line.slice(1, -1).split("|").map((cell) => cell.trim());
          return [code!.replaceAll("`", ""), { status: Number.parseInt(grpcStatus!, 10), en, zh }] as const;
        }),
    );
    expect(documented).toEqual(new Map(Object.entries(REPORTING_ERRORS)));
  });
});

describe("ERRORS.md, feed consumer codes", () => {
  it("REP-04: documents every code the feed deciders refuse with, with its kind and rule id", () => {
    const markdown = readFileSync(join(import.meta.dirname, "..", "ERRORS.md"), "utf8");
    const section = markdown.split("## Feed consumer")[1] ?? "";
    const rows = new Map(
      section
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => {
          const [code, kind] = line.slice(1, -1).split("|").map((cell) => cell.trim());
          return [code!.replaceAll("`", ""), kind] as const;
        }),
    );
    const refusals = [institutionNotYetKnown(), prescriptionNotYetKnown(), institutionJurisdictionUnknown(), feedSourceInvalid("x")];
    for (const error of refusals) expect(rows.get(error.code), error.code).toBe(`${error.kind} (${error.ruleId})`);
    expect(isTransientFeedRefusal(prescriptionNotYetKnown())).toBe(true);
  });
});
