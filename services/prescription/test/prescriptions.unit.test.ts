import { DomainError, fold } from "@ihp/eventsourcing";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import {
  type ConsultSnapshot,
  type ContentInput,
  documentToSign,
  isValidOn,
  planSigning,
  prescriptionDecider,
  type PrescriptionEvent,
  type Prescription,
  type SignPrescription,
  type Actor,
} from "../src/domain/prescriptions/index.js";
import { PRESCRIPTION_ERRORS } from "../src/domain/errors.js";
import { AT, ASSISTANT, catalogue, consult, content, line, PATIENT, PHYSICIAN, PRESCRIPTION_ID, signature } from "./support/fixtures.js";

const decider = prescriptionDecider(catalogue);

function draft(body: ContentInput = content(), snapshot: ConsultSnapshot = consult(), actor: Actor = PHYSICIAN) {
  return { type: "DraftPrescription" as const, prescriptionId: PRESCRIPTION_ID, consult: snapshot, content: body, actor, at: AT };
}

function decided(history: readonly PrescriptionEvent[], command: Parameters<typeof decider.decide>[0]): PrescriptionEvent[] {
  const result = decider.decide(command, fold(decider, history));
  if (!Array.isArray(result)) throw new Error(`refused: ${(result as Error).message}`);
  return [...history, ...(result as PrescriptionEvent[])];
}

function drafted(body: ContentInput = content(), snapshot: ConsultSnapshot = consult(), actor: Actor = PHYSICIAN): PrescriptionEvent[] {
  return decided([], draft(body, snapshot, actor));
}

/** The document signing would sign, or "" when planning refuses (the decider then refuses the command the same way). */
function documentIfPlanned(document: () => string): string {
  try {
    return document();
  } catch (error) {
    if (error instanceof DomainError) return "";
    throw error;
  }
}

/** A sign command as the application builds it: plan, serial, the canonical document, identity's verdict. */
function sign(history: readonly PrescriptionEvent[], overrides: Partial<SignPrescription> = {}): SignPrescription {
  const state = fold(decider, history) as Prescription;
  const base = { version: state.version, consult: consult(), validityDays: 1, actor: PHYSICIAN, at: AT, ...overrides };
  const serialNumber = overrides.serialNumber ?? `RX-20260302-000012AB-00000${state.version}`;
  const document = documentIfPlanned(() => documentToSign(state, planSigning(catalogue, state, base), serialNumber));
  return {
    type: "SignPrescription",
    prescriptionId: PRESCRIPTION_ID,
    serialNumber,
    canonicalDocument: document,
    signature: signature(),
    verification: { valid: true, reasonCode: "" },
    ...base,
    ...overrides,
  };
}

function signed(history: readonly PrescriptionEvent[] = drafted(), overrides: Partial<SignPrescription> = {}): PrescriptionEvent[] {
  return decided(history, sign(history, overrides));
}

interface SignedDocument {
  readonly extensionReason?: string;
  readonly patient?: { readonly age: unknown; readonly weightKg: number };
}

const parseDocument = (text: string): SignedDocument => JSON.parse(text) as SignedDocument;

const birthDaysBefore = (years: number, months = 0, days = 0): string => {
  const d = new Date(Date.UTC(2026 - years, 2 - months, 2 - days));
  return d.toISOString().slice(0, 10);
};

