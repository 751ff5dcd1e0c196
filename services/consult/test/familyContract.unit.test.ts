import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  familyContractDecider,
  type FamilyContractEvent,
  type FamilyContractTerms,
  isContractActive,
} from "../src/domain/contracts/familyContract.js";
import { HYPERTENSION, SIGNATURE } from "./support/fixtures.js";

const AT = new Date("2026-03-15T02:00:00Z");
const TERMS: FamilyContractTerms = {
  contractId: "c-1",
  institutionId: "i-1",
  doctorId: "physician-1",
  patientId: "patient-1",
  serviceContent: "慢病随访",
  process: "每月线上随访",
  rightsAndDuties: "双方按约履行",
  risks: "无法体格检查",
  validFrom: "2026-03-01",
  validUntil: "2027-02-28",
  coveredDiagnoses: [HYPERTENSION],
};
const PROPOSED: FamilyContractEvent = { type: "FamilyContractProposed", data: { ...TERMS, doctorSignature: SIGNATURE, proposedAt: AT.toISOString() } };
const SIGNED: FamilyContractEvent = { type: "FamilyContractSigned", data: { contractId: "c-1", signedBy: "patient-1", termsSha256: "a".repeat(64), signedAt: AT.toISOString() } };
const sign = { type: "SignFamilyContract" as const, contractId: "c-1", signedBy: "patient-1", termsSha256: "a".repeat(64), storedTermsSha256: "a".repeat(64), at: AT };

describe("family-doctor contract", () => {
  it("CON-10: the doctor proposes signed terms stating content, process, rights and duties, risks and validity", () => {
    given(familyContractDecider).when({ type: "ProposeFamilyContract", terms: TERMS, doctorSignature: SIGNATURE, at: AT }).then([PROPOSED]);
    given(familyContractDecider).when({ type: "ProposeFamilyContract", terms: { ...TERMS, risks: " " }, doctorSignature: SIGNATURE, at: AT }).thenError("INVALID_FAMILY_CONTRACT", "CON-10");
    given(familyContractDecider).when({ type: "ProposeFamilyContract", terms: { ...TERMS, validUntil: "2026-03-01" }, doctorSignature: SIGNATURE, at: AT }).thenError("INVALID_FAMILY_CONTRACT");
  });

  it("CON-10: the patient countersigns exactly the terms shown; it is active only when both signed and within validity", () => {
    given(familyContractDecider, [PROPOSED]).when(sign).then([SIGNED]);
    given(familyContractDecider, [PROPOSED]).when({ ...sign, termsSha256: "b".repeat(64) }).thenError("INVALID_FAMILY_CONTRACT");
    given(familyContractDecider, [PROPOSED]).when({ ...sign, signedBy: "someone-else" }).thenError("NOT_CONSULT_PARTICIPANT");
    given(familyContractDecider, [PROPOSED, SIGNED]).when(sign).thenError("FAMILY_CONTRACT_ALREADY_SIGNED");
    given(familyContractDecider).when(sign).thenError("FAMILY_CONTRACT_NOT_FOUND");
    const proposed = familyContractDecider.evolve(familyContractDecider.initialState, PROPOSED);
    const signed = familyContractDecider.evolve(proposed, SIGNED);
    expect(isContractActive(proposed, AT)).toBe(false);
    expect(isContractActive(signed, AT)).toBe(true);
    expect(isContractActive(signed, new Date("2027-03-01T00:00:00Z"))).toBe(false);
  });
});
