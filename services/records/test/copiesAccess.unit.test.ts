import { describe, expect, it } from "vitest";
import { type AccessRequest, decideAccess, refusedByRole } from "../src/domain/index.js";
import { AT, attestCmd, DOC, fold, history, INSTITUTION, originate } from "./domain/support/fixtures.js";

// The access policy's additions for exports (REC-01, REC-09, XC-01): the custodian's own system exports, nothing else.

const state = () => fold(history(originate(), attestCmd()));
const system = (institutionId: string, purpose: string): AccessRequest => ({
  documentId: DOC,
  reader: { id: "his-1", role: "integration", institutionId },
  purpose,
  guardianOfMinor: false,
  consultClinicianIds: [],
  at: AT,
});

describe("exports in the access policy", () => {
  it("REC-01, REC-09: the custodian's own system reads for EXPORT only; another institution's system never", () => {
    expect(decideAccess(system(INSTITUTION, "EXPORT"), state()).refusal).toBeNull();
    expect(decideAccess(system(INSTITUTION, "TREATMENT"), state()).refusal?.code).toBe("RECORD_ACCESS_DENIED");
    expect(decideAccess(system("hosp-other", "EXPORT"), state()).refusal?.code).toBe("RECORD_ACCESS_DENIED");
  });

  it("XC-01: a read refused by role before the policy is still an access event, REFUSED with its code and purpose", () => {
    const event = refusedByRole({ ...system(INSTITUTION, "EXPORT"), reader: { id: "pharmacist-1", role: "pharmacist", institutionId: INSTITUTION } });
    expect(event).toEqual({
      type: "RecordAccessed",
      data: {
        documentId: DOC,
        readerId: "pharmacist-1",
        readerRole: "pharmacist",
        readerInstitutionId: INSTITUTION,
        purpose: "EXPORT",
        outcome: "REFUSED",
        code: "RECORD_ACCESS_DENIED",
        accessedAt: AT.toISOString(),
      },
    });
  });
});
