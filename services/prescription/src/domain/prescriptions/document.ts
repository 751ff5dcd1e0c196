import type { JsonObject } from "@ihp/eventsourcing";
import { ageParts } from "@ihp/jurisdiction";
import type { Prescription } from "./state.js";

export const DOCUMENT_TYPE = "PRESCRIPTION";
export const DOCUMENT_FORMAT_VERSION = 1;

export interface DocumentFacts {
  readonly serialNumber: string;
  readonly predecessorSerialNumber: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly profileVersion: string;
}

/**
 * The prescription as signed (RX-03): everything a pharmacist and a regulator read, as plain JSON whose canonical
 * form (canonicalJson) is the signed byte string. Age in years, months and days so an infant's age shows in months
 * and days (RX-09); the extension reason shows on the prescription (RX-07).
 */
export function prescriptionDocument(prescription: Prescription, facts: DocumentFacts): JsonObject {
  const { consult, content } = prescription;
  return {
    documentType: DOCUMENT_TYPE,
    formatVersion: DOCUMENT_FORMAT_VERSION,
    prescriptionId: prescription.prescriptionId,
    version: prescription.version,
    serialNumber: facts.serialNumber,
    predecessorSerialNumber: facts.predecessorSerialNumber,
    institutionId: consult.institutionId,
    jurisdiction: consult.jurisdiction,
    profileVersion: facts.profileVersion,
    consultId: consult.consultId,
    departmentCode: consult.departmentCode,
    physicianId: consult.physicianId,
    patient: {
      patientId: consult.patientId,
      birthDate: consult.patientBirthDate,
      sex: consult.patientSex,
      age: ageParts(consult.patientBirthDate, facts.issuedOn),
      weightKg: content.patientWeightKg,
    },
    guardian:
      consult.guardianId === ""
        ? null
        : {
            guardianId: consult.guardianId,
            present: content.guardianPresent,
            accompanyingPhysicianPresent: content.accompanyingPhysicianPresent,
          },
    issuedOn: facts.issuedOn,
    validUntil: facts.validUntil,
    diagnoses: content.diagnoses.map((d) => ({ code: d.code, name: d.name, version: d.version })),
    // A line as recorded, without who proposed and confirmed it (DocumentLine).
    lines: content.lines.map(({ proposedBy: _proposedBy, confirmedBy: _confirmedBy, ...line }) => line),
    emergency: content.emergency,
    extensionReason: content.extensionReason,
    longTerm: content.longTerm,
    assessmentNote: content.assessmentNote,
    catalogue: { version: prescription.catalogue.version, sha256: prescription.catalogue.sha256 },
  };
}
