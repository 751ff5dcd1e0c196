import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { type AuditTrail, type Principal, recordingRefusals, RemoteError } from "../src/index.js";

const principal: Principal = { subject: "u-1", roles: ["physician"], tenantId: "inst-1", kind: "human" };
const caller = { principal, correlationId: "corr-1" };

function recorder(): { audit: AuditTrail; reasons: string[] } {
  const reasons: string[] = [];
  const audit = {
    refused: (attempt: { reason: string }) => {
      reasons.push(attempt.reason);
      return Promise.resolve();
    },
  } as unknown as AuditTrail;
  return { audit, reasons };
}

describe("recordingRefusals (XC-02: the blocked attempt is itself logged)", () => {
  it("records a rule's refusal, ours or another service's, and rethrows it", async () => {
    const { audit, reasons } = recorder();
    const own = new DomainError("OUT_OF_SCOPE", "FAILED_PRECONDITION", "no", "IDN-06");
    await expect(recordingRefusals(audit, caller, "Act", undefined, () => Promise.reject(own))).rejects.toBe(own);
    const remote = new RemoteError("STEP_UP_REQUIRED", "PERMISSION_DENIED", "step up", "IDN-03", 7);
    await expect(recordingRefusals(audit, caller, "Act", undefined, () => Promise.reject(remote))).rejects.toBe(remote);
    expect(reasons).toEqual(["OUT_OF_SCOPE", "STEP_UP_REQUIRED"]);
  });

  it("does not record faults or transient conflicts, and records nothing on success", async () => {
    const { audit, reasons } = recorder();
    await expect(recordingRefusals(audit, caller, "Act", undefined, () => Promise.reject(new Error("disk full")))).rejects.toThrow("disk full");
    const conflict = new DomainError("CONCURRENT_UPDATE", "ABORTED", "retry");
    await expect(recordingRefusals(audit, caller, "Act", undefined, () => Promise.reject(conflict))).rejects.toBe(conflict);
    const unavailable = new RemoteError("UNAVAILABLE", "UNAVAILABLE", "down", undefined, 14);
    await expect(recordingRefusals(audit, caller, "Act", undefined, () => Promise.reject(unavailable))).rejects.toBe(unavailable);
    await expect(recordingRefusals(audit, caller, "Act", undefined, () => Promise.resolve(42))).resolves.toBe(42);
    expect(reasons).toEqual([]);
  });
});