describe("drafting", () => {
  it("records the draft with catalogue names and version", () => {
    const [event] = drafted();
    expect(event?.type).toBe("PrescriptionDrafted");
    if (event?.type !== "PrescriptionDrafted") return;
    expect(event.data.version).toBe(1);
    expect(event.data.content.lines[0]).toMatchObject({ lineId: "L1", approvedName: "盐酸二甲双胍片", form: "片剂", confirmedBy: "" });
    expect(event.data.catalogue).toEqual({ version: catalogue.version, sha256: catalogue.sha256 });
  });

  it("refuses an unknown drug code, zero quantity and six lines with clear codes", () => {
    given(decider).when(draft(content({ lines: [line({ drugCode: "no-such-drug" })] }))).thenError("UNKNOWN_DRUG");
    given(decider).when(draft(content({ lines: [line({ quantity: 0 })] }))).thenError("INVALID_QUANTITY");
    const six = ["metformin-hcl-tab-0.5g", "amlodipine-besylate-tab-5mg", "atorvastatin-calcium-tab-20mg", "losartan-potassium-tab-50mg", "aspirin-ec-tab-100mg", "omeprazole-ec-cap-20mg"];
    const units: Record<string, [number, string]> = { "amlodipine-besylate-tab-5mg": [5, "mg"], "atorvastatin-calcium-tab-20mg": [20, "mg"], "losartan-potassium-tab-50mg": [50, "mg"], "aspirin-ec-tab-100mg": [100, "mg"], "omeprazole-ec-cap-20mg": [20, "mg"] };
    const lines = six.map((drugCode) => line({ drugCode, frequency: "QD", dose: units[drugCode]?.[0] ?? 500 }));
    given(decider).when(draft(content({ lines }))).thenError("TOO_MANY_LINES", "RX-09");
    given(decider).when(draft(content({ lines: lines.slice(0, 5), diagnosisCodes: ["E11.9", "I10"] }))).then(drafted(content({ lines: lines.slice(0, 5), diagnosisCodes: ["E11.9", "I10"] })));
  });

  it("RX-01: refuses a physician who is not the consult's assigned physician", () => {
    given(decider).when(draft(content(), consult(), { id: "phys-other", kind: "human" })).thenError("NOT_ASSIGNED_PHYSICIAN", "RX-01");
  });

  it("RX-02: refuses diagnoses outside the consult's confirmed set", () => {
    given(decider).when(draft(content({ diagnosisCodes: ["E10.9"] }))).thenError("DIAGNOSIS_NOT_CONFIRMED_OFFLINE", "RX-02");
  });

  it("RX-02: refuses a terminated or blocked consult with the consult's reason or CONSULT_CLOSED_TO_PRESCRIBING", () => {
    given(decider).when(draft(content(), consult({ prescribingBlocked: true, blockedReason: "CONSULT_TERMINATED" }))).thenError("CONSULT_TERMINATED", "RX-02");
    given(decider).when(draft(content(), consult({ prescribingBlocked: true, blockedReason: "SOMETHING_ELSE" }))).thenError("CONSULT_CLOSED_TO_PRESCRIBING", "RX-02");
  });

  it("RX-04: refuses every special-management class by default", () => {
    const drugs: [string, number, string][] = [
      ["morphine-hcl-tab-10mg", 10, "mg"],
      ["methylphenidate-hcl-tab-10mg", 10, "mg"],
      ["diazepam-tab-2.5mg", 2.5, "mg"],
      ["atropine-sulfate-tab-0.3mg", 0.3, "mg"],
      ["sodium-iodide-i131-oral-solution", 185, "MBq"],
      ["pseudoephedrine-compound-sr-cap", 1, "capsule"],
    ];
    for (const [drugCode, dose, doseUnit] of drugs) {
      given(decider).when(draft(content({ lines: [line({ drugCode, dose, doseUnit, frequency: "QD" })] }))).thenError("SPECIAL_CONTROL_DRUG", "RX-04");
    }
  });

  it("RX-04: blocks the Guangxi high-risk list in Guangxi only", () => {
    const methotrexate = content({ lines: [line({ drugCode: "methotrexate-tab-2.5mg", dose: 7.5, frequency: "QW", quantity: 3 })] });
    given(decider).when(draft(methotrexate, consult({ jurisdiction: "guangxi" }))).thenError("SPECIAL_CONTROL_DRUG", "RX-04");
    expect(drafted(methotrexate, consult({ jurisdiction: "national" }))).toHaveLength(1);
  });

  it("RX-07: allows 7 days, refuses 8 days without a reason, accepts 8 with one and shows it on the document", () => {
    expect(drafted(content({ lines: [line({ daysSupply: 7 })] }))).toHaveLength(1);
    given(decider).when(draft(content({ lines: [line({ daysSupply: 8 })] }))).thenError("SUPPLY_EXCEEDS_LIMIT", "RX-07");
    const history = drafted(content({ lines: [line({ daysSupply: 8 })], extensionReason: "春节假期无法复诊" }));
    const [, signedEvent] = signed(history);
    expect(signedEvent?.type === "PrescriptionSigned" && parseDocument(signedEvent.data.canonicalDocument).extensionReason).toBe("春节假期无法复诊");
  });

  it("RX-07: the refusal text names no fixed limit (a profile setting); the applied limit travels in the detail", () => {
    expect(PRESCRIPTION_ERRORS.SUPPLY_EXCEEDS_LIMIT.en).not.toMatch(/\d/);
    expect(PRESCRIPTION_ERRORS.SUPPLY_EXCEEDS_LIMIT.zh).not.toMatch(/\d/);
    const general = decider.decide(draft(content({ lines: [line({ daysSupply: 8 })] })), fold(decider, []));
    expect(general).toMatchObject({ code: "SUPPLY_EXCEEDS_LIMIT" });
    expect((general as Error).message).toContain("(8 days, limit 7)");
    const urgent = decider.decide(draft(content({ emergency: true, lines: [line({ daysSupply: 4 })] })), fold(decider, []));
    expect(urgent).toMatchObject({ code: "SUPPLY_EXCEEDS_LIMIT" });
    expect((urgent as Error).message).toContain("(4 days, limit 3)");
  });

  it("RX-07: emergencies are limited to 3 days", () => {
    expect(drafted(content({ emergency: true, lines: [line({ daysSupply: 3 })] }))).toHaveLength(1);
    given(decider).when(draft(content({ emergency: true, lines: [line({ daysSupply: 4 })] }))).thenError("SUPPLY_EXCEEDS_LIMIT", "RX-07");
  });

  it("RX-08: long-term 28 days needs nothing more, 35 needs assessment, 84 is the maximum, 85 is refused", () => {
    const longTerm = (days: number, assessmentNote = ""): ContentInput =>
      content({ longTerm: true, assessmentNote, lines: [line({ daysSupply: days, quantity: days * 2 })] });
    expect(drafted(longTerm(28))).toHaveLength(1);
    given(decider).when(draft(longTerm(35))).thenError("LONG_TERM_ASSESSMENT_REQUIRED", "RX-08");
    expect(drafted(longTerm(35, "血糖控制稳定，无低血糖"))).toHaveLength(1);
    expect(drafted(longTerm(84, "血糖控制稳定，无低血糖"))).toHaveLength(1);
    given(decider).when(draft(longTerm(85, "血糖控制稳定"))).thenError("LONG_TERM_TOO_LONG", "RX-08");
  });

  it("RX-08: refuses antimicrobials and excluded drugs on long-term, except antimicrobials for chronic tuberculosis", () => {
    const amoxicillin = line({ drugCode: "amoxicillin-cap-0.25g", dose: 500, frequency: "TID", daysSupply: 28, quantity: 168 });
    given(decider).when(draft(content({ longTerm: true, diagnosisCodes: ["J06.9"], lines: [amoxicillin] }))).thenError("LONG_TERM_DRUG_EXCLUDED", "RX-08");
    const insulin = line({ drugCode: "insulin-glargine-inj-300u-3ml", dose: 10, doseUnit: "U", route: "SC", frequency: "QD", daysSupply: 28, quantity: 1 });
    given(decider).when(draft(content({ longTerm: true, lines: [insulin] }))).thenError("LONG_TERM_DRUG_EXCLUDED", "RX-08");
  });

  it("RX-09: decoction pieces are not mixed with Western drugs", () => {
    const piece = line({ drugCode: "astragali-radix-piece", dose: 15, doseUnit: "g", frequency: "QD", quantity: 105, quantityUnit: "g" });
    given(decider).when(draft(content({ lines: [line(), piece] }))).thenError("DECOCTION_PIECES_MIXED", "RX-09");
    expect(drafted(content({ lines: [piece] }))).toHaveLength(1);
  });

  it("RX-09: refuses vague usage, unknown frequencies, wrong routes, non-approved names and missing diagnoses", () => {
    given(decider).when(draft(content({ lines: [line({ instructions: "遵医嘱" })] }))).thenError("USAGE_VAGUE", "RX-09");
    given(decider).when(draft(content({ lines: [line({ frequency: "遵医嘱" })] }))).thenError("USAGE_VAGUE", "RX-09");
    given(decider).when(draft(content({ lines: [line({ frequency: "SOMETIMES" })] }))).thenError("INVALID_USAGE", "RX-09");
    given(decider).when(draft(content({ lines: [line({ route: "IV" })] }))).thenError("INVALID_USAGE", "RX-09");
    given(decider).when(draft(content({ lines: [line({ approvedName: "格华止" })] }))).thenError("APPROVED_NAME_REQUIRED", "RX-09");
    given(decider).when(draft(content({ diagnosisCodes: [] }))).thenError("DIAGNOSIS_REQUIRED", "RX-09");
    given(decider).when(draft(content({ lines: [line({ dose: 1500 })] }))).thenError("DOSE_OUT_OF_RANGE", "RX-09");
    given(decider).when(draft(content({ lines: [line({ doseUnit: "g", dose: 0.5 })] }))).thenError("DOSE_UNIT_MISMATCH", "RX-09");
  });

  it("RX-09: an infant needs a weight for weight-dosed drugs, and the document shows age in months and days", () => {
    const infant = consult({ patientBirthDate: "2025-08-20", confirmedDiagnoses: [{ code: "R50.9", name: "发热", version: "v2" }], guardianId: "g-1", guardianVerified: true });
    const ibuprofen = line({ drugCode: "ibuprofen-oral-susp-100ml-2g", dose: 2.5, doseUnit: "ml", frequency: "Q8H", daysSupply: 3, quantity: 1, quantityUnit: "瓶" });
    const body = content({ lines: [ibuprofen], diagnosisCodes: ["R50.9"], guardianPresent: true, accompanyingPhysicianPresent: true });
    given(decider).when(draft(body, infant)).thenError("PATIENT_WEIGHT_REQUIRED", "RX-09");
    const history = drafted({ ...body, patientWeightKg: 8.2 }, infant);
    const [, event] = signed(history, { consult: infant });
    const document = parseDocument(event?.type === "PrescriptionSigned" ? event.data.canonicalDocument : "{}");
    expect(document.patient?.age).toEqual({ years: 0, months: 6, days: 10 });
    expect(document.patient?.weightKg).toBe(8.2);
  });
});

