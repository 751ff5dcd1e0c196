import { profileAt } from "@ihp/jurisdiction";
import type { ConsultEvent, ConsultSettings, RequestConsult, StoredSignature } from "../../src/domain/consults/index.js";

export const CONSULT_ID = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
export const INSTITUTION_ID = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
export const PATIENT = "patient-1";
export const GUARDIAN = "guardian-1";
export const CHILD = "child-1";
export const PHYSICIAN = "physician-1";
/** 2026-03-15 10:00 Beijing. */
export const AT = new Date("2026-03-15T02:00:00Z");
export const LATER = new Date("2026-03-15T02:10:00Z");

export const SETTINGS: ConsultSettings = {
  classADiagnosisPrefixes: ["A00", "A20", "A22.1", "U04"],
  terminationReasons: ["CONDITION_CHANGED", "FIRST_VISIT", "EMERGENCY", "CLASS_A_INFECTIOUS_DISEASE"],
  acceptanceWindowMinutes: 30,
  currentConsent: { version: "2026-01", sha256: "a".repeat(64) },
};

export const DIABETES = { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" };
export const HYPERTENSION = { code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" };

export const SIGNATURE: StoredSignature = {
  signerId: PHYSICIAN,
  certificateSerial: "01",
  algorithm: "SIGNATURE_ALGORITHM_ECDSA_P256_SHA256",
  value: "c2ln",
  signedAt: LATER.toISOString(),
  documentHash: "b".repeat(64),
};

export function requestCommand(overrides: Partial<RequestConsult> = {}): RequestConsult {
  return {
    type: "RequestConsult",
    consultId: CONSULT_ID,
    requestedBy: PATIENT,
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
    institution: { institutionId: INSTITUTION_ID, jurisdiction: "national", subjectCodes: ["03.07", "50"], regulatorConnected: true },
    patient: { patientId: PATIENT, birthDate: "1970-05-01", sex: "F" },
    guardian: null,
    priorRecord: {
      documentId: "doc-1",
      hisLinkId: "",
      recordType: "OUTPATIENT_RECORD",
      recordDate: "2026-02-20",
      issuingInstitution: "示范市第一人民医院",
      diagnoses: [DIABETES],
    },
    invitation: null,
    familyContractId: "",
    familyContract: null,
    triageFlags: [],
    profile: profileAt("national", AT),
    settings: SETTINGS,
    at: AT,
    ...overrides,
  };
}

/** What requestCommand() records. */
export const REQUESTED: ConsultEvent = {
  type: "ConsultRequested",
  data: {
    consultId: CONSULT_ID,
    institutionId: INSTITUTION_ID,
    jurisdiction: "national",
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
    patientId: PATIENT,
    patientBirthDate: "1970-05-01",
    patientSex: "F",
    requestedBy: PATIENT,
    guardianId: "",
    guardianRelationship: "",
    requestedAt: AT.toISOString(),
    acceptBy: "2026-03-15T02:30:00.000Z",
    priorRecord: {
      recordId: "doc-1",
      source: "UPLOAD",
      recordType: "OUTPATIENT_RECORD",
      recordDate: "2026-02-20",
      issuingInstitution: "示范市第一人民医院",
      diagnoses: [DIABETES],
    },
    invitation: null,
    familyContractId: "",
    confirmedDiagnoses: [],
  },
};

export const ACCEPTED: ConsultEvent = {
  type: "ConsultAccepted",
  data: { consultId: CONSULT_ID, physicianId: PHYSICIAN, stepUpId: "su-1", sessionId: "s-1", acceptedAt: LATER.toISOString() },
};

export const ELIGIBLE: ConsultEvent = {
  type: "FollowUpEligibilityDecided",
  data: {
    consultId: CONSULT_ID,
    physicianId: PHYSICIAN,
    eligible: true,
    priorRecordId: "doc-1",
    verifiedDiagnoses: [DIABETES],
    reasonCode: "",
    signature: SIGNATURE,
    decidedAt: LATER.toISOString(),
  },
};

export const CONSENTED: ConsultEvent = {
  type: "ConsentGiven",
  data: { consultId: CONSULT_ID, givenBy: PATIENT, consentVersion: "2026-01", consentSha256: "a".repeat(64), givenAt: AT.toISOString() },
};

export const STARTED: ConsultEvent = {
  type: "ConsultStarted",
  data: {
    consultId: CONSULT_ID,
    institutionId: INSTITUTION_ID,
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
    patientId: PATIENT,
    physicianId: PHYSICIAN,
    priorRecordId: "doc-1",
    startedAt: LATER.toISOString(),
    // REP-04 consult response time: requested at AT, accepted (the physician's first act) at LATER.
    requestedAt: AT.toISOString(),
    acceptedAt: LATER.toISOString(),
  },
};

export const IN_PROGRESS: readonly ConsultEvent[] = [REQUESTED, ACCEPTED, ELIGIBLE, CONSENTED, STARTED];
