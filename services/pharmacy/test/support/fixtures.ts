import type { CatalogueFacts, DrugFacts } from "../../src/domain/catalogue.js";
import type { PrescriptionDocument, ReviewerPolicy, SignatureData } from "../../src/domain/types.js";

export const RX_ID = "0193b000-0000-7000-8000-000000000001";
export const SERIAL = "RX20260302000001";
export const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
export const PATIENT = "patient-0001";
export const PHYSICIAN = "physician-0001";
export const PHARMACIST = "pharmacist-0001";
export const HASH = "ab".repeat(32);
/** 10:00 Beijing on the day of issue. */
export const AT = new Date("2026-03-02T02:00:00Z");

export const PHYSICIAN_SIGNATURE: SignatureData = {
  signerId: PHYSICIAN,
  signerProfession: "PHYSICIAN",
  certificateSerial: "CERT-PHY-1",
  algorithm: "ECDSA_P256_SHA256",
  valueBase64: "MEUCIQ==",
  signedAt: "2026-03-02T01:00:00.000Z",
  documentHashHex: HASH,
};

export function pharmacistSignature(overrides: Partial<SignatureData> = {}): SignatureData {
  return {
    signerId: PHARMACIST,
    signerProfession: "PHARMACIST",
    certificateSerial: "CERT-PHA-1",
    algorithm: "ECDSA_P256_SHA256",
    valueBase64: "MEQCIA==",
    signedAt: "2026-03-02T02:00:00.000Z",
    documentHashHex: HASH,
    ...overrides,
  };
}

export function document(overrides: Partial<PrescriptionDocument> = {}): PrescriptionDocument {
  return {
    prescriptionId: RX_ID,
    serialNumber: SERIAL,
    version: 1,
    predecessorSerialNumber: "",
    consultId: "consult-0001",
    institutionId: INSTITUTION,
    jurisdiction: "tianjin",
    patientId: PATIENT,
    physicianId: PHYSICIAN,
    issuedOn: "2026-03-02",
    validUntil: "2026-03-04",
    lines: [
      {
        drugCode: "AMLO5",
        approvedName: "氨氯地平片",
        form: "tablet",
        strength: "5mg",
        dose: "5",
        doseUnit: "mg",
        route: "PO",
        frequency: "QD",
        daysSupply: 7,
        quantity: "7",
        quantityUnit: "tablet",
      },
    ],
    diagnosisCodes: ["I10"],
    patientBirthDate: "1960-05-01",
    canonicalDocumentBase64: Buffer.from('{"prescription":"canonical"}').toString("base64"),
    physicianSignature: PHYSICIAN_SIGNATURE,
    ...overrides,
  };
}

export const AMLODIPINE: DrugFacts = {
  code: "AMLO5",
  therapeuticClass: "calcium_channel_blocker",
  prescriptionOnly: true,
  dose: { unit: "mg", minPerDose: 2.5, maxPerDose: 10, maxPerDay: 10, minAgeYears: 6 },
};
export const NIFEDIPINE: DrugFacts = {
  code: "NIFE10",
  therapeuticClass: "calcium_channel_blocker",
  prescriptionOnly: true,
  dose: { unit: "mg", minPerDose: 10, maxPerDose: 20, maxPerDay: 60, minAgeYears: 18 },
};
export const VITAMIN_C: DrugFacts = { code: "VITC", therapeuticClass: "vitamin", prescriptionOnly: false, dose: undefined };

export function facts(drugs: readonly DrugFacts[] = [AMLODIPINE], interactions: CatalogueFacts["interactions"] = []): CatalogueFacts {
  return { drugs: new Map(drugs.map((drug) => [drug.code, drug])), interactions };
}

export const POLICY: ReviewerPolicy = { minDispensingYears: 3, affiliations: ["IN_HOUSE", "CONTRACTED"] };
export const QUALIFIED = { affiliation: "IN_HOUSE", dispensingYears: 5 };
export const RETURN_REASONS = ["DOSE_INAPPROPRIATE", "DIAGNOSIS_MISMATCH"];
export const REJECT_REASONS = ["SERIOUSLY_IRRATIONAL"];
