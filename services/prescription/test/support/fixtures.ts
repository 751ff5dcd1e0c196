import { sampleCatalogue } from "@ihp/drug-catalogue";
import type { Actor, ConsultSnapshot, ContentInput, LineInput, SignatureRecord } from "../../src/domain/prescriptions/index.js";

export const catalogue = await sampleCatalogue();

export const PRESCRIPTION_ID = "0195a000-0000-7000-8000-00000000a001";
export const CONSULT_ID = "0195a000-0000-7000-8000-00000000c001";
export const INSTITUTION_ID = "0195a000-0000-7000-8000-0000000012ab";
export const PHYSICIAN: Actor = { id: "phys-0001", kind: "human" };
export const ASSISTANT: Actor = { id: "rx-assistant", kind: "service" };
export const PATIENT: Actor = { id: "pat-0001", kind: "human" };
/** 10:00 on 2026-03-02 in Beijing. */
export const AT = new Date("2026-03-02T02:00:00Z");

export function consult(overrides: Partial<ConsultSnapshot> = {}): ConsultSnapshot {
  return {
    consultId: CONSULT_ID,
    institutionId: INSTITUTION_ID,
    jurisdiction: "national",
    departmentCode: "03.07",
    patientId: PATIENT.id,
    patientBirthDate: "1960-05-01",
    patientSex: "F",
    physicianId: PHYSICIAN.id,
    status: "IN_PROGRESS",
    confirmedDiagnoses: [
      { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" },
      { code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" },
      { code: "A15.0", name: "肺结核", version: "ICD-10 国家临床版 2.0" },
      { code: "J06.9", name: "急性上呼吸道感染", version: "ICD-10 国家临床版 2.0" },
    ],
    prescribingBlocked: false,
    blockedReason: "",
    guardianId: "",
    guardianVerified: false,
    ...overrides,
  };
}

/** A line as entered; dose and quantity given as numbers here, written as the decimal text the contract carries. */
export function line(overrides: Partial<Omit<LineInput, "dose" | "quantity">> & { dose?: number; quantity?: number } = {}): LineInput {
  const { dose = 500, quantity = 14, ...rest } = overrides;
  return {
    drugCode: "metformin-hcl-tab-0.5g",
    approvedName: "",
    doseUnit: "mg",
    route: "PO",
    frequency: "BID",
    daysSupply: 7,
    quantityUnit: "片",
    instructions: "餐中服用",
    ...rest,
    dose: String(dose),
    quantity: String(quantity),
  };
}

export function content(overrides: Partial<ContentInput> = {}): ContentInput {
  return {
    lines: [line()],
    diagnosisCodes: ["E11.9"],
    emergency: false,
    extensionReason: "",
    longTerm: false,
    assessmentNote: "",
    patientWeightKg: 0,
    guardianPresent: false,
    accompanyingPhysicianPresent: false,
    ...overrides,
  };
}

export function signature(overrides: Partial<SignatureRecord> = {}): SignatureRecord {
  return {
    signerId: PHYSICIAN.id,
    signerProfession: "PROFESSION_PHYSICIAN",
    certificateSerial: "CERT-1",
    algorithm: "SIGNATURE_ALGORITHM_ECDSA_P256_SHA256",
    valueBase64: "c2lnbmF0dXJl",
    signedAt: AT.toISOString(),
    documentHashBase64: "aGFzaA==",
    ...overrides,
  };
}
