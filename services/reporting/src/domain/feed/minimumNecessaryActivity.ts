import type { ActivityEntry, PrescribedDrug, StaffRecordEntry } from "./activityEntries.js";
import type { ActivityFact, PrescriptionLineFact, StaffRecordChangedFact } from "./activityFacts.js";

// REP-04 (最少可用原则) for activity entries, as minimumNecessary.ts for the institution's: each entry is a literal
// built here from named properties of the fact — never a spread of it — so what a producer adds to its event (the
// signed document, the signature value, diagnosis names, a free-text reason, patient birth date …) cannot reach the
// regulator unless the feed schema and this file change.

/** The category, kind and entry a fact is reported as. */
export function activityEntry(fact: ActivityFact): ActivityEntry {
  switch (fact.type) {
    case "StaffRecordChanged":
      return { category: "STAFF_RECORD", entry: staffRecordEntry(fact) };
    case "ConsultStarted":
      return {
        category: "CONSULT",
        kind: "STARTED",
        entry: {
          consultId: fact.consultId,
          consultType: fact.consultType,
          departmentCode: fact.departmentCode,
          patientId: fact.patientId,
          physicianId: fact.physicianId,
          startedAt: fact.startedAt,
          priorRecordId: fact.priorRecordId,
        },
      };
    case "ConsultCompleted":
      return {
        category: "CONSULT",
        kind: "COMPLETED",
        entry: {
          consultId: fact.consultId,
          physicianId: fact.physicianId,
          completedAt: fact.completedAt,
          diagnosisCodes: fact.diagnoses.map((diagnosis) => diagnosis.code),
          summaryHash: fact.summaryHash,
        },
      };
    case "ConsultTerminated":
      return {
        category: "CONSULT",
        kind: "TERMINATED",
        entry: {
          consultId: fact.consultId,
          physicianId: fact.physicianId,
          reasonCode: fact.reasonCode,
          terminatedAt: fact.terminatedAt,
          referredOffline: fact.referredOffline,
        },
      };
    case "ConsultRefused":
      return {
        category: "CONSULT",
        kind: "REFUSED",
        entry: {
          consultId: fact.consultId,
          consultType: fact.consultType,
          departmentCode: fact.departmentCode,
          reasonCode: fact.reasonCode,
          refusedAt: fact.refusedAt,
        },
      };
    case "PrescriptionSigned":
      return {
        category: "PRESCRIPTION",
        kind: "SIGNED",
        entry: {
          prescriptionId: fact.prescriptionId,
          serialNumber: fact.serialNumber,
          predecessorSerialNumber: fact.predecessorSerialNumber,
          consultId: fact.consultId,
          physicianId: fact.physicianId,
          patientId: fact.patientId,
          issuedOn: fact.issuedOn,
          validUntil: fact.validUntil,
          drugs: fact.lines.map(prescribedDrug),
          diagnosisCodes: [...fact.diagnosisCodes],
          signatureCertificateSerial: fact.signature?.certificateSerial ?? "",
          signatureAlgorithm: fact.signature?.algorithm ?? "",
        },
      };
    case "PrescriptionVoided":
      return {
        category: "PRESCRIPTION",
        kind: "VOIDED",
        entry: { prescriptionId: fact.prescriptionId, serialNumber: fact.serialNumber, voidedAt: fact.voidedAt },
      };
    case "PrescriptionReviewed":
      return {
        category: "PRESCRIPTION_REVIEW",
        entry: {
          prescriptionId: fact.prescriptionId,
          serialNumber: fact.serialNumber,
          outcome: fact.outcome,
          reasonCode: fact.reasonCode,
          pharmacistId: fact.pharmacistId,
          reviewedAt: fact.reviewedAt,
          signatureCertificateSerial: fact.signature?.certificateSerial ?? "",
        },
      };
    case "PrescriptionDispensed":
      return {
        category: "DISPENSING",
        entry: {
          prescriptionId: fact.prescriptionId,
          serialNumber: fact.serialNumber,
          pharmacyId: fact.pharmacyId,
          pharmacistId: fact.pharmacistId,
          dispensedAt: fact.dispensedAt,
        },
      };
    case "DeliveryDispatched":
      return {
        category: "DELIVERY",
        kind: "DISPATCHED",
        entry: {
          deliveryId: fact.deliveryId,
          prescriptionId: fact.prescriptionId,
          serialNumber: fact.serialNumber,
          pharmacyId: fact.pharmacyId,
          carrier: fact.carrier,
          agreementId: fact.agreementId,
          trackingNumber: fact.trackingNumber,
          handedOverAt: fact.handedOverAt,
        },
      };
    case "DeliveryStatusChanged":
      return {
        category: "DELIVERY",
        kind: "STATUS_CHANGED",
        entry: { deliveryId: fact.deliveryId, prescriptionId: fact.prescriptionId, status: fact.status, at: fact.at },
      };
    case "RecordSigned":
      return {
        category: "EMR",
        entry: {
          recordId: fact.recordId,
          version: fact.version,
          signerId: fact.signerId,
          cosigned: fact.cosigned,
          signedAt: fact.signedAt,
          documentHash: fact.documentHash,
          signatureCertificateSerial: fact.signatureCertificateSerial,
          signatureAlgorithm: fact.signatureAlgorithm,
        },
      };
  }
}

function staffRecordEntry(fact: StaffRecordChangedFact): StaffRecordEntry {
  return {
    practitionerId: fact.practitionerId,
    change: fact.change,
    profession: fact.profession,
    name: fact.name,
    idNumber: fact.idNumber,
    practiceLicenceNumber: fact.practiceLicenceNumber,
    title: fact.title,
    scopeCodes: [...fact.scopeCodes],
    departmentCodes: [...fact.departmentCodes],
    mainInstitutionName: fact.mainInstitutionName,
    practiceStartedOn: fact.practiceStartedOn,
    photoHash: fact.photoHash,
    active: fact.active,
  };
}

// Drug code, approved name, quantity and days' supply: not dose, route, frequency, form or strength.
function prescribedDrug(line: PrescriptionLineFact): PrescribedDrug {
  return {
    drugCode: line.drugCode,
    approvedName: line.approvedName,
    quantity: line.quantity,
    quantityUnit: line.quantityUnit,
    daysSupply: line.daysSupply,
  };
}
