import { DomainError } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type PrescriptionEvent, prescriptionDecider } from "../src/domain/prescription/index.js";
import { screenPrescription } from "../src/domain/screening.js";
import type { PrescriptionLineData } from "../src/domain/types.js";
import {
  AMLODIPINE,
  AT,
  document,
  facts,
  NIFEDIPINE,
  PHARMACIST,
  pharmacistSignature,
  POLICY,
  QUALIFIED,
  REJECT_REASONS,
  RETURN_REASONS,
  VITAMIN_C,
} from "./support/fixtures.js";

const at = AT.toISOString();
const received: PrescriptionEvent = { type: "PrescriptionReceived", data: { document: document(), receivedAt: at } };
const queued: PrescriptionEvent = { type: "PrescriptionQueuedForReview", data: { findings: [], queuedAt: at } };
const receive = (overrides: { valid?: boolean; reasonCode?: string } = {}) => ({
  type: "ReceivePrescription" as const,
  document: document(),
  physicianSignatureCheck: { valid: overrides.valid ?? true, reasonCode: overrides.reasonCode ?? "" },
  catalogue: facts(),
  at: AT,
});
const approve = (overrides: Record<string, unknown> = {}) => ({
  type: "ApprovePrescription" as const,
  pharmacistId: PHARMACIST,
  reviewer: QUALIFIED,
  policy: POLICY,
  signature: pharmacistSignature(),
  at: AT,
  ...overrides,
});
const approvedData = { pharmacistId: PHARMACIST, reviewer: QUALIFIED, signature: pharmacistSignature(), reviewedAt: at };
const approved: PrescriptionEvent = { type: "PrescriptionApproved", data: approvedData };

describe("receiving a signed prescription", () => {
  it("PHA-01: SIGNED → UNDER_REVIEW with the automated findings", () => {
    given(prescriptionDecider).when(receive()).then([received, queued]);
  });

  it("PHA-04: screening never approves, even when every automated check passes", () => {
    const outcome = prescriptionDecider.decide(receive(), prescriptionDecider.initialState);
    expect(outcome).not.toBeInstanceOf(DomainError);
    const types = (outcome as readonly PrescriptionEvent[]).map((event) => event.type);
    expect(types).toEqual(["PrescriptionReceived", "PrescriptionQueuedForReview"]);
  });

  it("RX-03: a forged physician signature holds the prescription as SIGNATURE_INVALID", () => {
    given(prescriptionDecider)
      .when(receive({ valid: false, reasonCode: "SIGNATURE_INVALID" }))
      .then([received, { type: "PrescriptionSignatureHeld", data: { reasonCode: "SIGNATURE_INVALID", heldAt: at } }]);
  });

  it("RX-03: a held prescription is never approvable", () => {
    const held: PrescriptionEvent = { type: "PrescriptionSignatureHeld", data: { reasonCode: "SIGNATURE_INVALID", heldAt: at } };
    given(prescriptionDecider, [received, held]).when(approve()).thenError("PHYSICIAN_SIGNATURE_INVALID", "RX-03");
  });

  it("RX-03: refuses an incomplete document with INVALID_PRESCRIPTION_DOCUMENT", () => {
    for (const broken of [
      document({ lines: [] }),
      document({ validUntil: "2026-02-30" }),
      document({ validUntil: "2026-03-01" }),
      document({ canonicalDocumentBase64: "" }),
      document({ serialNumber: "bad serial" }),
    ]) {
      given(prescriptionDecider).when({ ...receive(), document: broken }).thenError("INVALID_PRESCRIPTION_DOCUMENT");
    }
  });

  it("RX-10: the same version cannot be received twice", () => {
    given(prescriptionDecider, [received, queued]).when(receive()).thenError("PRESCRIPTION_ALREADY_RECEIVED");
  });

  it("RX-03: a version voided before it arrived is recorded but never queued", () => {
    const voided: PrescriptionEvent = { type: "PrescriptionVoided", data: { reason: "edited", voidedAt: at } };
    given(prescriptionDecider, [voided]).when(receive()).then([received]);
  });
});

