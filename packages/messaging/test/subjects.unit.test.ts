import { describe, expect, it } from "vitest";
import { subjectMatches } from "../src/index.js";

describe("subjectMatches (NATS wildcards)", () => {
  it.each([
    ["ihp.identity.v1.InstitutionRegistered", "ihp.identity.v1.InstitutionRegistered", true],
    ["ihp.identity.v1.*", "ihp.identity.v1.InstitutionRegistered", true],
    ["ihp.*.v1.InstitutionRegistered", "ihp.identity.v1.InstitutionRegistered", true],
    ["ihp.identity.>", "ihp.identity.v1.InstitutionRegistered", true],
    ["ihp.>", "ihp.identity", true],
    ["ihp.identity.>", "ihp.identity", false],
    ["ihp.identity.v1.*", "ihp.identity.v1", false],
    ["ihp.identity.v1.*", "ihp.identity.v1.A.B", false],
    ["ihp.identity.v1.A", "ihp.identity.v1.AB", false],
    ["ihp.consult.>", "ihp.identity.v1.A", false],
    ["ihp.>.v1", "ihp.identity.v1", false],
  ])("%s ~ %s → %s", (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});