describe("signing", () => {
  it("RX-03: signs the canonical document of the current version and records serial, validity and signature", () => {
    const history = signed();
    const event = history.at(-1);
    expect(event?.type).toBe("PrescriptionSigned");
    if (event?.type !== "PrescriptionSigned") return;
    expect(event.data).toMatchObject({ version: 1, issuedOn: "2026-03-02", validUntil: "2026-03-02", predecessorSerialNumber: "" });
    const document = parseDocument(event.data.canonicalDocument);
    expect(document).toMatchObject({ documentType: "PRESCRIPTION", serialNumber: event.data.serialNumber, physicianId: PHYSICIAN.id });
  });

  it("RX-01: a service principal cannot sign (HUMAN_CLINICIAN_REQUIRED)", () => {
    given(decider, drafted()).when(sign(drafted(), { actor: ASSISTANT })).thenError("HUMAN_CLINICIAN_REQUIRED", "RX-01");
  });

  it("RX-01: lines proposed by a service need the physician's line-by-line confirmation before signing", () => {
    const body = content({ lines: [line(), line({ drugCode: "amlodipine-besylate-tab-5mg", dose: 5, frequency: "QD" })], diagnosisCodes: ["E11.9", "I10"] });
    const proposed = drafted(body, consult(), ASSISTANT);
    given(decider, proposed).when(sign(proposed)).thenError("LINE_CONFIRMATION_REQUIRED", "RX-01");
    const one = decided(proposed, { type: "ConfirmLines", prescriptionId: PRESCRIPTION_ID, version: 1, lineIds: ["L1"], actor: PHYSICIAN, at: AT });
    given(decider, one).when(sign(one)).thenError("LINE_CONFIRMATION_REQUIRED", "RX-01");
    given(decider, one)
      .when({ type: "ConfirmLines", prescriptionId: PRESCRIPTION_ID, version: 1, lineIds: ["L2"], actor: ASSISTANT, at: AT })
      .thenError("HUMAN_CLINICIAN_REQUIRED", "RX-01");
    const both = decided(one, { type: "ConfirmLines", prescriptionId: PRESCRIPTION_ID, version: 1, lineIds: ["L2"], actor: PHYSICIAN, at: AT });
    expect(signed(both).at(-1)?.type).toBe("PrescriptionSigned");
  });

  it("RX-01: a physician resubmitting a service-proposed line unchanged does not confirm it", () => {
    const proposed = drafted(content(), consult(), ASSISTANT);
    const revised = decided(proposed, { type: "RevisePrescription", prescriptionId: PRESCRIPTION_ID, consult: consult(), content: content(), actor: PHYSICIAN, at: AT });
    given(decider, revised).when(sign(revised)).thenError("LINE_CONFIRMATION_REQUIRED", "RX-01");
  });

  it("RX-03: refuses a signature that does not verify (forged) and one from another signer", () => {
    const history = drafted();
    given(decider, history).when(sign(history, { verification: { valid: false, reasonCode: "SIGNATURE_INVALID" } })).thenError("SIGNATURE_INVALID", "RX-03");
    given(decider, history).when(sign(history, { signature: signature({ signerId: "phys-other" }) })).thenError("SIGNATURE_INVALID", "RX-03");
  });

  it("RX-03: refuses a stale signature: over an older version, or over a document that is not this version's", () => {
    const history = drafted();
    const stale = sign(history);
    const revised = decided(history, { type: "RevisePrescription", prescriptionId: PRESCRIPTION_ID, consult: consult(), content: content({ lines: [line({ daysSupply: 5, quantity: 10 })] }), actor: PHYSICIAN, at: AT });
    given(decider, revised).when(stale).thenError("SIGNATURE_STALE", "RX-03");
    given(decider, revised).when({ ...sign(revised), canonicalDocument: stale.canonicalDocument }).thenError("SIGNATURE_STALE", "RX-03");
  });

  it("RX-03: an edit after signing voids the signature and opens a new version; a new signing gets a new serial", () => {
    const history = signed();
    const first = history.at(-1);
    const edited = decided(history, { type: "RevisePrescription", prescriptionId: PRESCRIPTION_ID, consult: consult(), content: content({ lines: [line({ daysSupply: 5, quantity: 10 })] }), actor: PHYSICIAN, at: AT });
    expect(edited.slice(-2).map((event) => event.type)).toEqual(["PrescriptionVoided", "PrescriptionRevised"]);
    const state = fold(decider, edited);
    expect(state.status === "DRAFT" && state.version).toBe(2);
    given(decider, edited).when(sign(edited, { serialNumber: first?.type === "PrescriptionSigned" ? first.data.serialNumber : "" })).thenError("SERIAL_NUMBER_TAKEN", "RX-10");
    const resigned = signed(edited).at(-1);
    expect(resigned?.type === "PrescriptionSigned" && resigned.data.predecessorSerialNumber).toBe(first?.type === "PrescriptionSigned" ? first.data.serialNumber : "?");
  });

  it("RX-05: a child of 6 years 11 months needs guardian and attestations; at 7 years 0 months (day after the 7th birthday) not", () => {
    const young = consult({ patientBirthDate: birthDaysBefore(6, 11) });
    const body = content({ lines: [line({ drugCode: "salbutamol-sulfate-aerosol-100ug", dose: 100, doseUnit: "μg", route: "INH", frequency: "QID", quantity: 1, quantityUnit: "瓶" })], diagnosisCodes: ["J45.9"] });
    const asthma = { confirmedDiagnoses: [{ code: "J45.9", name: "哮喘", version: "v2" }] };
    const child = consult({ ...young, ...asthma });
    const childDraft = drafted(body, child);
    given(decider, childDraft).when(sign(childDraft, { consult: child })).thenError("GUARDIAN_REQUIRED", "RX-05");
    const withGuardian = consult({ ...child, guardianId: "guardian-1", guardianVerified: true });
    given(decider, childDraft).when(sign(childDraft, { consult: withGuardian })).thenError("GUARDIAN_ATTESTATION_REQUIRED", "RX-05");
    const attested = drafted({ ...body, guardianPresent: true, accompanyingPhysicianPresent: true }, withGuardian);
    expect(signed(attested, { consult: withGuardian }).at(-1)?.type).toBe("PrescriptionSigned");
    const seven = consult({ ...asthma, patientBirthDate: "2019-03-01" });
    const sevenDraft = drafted(body, seven);
    expect(signed(sevenDraft, { consult: seven }).at(-1)?.type).toBe("PrescriptionSigned");
  });

  it("RX-06: valid on the day of issue only by default; a 3-day validity runs through day 3, not day 4; 4 days refused", () => {
    const one = signed().at(-1);
    if (one?.type !== "PrescriptionSigned") throw new Error("not signed");
    expect(isValidOn(one.data.issuedOn, one.data.validUntil, "2026-03-02")).toBe(true);
    expect(isValidOn(one.data.issuedOn, one.data.validUntil, "2026-03-03")).toBe(false);
    const three = signed(drafted(), { validityDays: 3 }).at(-1);
    if (three?.type !== "PrescriptionSigned") throw new Error("not signed");
    expect(three.data.validUntil).toBe("2026-03-04");
    expect(isValidOn(three.data.issuedOn, three.data.validUntil, "2026-03-04")).toBe(true);
    expect(isValidOn(three.data.issuedOn, three.data.validUntil, "2026-03-05")).toBe(false);
    given(decider, drafted()).when(sign(drafted(), { validityDays: 4 })).thenError("VALIDITY_TOO_LONG", "RX-06");
  });

  it("RX-08: over 4 weeks needs the patient's confirmation event before signing; only the patient may confirm", () => {
    const history = drafted(content({ longTerm: true, assessmentNote: "病情稳定", lines: [line({ daysSupply: 35, quantity: 70 })] }));
    given(decider, history).when(sign(history)).thenError("LONG_TERM_PATIENT_CONFIRMATION_REQUIRED", "RX-08");
    given(decider, history).when({ type: "ConfirmLongTermPlan", prescriptionId: PRESCRIPTION_ID, version: 1, actor: PHYSICIAN, at: AT }).thenError("NOT_PRESCRIPTION_PATIENT", "RX-08");
    const confirmed = decided(history, { type: "ConfirmLongTermPlan", prescriptionId: PRESCRIPTION_ID, version: 1, actor: PATIENT, at: AT });
    expect(confirmed.at(-1)?.type).toBe("LongTermPlanConfirmed");
    expect(signed(confirmed).at(-1)?.type).toBe("PrescriptionSigned");
    given(decider, drafted()).when({ type: "ConfirmLongTermPlan", prescriptionId: PRESCRIPTION_ID, version: 1, actor: PATIENT, at: AT }).thenError("LONG_TERM_NOT_APPLICABLE", "RX-08");
  });

  it("RX-02: signing re-checks the consult: a consult terminated since drafting refuses", () => {
    given(decider, drafted()).when(sign(drafted(), { consult: consult({ prescribingBlocked: true, blockedReason: "CONSULT_TERMINATED" }) })).thenError("CONSULT_TERMINATED", "RX-02");
  });
});

