import { beijingDay, completedYears, isRecordDate, isWithinPriorRecordWindow, type JurisdictionProfile } from "@ihp/jurisdiction";
import { refusal, sharedRefusal } from "../errors.js";
import type {
  FamilyContractFacts,
  GuardianFacts,
  InstitutionFacts,
  InvitationInput,
  MessageContent,
  PatientFacts,
  PriorRecordInput,
} from "./commands.js";
import {
  CONSULT_TYPES,
  type ConsultType,
  type Diagnosis,
  type Invitation,
  PRIOR_RECORD_TYPES,
  type PriorRecord,
} from "./types.js";

// Every rule of the consult aggregate. Each check returns the normalised value or throws the refusal for its stable
// code; the decider turns a thrown refusal back into a returned one.

const ADULT_YEARS = 18;
// 诊疗科目 codes: "03" or "03.07" (shape only; the institution's licence is the list that matters).
const DEPARTMENT = /^\d{2}(\.\d{2})?$/;
// ICD-10, including the national clinical edition's extensions (e.g. "E11.900x001").
const ICD10 = /^[A-Z]\d{2}(\.[0-9A-Za-z]{1,10})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const MAX_TEXT_MESSAGE = 2000;
const MAX_SUMMARY = 5000;

/** CON-01. */
export function requireConsultType(raw: string): ConsultType {
  const type = CONSULT_TYPES.find((candidate) => candidate === raw);
  if (type === undefined) throw refusal("CONSULT_TYPE_NOT_ALLOWED");
  return type;
}

/** IDN-06: a well-formed subject code within the institution's licensed subjects (a licensed parent covers it). */
export function requireDepartment(raw: string, institution: InstitutionFacts): string {
  const code = raw.trim();
  if (!DEPARTMENT.test(code)) throw refusal("UNKNOWN_DEPARTMENT");
  const parent = code.slice(0, 2);
  if (!institution.subjectCodes.some((licensed) => licensed === code || licensed === parent)) {
    throw sharedRefusal("OUT_OF_SCOPE");
  }
  return code;
}

/** REP-01. */
export function requireRegulatorConnection(institution: InstitutionFacts): void {
  if (!institution.regulatorConnected) throw refusal("REGULATOR_NOT_CONNECTED");
}

/** CON-08: emergencies are never handled online. */
export function refuseEmergency(triageFlags: readonly string[]): void {
  if (triageFlags.some((flag) => flag.trim().toUpperCase() === "EMERGENCY")) throw refusal("EMERGENCY_NOT_ALLOWED");
}

/** CON-08: whether a diagnosis is on the configured Class-A (or managed-as-Class-A) list. */
export function isClassA(diagnosis: Diagnosis, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => diagnosis.code === prefix || diagnosis.code.startsWith(`${prefix}.`));
}

export function refuseClassA(diagnoses: readonly Diagnosis[], prefixes: readonly string[]): void {
  if (diagnoses.some((diagnosis) => isClassA(diagnosis, prefixes))) throw refusal("CLASS_A_INFECTIOUS_DISEASE");
}

/**
 * RX-05 / IDN-07: an adult requests for themselves; a child (under 18 on the request day) only through a verified
 * guardian, who is recorded as present. Returns the guardian ("" for adults).
 */
export function requireRequester(
  requestedBy: string,
  patient: PatientFacts,
  guardian: GuardianFacts | null,
  profile: JurisdictionProfile,
  at: Date,
): GuardianFacts | null {
  if (!ISO_DATE.test(patient.birthDate)) throw new Error("identity returned a patient without a birth date");
  const minor = completedYears(patient.birthDate, at, profile.settings.paediatricGuardianAgeLimit.ageCompletes) < ADULT_YEARS;
  if (!minor) {
    if (requestedBy !== patient.patientId) throw refusal("NOT_CONSULT_PARTICIPANT");
    return null;
  }
  if (requestedBy === patient.patientId || guardian === null) throw refusal("GUARDIAN_REQUIRED");
  if (!guardian.verified || guardian.guardianId !== requestedBy) throw refusal("GUARDIAN_NOT_VERIFIED");
  return guardian;
}

/** CON-05: a well-formed ICD-10 diagnosis, trimmed. */
export function requireDiagnoses(list: readonly Diagnosis[]): Diagnosis[] {
  return list.map((diagnosis) => {
    const code = diagnosis.code.trim().toUpperCase();
    const name = diagnosis.name.trim();
    const version = diagnosis.version.trim();
    if (!ICD10.test(code) || !isText(name, 1, 100) || !isText(version, 1, 50)) throw refusal("INVALID_DIAGNOSIS");
    return { code, name, version };
  });
}

/**
 * CON-02 … CON-04: a record of a definite diagnosis from a physical institution, uploaded or linked from HIS, dated
 * within the jurisdiction's window. No record at all is a first visit.
 */
