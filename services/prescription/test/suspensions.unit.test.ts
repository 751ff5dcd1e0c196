import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { requireNotSuspended, type SuspensionPort } from "../src/application/suspensions.js";

const check = { institutionId: "inst-1", clinicianId: "physician-1", drugCodes: ["metformin-hcl-tab-0.5g", "aspirin-tab-100mg"] };
const auth = { token: "caller" };

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe("REP-06 prescription refuses what reporting suspended", () => {
  it("REP-06: a suspended drug is refused naming its code, a suspended prescriber too; the check asks for every line's drug", async () => {
    const asked: unknown[] = [];
    const port: SuspensionPort = {
      active: (query) => {
        asked.push(query);
        return Promise.resolve([{ scopeKind: "DRUG", scopeValue: "aspirin-tab-100mg" }]);
      },
    };
    const drug = await refusal(requireNotSuspended(port, check, auth));
    expect([drug.code, drug.kind, drug.ruleId]).toEqual(["DRUG_SUSPENDED", "FAILED_PRECONDITION", "REP-06"]);
    expect(drug.message).toContain("aspirin-tab-100mg");
    expect(asked).toEqual([check]);
    const clinician: SuspensionPort = { active: () => Promise.resolve([{ scopeKind: "CLINICIAN", scopeValue: "physician-1" }]) };
    expect((await refusal(requireNotSuspended(clinician, check, auth))).code).toBe("CLINICIAN_SUSPENDED");
  });

  it("REP-06: nothing suspended passes; reporting unreachable fails the signing; no reporting service, no check", async () => {
    await expect(requireNotSuspended({ active: () => Promise.resolve([]) }, check, auth)).resolves.toBeUndefined();
    const down: SuspensionPort = { active: () => Promise.reject(new DomainError("UNAVAILABLE", "FAILED_PRECONDITION", "down")) };
    expect((await refusal(requireNotSuspended(down, check, auth))).code).toBe("UNAVAILABLE");
    await expect(requireNotSuspended(undefined, check, auth)).resolves.toBeUndefined();
  });
});
