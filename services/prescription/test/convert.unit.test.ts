import { fold } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { prescriptionToProto } from "../src/adapters/grpc/convert.js";
import { type Prescription, prescriptionDecider, type PrescriptionEvent } from "../src/domain/prescriptions/index.js";
import { AT, catalogue, consult, content, line, PHYSICIAN, PRESCRIPTION_ID } from "./support/fixtures.js";

const decider = prescriptionDecider(catalogue);

function longTermDraft(days: number): Prescription {
  const result = decider.decide(
    {
      type: "DraftPrescription",
      prescriptionId: PRESCRIPTION_ID,
      consult: consult(),
      content: content({ longTerm: true, assessmentNote: "病情稳定", lines: [line({ daysSupply: days, quantity: days * 2 })] }),
      actor: PHYSICIAN,
      at: AT,
    },
    fold(decider, []),
  );
  if (!Array.isArray(result)) throw new Error("refused");
  return fold(decider, result as PrescriptionEvent[]) as Prescription;
}

describe("RX-08: the wire view asks for the patient's confirmation exactly when signing would", () => {
  it("RX-08: over the profile's assessment threshold (national: 28 days) and not yet confirmed", () => {
    expect(prescriptionToProto({ prescription: longTermDraft(35), revision: 0 }, AT).longTermConfirmationNeeded).toBe(true);
    expect(prescriptionToProto({ prescription: longTermDraft(28), revision: 0 }, AT).longTermConfirmationNeeded).toBe(false);
  });

  it("RX-08, XC-08: no threshold of its own when no profile is in effect (it cannot be signed, so nothing is asked)", () => {
    const draft = longTermDraft(35);
    const elsewhere = { ...draft, consult: { ...draft.consult, jurisdiction: "atlantis" } };
    expect(prescriptionToProto({ prescription: elsewhere, revision: 0 }, AT).longTermConfirmationNeeded).toBe(false);
  });
});