export function requirePriorRecord(
  input: PriorRecordInput | null,
  profile: JurisdictionProfile,
  at: Date,
): PriorRecord {
  const documentId = input?.documentId.trim() ?? "";
  const hisLinkId = input?.hisLinkId.trim() ?? "";
  if (input === null || (documentId === "" && hisLinkId === "")) throw refusal("FIRST_VISIT_NOT_ALLOWED");
  const recordType = PRIOR_RECORD_TYPES.find((candidate) => candidate === input.recordType);
  const issuingInstitution = input.issuingInstitution.trim();
  if (
    (documentId !== "" && hisLinkId !== "") ||
    !isText(documentId || hisLinkId, 1, 128) ||
    recordType === undefined ||
    !isText(issuingInstitution, 2, 100) ||
    input.diagnoses.length === 0
  ) {
    throw refusal("PRIOR_RECORD_NOT_QUALIFYING");
  }
  const diagnoses = requireDiagnoses(input.diagnoses);
  const recordDate = input.recordDate.trim();
  if (!isRecordDate(recordDate) || recordDate > beijingDay(at)) throw refusal("INVALID_PRIOR_RECORD_DATE");
  if (!isWithinPriorRecordWindow(profile, recordDate, at)) throw refusal("PRIOR_RECORD_TOO_OLD");
  const his = documentId === "";
  const hisPatientId = his ? (input.hisPatientId ?? "") : "";
  return {
    recordId: documentId || hisLinkId,
    source: his ? "HIS" : "UPLOAD",
    recordType,
    recordDate,
    issuingInstitution,
    diagnoses,
    ...(hisPatientId === "" ? {} : { hisPatientId }),
  };
}

/** CON-09: the inviting physician and the open offline encounter, with the diagnoses made there. */
export function requireInvitation(input: InvitationInput | null): { invitation: Invitation; diagnoses: Diagnosis[] } {
  const invitingPhysicianId = input?.invitingPhysicianId.trim() ?? "";
  const offlineEncounterId = input?.offlineEncounterId.trim() ?? "";
  if (input === null || !isText(invitingPhysicianId, 1, 128) || !isText(offlineEncounterId, 1, 128)) {
    throw refusal("INVITATION_REQUIRED");
  }
  return { invitation: { invitingPhysicianId, offlineEncounterId }, diagnoses: requireDiagnoses(input.diagnoses) };
}

/** CON-10: an active contract, signed by both sides, of this patient at this institution. */
export function requireFamilyContract(
  contractId: string,
  contract: FamilyContractFacts | null,
  patientId: string,
  institutionId: string,
): FamilyContractFacts {
  if (
    contractId.trim() === "" ||
    contract === null ||
    !contract.active ||
    contract.patientId !== patientId ||
    contract.institutionId !== institutionId
  ) {
    throw refusal("FAMILY_CONTRACT_REQUIRED");
  }
  return contract;
}

/** A text message or an image reference (URI + SHA-256 of the bytes); never an inline blob. */
export function requireMessage(content: MessageContent): MessageContent {
  switch (content.kind) {
    case "TEXT": {
      const text = content.text.trim();
      if (!isText(text, 1, MAX_TEXT_MESSAGE, true)) throw refusal("INVALID_MESSAGE");
      return { kind: "TEXT", text };
    }
    case "IMAGE": {
      const uri = content.uri.trim();
      const sha256 = content.sha256.trim().toLowerCase();
      if (!isMediaUri(uri) || !SHA256.test(sha256)) throw refusal("INVALID_MESSAGE");
      return { kind: "IMAGE", uri, sha256 };
    }
  }
}

export function requireSummary(raw: string): string {
  const summary = raw.trim();
  if (!isText(summary, 1, MAX_SUMMARY, true)) throw refusal("INVALID_SUMMARY");
  return summary;
}

export function requireRecording(uri: string, sha256: string, durationSeconds: number): void {
  if (!isMediaUri(uri.trim()) || !SHA256.test(sha256.trim().toLowerCase())) throw refusal("INVALID_RECORDING");
  if (!Number.isInteger(durationSeconds) || durationSeconds <= 0) throw refusal("INVALID_RECORDING");
}

/** Media live in the object store: https or s3 addresses only (no data: URIs, no javascript:). */
function isMediaUri(uri: string): boolean {
  return /^(https|s3):\/\/[^\s]{1,2000}$/.test(uri);
}

function isText(text: string, min: number, max: number, multiline = false): boolean {
  const length = [...text].length;
  if (length < min || length > max) return false;
  // Multi-line texts (summaries, messages) may hold line breaks and tabs, nothing else from Cc.
  return !(multiline ? text.replace(/[\n\r\t]/g, "") : text).match(CONTROL);
}

// The contracts slice reads "today" through here; the one definition is in @ihp/jurisdiction.
export { beijingDay };
