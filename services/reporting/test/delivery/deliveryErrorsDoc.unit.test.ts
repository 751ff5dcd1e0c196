import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// XC-02 for delivery: every code the delivery code refuses, records or logs is a row of ERRORS.md's delivery table,
// and every row is a code the delivery code uses.

const SERVICE = join(import.meta.dirname, "..", "..");
const FOLDERS = ["src/domain/delivery", "src/application/delivery", "src/adapters/delivery"];

/** Codes as the delivery code writes them: refusals, HTTP refusals, failure reasons, log codes. */
const CODE_PATTERNS = [/refusal\("([A-Z_]+)"/g, /HttpRefusal\(\d+, "([A-Z_]+)"/g, /refuse\(\d+, "([A-Z_]+)"/g, /RegulatorUnreachable\("([A-Z_]+)"\)/g, /code: "([A-Z_]+)"/g, /reason: "([A-Z_]+)"/g, /"(REGULATOR_[A-Z_]+)"/g, /\? "(NO_ACK)"/g, /new DomainError\("([A-Z_]+)"/g];

function codesInSource(): Set<string> {
  const codes = new Set<string>();
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(SERVICE, folder))) {
      const text = readFileSync(join(SERVICE, folder, file), "utf8");
      for (const pattern of CODE_PATTERNS) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
    }
  }
  return codes;
}

function documented(): Set<string> {
  // The delivery section only: up to the next heading (later sections document other jobs' codes).
  const section = (readFileSync(join(SERVICE, "ERRORS.md"), "utf8").split("## Regulator delivery (REP-04)")[1] ?? "").split(/^## /m)[0] ?? "";
  return new Set([...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]!));
}

describe("ERRORS.md, regulator delivery", () => {
  it("REP-04: documents exactly the codes the delivery code refuses, records and logs", () => {
    const inSource = codesInSource();
    // The platform's own code for an internal failure (packages/platform/ERRORS.md), named in REGULATOR_ENDPOINT_FAILED's row.
    inSource.delete("UNAVAILABLE");
    // The platform's denial (denialError) for a role the rule does not allow.
    inSource.add("ROLE_NOT_ALLOWED");
    expect([...documented()].sort()).toEqual([...inSource].sort());
  });
});
