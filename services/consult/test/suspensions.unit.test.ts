import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { requireNotSuspended, type SuspensionPort } from "../src/application/suspensions.js";

const answering = (scopeKinds: string[]): SuspensionPort => ({ active: () => Promise.resolve(scopeKinds.map((scopeKind) => ({ scopeKind }))) });
const check = { institutionId: "inst-1", clinicianId: "physician-1", departmentCode: "03.07" };

async function codeOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return error instanceof DomainError ? `${error.code} ${error.kind} ${error.ruleId ?? ""}` : String(error);
}

describe("REP-06 consult refuses what reporting suspended", () => {
  it("REP-06: a suspended clinician or department is refused with reporting's code; nothing suspended passes", async () => {
    expect(await codeOf(requireNotSuspended(answering(["CLINICIAN"]), check))).toBe("CLINICIAN_SUSPENDED FAILED_PRECONDITION REP-06");
    expect(await codeOf(requireNotSuspended(answering(["DEPARTMENT"]), check))).toBe("DEPARTMENT_SUSPENDED FAILED_PRECONDITION REP-06");
    await expect(requireNotSuspended(answering([]), check)).resolves.toBeUndefined();
  });

  it("REP-06: when reporting cannot answer, the act fails (deny by default); without a reporting service there is no check", async () => {
    const unreachable: SuspensionPort = { active: () => Promise.reject(new DomainError("UNAVAILABLE", "FAILED_PRECONDITION", "reporting is unreachable")) };
    expect(await codeOf(requireNotSuspended(unreachable, check))).toBe("UNAVAILABLE FAILED_PRECONDITION ");
    await expect(requireNotSuspended(undefined, check)).resolves.toBeUndefined();
  });
});