describe("automated screening (PHA-03, PHA-04)", () => {
  const line = document().lines[0]!;
  const screen = (lines: PrescriptionLineData[], drugs = facts([AMLODIPINE, NIFEDIPINE, VITAMIN_C]), birth = "1960-05-01") =>
    screenPrescription({ lines, patientBirthDate: birth, issuedOn: "2026-03-02", catalogue: drugs });

  it("PHA-03: flags a dose above the per-dose and daily maximum", () => {
    const codes = screen([{ ...line, dose: "20", frequency: "BID" }]).map((finding) => finding.code);
    expect(codes).toEqual(["DOSE_ABOVE_MAX_PER_DOSE", "DAILY_DOSE_ABOVE_MAX"]);
    expect(screen([{ ...line, dose: "10", frequency: "BID" }]).map((f) => [f.code, f.severity])).toEqual([["DAILY_DOSE_ABOVE_MAX", "CRITICAL"]]);
    expect(screen([{ ...line, dose: "1" }]).map((f) => f.code)).toEqual(["DOSE_BELOW_MIN_PER_DOSE"]);
  });

  it("PHA-03: flags duplicate therapy and interactions", () => {
    const nife = { ...line, drugCode: "NIFE10", dose: "10", frequency: "TID" };
    const interaction = { drugCodes: ["AMLO5", "NIFE10"] as const, severity: "MAJOR", description: "additive hypotension" };
    const findings = screen([line, nife], facts([AMLODIPINE, NIFEDIPINE], [interaction]));
    expect(findings.map((f) => [f.code, f.severity, f.drugCodes])).toEqual([
      ["DUPLICATE_THERAPY", "WARNING", ["AMLO5", "NIFE10"]],
      ["INTERACTION", "CRITICAL", ["AMLO5", "NIFE10"]],
    ]);
  });

  it("PHA-03: flags a patient below the drug's minimum age, on the birthday not any more", () => {
    expect(screen([line], undefined, "2020-03-03").map((f) => f.code)).toEqual(["AGE_BELOW_MINIMUM"]);
    expect(screen([line], undefined, "2020-03-02")).toEqual([]);
  });

  it("PHA-04: what cannot be checked goes to the pharmacist as a finding", () => {
    const unknown = screen([{ ...line, drugCode: "NOPE" }]).map((f) => f.code);
    expect(unknown).toEqual(["DRUG_NOT_IN_CATALOGUE"]);
    expect(screen([{ ...line, frequency: "PRN" }]).map((f) => f.code)).toEqual(["NOT_CHECKABLE"]);
    expect(screen([{ ...line, doseUnit: "g" }]).map((f) => f.code)).toEqual(["DOSE_UNIT_MISMATCH"]);
    expect(screen([{ ...line, drugCode: "VITC" }]).map((f) => f.code)).toEqual(["NOT_CHECKABLE"]);
    expect(screen([line], undefined, "").map((f) => f.code)).toEqual(["NOT_CHECKABLE"]);
  });
});