describe("review outcomes", () => {
  const outcome = (serialNumber: string, kind: "APPROVED" | "RETURNED" | "REJECTED") => ({
    type: "RecordReviewOutcome" as const,
    prescriptionId: PRESCRIPTION_ID,
    serialNumber,
    outcome: kind,
    reasonCode: kind === "APPROVED" ? "" : "DOSE_TOO_HIGH",
    pharmacistId: "pharm-1",
    reviewedAt: AT.toISOString(),
  });

  it("RX-10: after RETURNED a re-issue gets a new serial number linked to its predecessor, without a void", () => {
    const history = signed();
    const first = history.at(-1);
    const serial = first?.type === "PrescriptionSigned" ? first.data.serialNumber : "";
    const returned = decided(history, outcome(serial, "RETURNED"));
    expect(fold(decider, returned)).toMatchObject({ review: "RETURNED", reviewReasonCode: "DOSE_TOO_HIGH" });
    const revised = decided(returned, { type: "RevisePrescription", prescriptionId: PRESCRIPTION_ID, consult: consult(), content: content({ lines: [line({ dose: 250 })] }), actor: PHYSICIAN, at: AT });
    expect(revised.slice(returned.length).map((event) => event.type)).toEqual(["PrescriptionRevised"]);
    const reissued = signed(revised).at(-1);
    expect(reissued?.type === "PrescriptionSigned" && reissued.data).toMatchObject({ predecessorSerialNumber: serial, version: 2 });
    expect(reissued?.type === "PrescriptionSigned" && reissued.data.serialNumber).not.toBe(serial);
  });

  it("ignores outcomes for other serials and repeats; APPROVED makes the prescription final", () => {
    const history = signed();
    const first = history.at(-1);
    const serial = first?.type === "PrescriptionSigned" ? first.data.serialNumber : "";
    given(decider, history).when(outcome("RX-OTHER", "APPROVED")).then([]);
    const approved = decided(history, outcome(serial, "APPROVED"));
    given(decider, approved).when(outcome(serial, "APPROVED")).then([]);
    given(decider, approved).when({ type: "RevisePrescription", prescriptionId: PRESCRIPTION_ID, consult: consult(), content: content(), actor: PHYSICIAN, at: AT }).thenError("PRESCRIPTION_FINALISED", "RX-03");
  });
});