describe("the pharmacist's decision", () => {
  it("PHA-04, PHA-05: approval is the pharmacist's signed event over the physician's document hash", () => {
    given(prescriptionDecider, [received, queued]).when(approve()).then([approved]);
  });

  it("PHA-05: refuses a signature over another document or by someone else", () => {
    const history = [received, queued];
    given(prescriptionDecider, history)
      .when(approve({ signature: pharmacistSignature({ documentHashHex: "cd".repeat(32) }) }))
      .thenError("PHARMACIST_SIGNATURE_MISMATCH", "PHA-05");
    given(prescriptionDecider, history)
      .when(approve({ signature: pharmacistSignature({ signerId: "someone-else" }) }))
      .thenError("PHARMACIST_SIGNATURE_MISMATCH");
    given(prescriptionDecider, history)
      .when(approve({ signature: pharmacistSignature({ signerProfession: "PHYSICIAN" }) }))
      .thenError("PHARMACIST_SIGNATURE_MISMATCH");
  });

  it("PHA-02: refuses a reviewer with under 3 years' dispensing experience or a disallowed affiliation", () => {
    given(prescriptionDecider, [received, queued])
      .when(approve({ reviewer: { affiliation: "IN_HOUSE", dispensingYears: 2 } }))
      .thenError("REVIEWER_NOT_ELIGIBLE", "PHA-02");
    given(prescriptionDecider, [received, queued])
      .when(approve({ reviewer: { affiliation: "RETAIL_PHARMACIST", dispensingYears: 9 } }))
      .thenError("REVIEWER_NOT_ELIGIBLE");
    given(prescriptionDecider, [received, queued])
      .when(approve({ reviewer: { affiliation: "contracted", dispensingYears: 3 } }))
      .then([{ type: "PrescriptionApproved", data: { ...approvedData, reviewer: { affiliation: "contracted", dispensingYears: 3 } } }]);
  });

  it("PHA-03: returning needs a reason code from the configured list", () => {
    const base = { ...approve(), type: "ReturnPrescription" as const, allowedReasons: RETURN_REASONS };
    given(prescriptionDecider, [received, queued]).when({ ...base, reasonCode: " " }).thenError("REASON_CODE_REQUIRED", "PHA-03");
    given(prescriptionDecider, [received, queued]).when({ ...base, reasonCode: "SERIOUSLY_IRRATIONAL" }).thenError("UNKNOWN_REASON_CODE", "PHA-03");
    given(prescriptionDecider, [received, queued])
      .when({ ...base, reasonCode: "DOSE_INAPPROPRIATE" })
      .then([{ type: "PrescriptionReturned", data: { ...approvedData, reasonCode: "DOSE_INAPPROPRIATE" } }]);
  });

  it("PHA-03: rejecting needs a rejection reason code and is signed too", () => {
    const base = { ...approve(), type: "RejectPrescription" as const, allowedReasons: REJECT_REASONS };
    given(prescriptionDecider, [received, queued]).when({ ...base, reasonCode: "" }).thenError("REASON_CODE_REQUIRED");
    given(prescriptionDecider, [received, queued]).when({ ...base, reasonCode: "DOSE_INAPPROPRIATE" }).thenError("UNKNOWN_REASON_CODE");
    given(prescriptionDecider, [received, queued])
      .when({ ...base, reasonCode: "SERIOUSLY_IRRATIONAL" })
      .then([{ type: "PrescriptionRejected", data: { ...approvedData, reasonCode: "SERIOUSLY_IRRATIONAL" } }]);
  });

  it("PHA-03: a decided version cannot be decided again (approve twice, approve after return)", () => {
    given(prescriptionDecider, [received, queued, approved]).when(approve()).thenError("REVIEW_ALREADY_DECIDED", "PHA-03");
    const returned: PrescriptionEvent = { type: "PrescriptionReturned", data: { ...approvedData, reasonCode: "DOSE_INAPPROPRIATE" } };
    given(prescriptionDecider, [received, queued, returned]).when(approve()).thenError("REVIEW_ALREADY_DECIDED");
  });

  it("RX-03: a voided version leaves the queue and cannot be approved", () => {
    const voided: PrescriptionEvent = { type: "PrescriptionVoided", data: { reason: "edited", voidedAt: at } };
    given(prescriptionDecider, [received, queued]).when({ type: "VoidPrescription", reason: "edited", voidedAt: at }).then([voided]);
    given(prescriptionDecider, [received, queued, voided]).when(approve()).thenError("PRESCRIPTION_VOIDED", "RX-03");
    given(prescriptionDecider, [received, queued, voided]).when({ type: "VoidPrescription", reason: "again", voidedAt: at }).then([]);
  });

  it("refuses a decision on a prescription never received", () => {
    given(prescriptionDecider).when(approve()).thenError("PRESCRIPTION_NOT_FOUND");
  });
});
