import { FeedCategory, type FeedEntry } from "@ihp/contracts/reporting";
import type { ActivityEntry } from "../domain/feed/activityEntries.js";
import type { FeedRecord } from "../application/feedQueries.js";
import { supervisionPayload } from "./supervisionFeedProto.js";

type Payload = NonNullable<FeedEntry["payload"]>;

/**
 * A feed record as the contract's FeedEntry (proto/ihp/reporting/v1/feed.proto). Every payload is a literal of the
 * schema's fields, never a spread of stored data: what the log holds beyond the schema stays in the log.
 */
export function toFeedEntry(record: FeedRecord): FeedEntry {
  const { data } = record;
  const header = {
    position: record.position.toString(),
    sourceEventId: data.sourceEventId,
    institutionId: data.institutionId,
    jurisdiction: data.jurisdiction,
    occurredAt: data.occurredAt,
  };
  switch (data.category) {
    case "INSTITUTION_LICENCE": {
      const { entry } = data;
      return {
        ...header,
        category: FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE,
        payload: {
          $case: "institutionLicence",
          value: {
            name: entry.name,
            grade: entry.grade,
            licenceNumber: entry.licenceNumber,
            licenceValidFrom: entry.licenceValidFrom,
            licenceValidUntil: entry.licenceValidUntil,
            subjectCodes: [...entry.subjectCodes],
            hostLicenceNumber: entry.hostLicenceNumber,
          },
        },
      };
    }
    case "REGULATOR_CONNECTION": {
      const { entry } = data;
      return {
        ...header,
        category: FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION,
        payload: {
          $case: "regulatorConnection",
          value: { connected: entry.connected, platformReference: entry.platformReference },
        },
      };
    }
    case "ADVERSE_EVENT":
    case "SATISFACTION":
    case "COMPLAINT":
      return { ...header, ...supervisionPayload(data) };
    default:
      return { ...header, ...activityPayload(data) };
  }
}

const CATEGORIES = {
  STAFF_RECORD: FeedCategory.FEED_CATEGORY_STAFF_RECORD,
  CONSULT: FeedCategory.FEED_CATEGORY_CONSULT,
  PRESCRIPTION: FeedCategory.FEED_CATEGORY_PRESCRIPTION,
  PRESCRIPTION_REVIEW: FeedCategory.FEED_CATEGORY_PRESCRIPTION_REVIEW,
  DISPENSING: FeedCategory.FEED_CATEGORY_DISPENSING,
  DELIVERY: FeedCategory.FEED_CATEGORY_DELIVERY,
  EMR: FeedCategory.FEED_CATEGORY_EMR,
} as const satisfies Record<ActivityEntry["category"], FeedCategory>;

function activityPayload(activity: ActivityEntry): { category: FeedCategory; payload: Payload } {
  return { category: CATEGORIES[activity.category], payload: payloadOf(activity) };
}

function payloadOf(activity: ActivityEntry): Payload {
  switch (activity.category) {
    case "STAFF_RECORD": {
      const { entry } = activity;
      return {
        $case: "staffRecord",
        value: {
          practitionerId: entry.practitionerId,
          change: entry.change,
          profession: entry.profession,
          name: entry.name,
          idNumber: entry.idNumber,
          practiceLicenceNumber: entry.practiceLicenceNumber,
          title: entry.title,
          scopeCodes: [...entry.scopeCodes],
          departmentCodes: [...entry.departmentCodes],
          mainInstitutionName: entry.mainInstitutionName,
          practiceStartedOn: entry.practiceStartedOn,
          photoHash: entry.photoHash,
          active: entry.active,
        },
      };
    }
    case "CONSULT":
      return consultPayload(activity);
    case "PRESCRIPTION":
      return prescriptionPayload(activity);
    case "PRESCRIPTION_REVIEW": {
      const { entry } = activity;
      return {
        $case: "prescriptionReview",
        value: {
          prescriptionId: entry.prescriptionId,
          serialNumber: entry.serialNumber,
          outcome: entry.outcome,
          reasonCode: entry.reasonCode,
          pharmacistId: entry.pharmacistId,
          reviewedAt: entry.reviewedAt,
          signatureCertificateSerial: entry.signatureCertificateSerial,
        },
      };
    }
    case "DISPENSING": {
      const { entry } = activity;
      return {
        $case: "dispensing",
        value: {
          prescriptionId: entry.prescriptionId,
          serialNumber: entry.serialNumber,
          pharmacyId: entry.pharmacyId,
          pharmacistId: entry.pharmacistId,
          dispensedAt: entry.dispensedAt,
        },
      };
    }
    case "DELIVERY":
      return deliveryPayload(activity);
    case "EMR": {
      const { entry } = activity;
      return {
        $case: "emr",
        value: {
          recordId: entry.recordId,
          version: entry.version,
          signerId: entry.signerId,
          cosigned: entry.cosigned,
          signedAt: entry.signedAt,
          documentHash: entry.documentHash,
          signatureCertificateSerial: entry.signatureCertificateSerial,
          signatureAlgorithm: entry.signatureAlgorithm,
        },
      };
    }
  }
}

function consultPayload(activity: Extract<ActivityEntry, { category: "CONSULT" }>): Payload {
  switch (activity.kind) {
    case "STARTED": {
      const { entry } = activity;
      return {
        $case: "consultStarted",
        value: {
          consultId: entry.consultId,
          consultType: entry.consultType,
          departmentCode: entry.departmentCode,
          patientId: entry.patientId,
          physicianId: entry.physicianId,
          startedAt: entry.startedAt,
          priorRecordId: entry.priorRecordId,
        },
      };
    }
    case "COMPLETED": {
      const { entry } = activity;
      return {
        $case: "consultCompleted",
        value: {
          consultId: entry.consultId,
          physicianId: entry.physicianId,
          completedAt: entry.completedAt,
          diagnosisCodes: [...entry.diagnosisCodes],
          summaryHash: entry.summaryHash,
        },
      };
    }
    case "TERMINATED": {
      const { entry } = activity;
      return {
        $case: "consultTerminated",
        value: {
          consultId: entry.consultId,
          physicianId: entry.physicianId,
          reasonCode: entry.reasonCode,
          terminatedAt: entry.terminatedAt,
          referredOffline: entry.referredOffline,
        },
      };
    }
    case "REFUSED": {
      const { entry } = activity;
      return {
        $case: "consultRefused",
        value: {
          consultId: entry.consultId,
          consultType: entry.consultType,
          departmentCode: entry.departmentCode,
          reasonCode: entry.reasonCode,
          refusedAt: entry.refusedAt,
        },
      };
    }
  }
}

function prescriptionPayload(activity: Extract<ActivityEntry, { category: "PRESCRIPTION" }>): Payload {
  switch (activity.kind) {
    case "SIGNED": {
      const { entry } = activity;
      return {
        $case: "prescriptionSigned",
        value: {
          prescriptionId: entry.prescriptionId,
          serialNumber: entry.serialNumber,
          predecessorSerialNumber: entry.predecessorSerialNumber,
          consultId: entry.consultId,
          physicianId: entry.physicianId,
          patientId: entry.patientId,
          issuedOn: entry.issuedOn,
          validUntil: entry.validUntil,
          drugs: entry.drugs.map((drug) => ({
            drugCode: drug.drugCode,
            approvedName: drug.approvedName,
            quantity: drug.quantity,
            quantityUnit: drug.quantityUnit,
            daysSupply: drug.daysSupply,
          })),
          diagnosisCodes: [...entry.diagnosisCodes],
          signatureCertificateSerial: entry.signatureCertificateSerial,
          signatureAlgorithm: entry.signatureAlgorithm,
        },
      };
    }
    case "VOIDED": {
      const { entry } = activity;
      return {
        $case: "prescriptionVoided",
        value: { prescriptionId: entry.prescriptionId, serialNumber: entry.serialNumber, voidedAt: entry.voidedAt },
      };
    }
  }
}

function deliveryPayload(activity: Extract<ActivityEntry, { category: "DELIVERY" }>): Payload {
  switch (activity.kind) {
    case "DISPATCHED": {
      const { entry } = activity;
      return {
        $case: "deliveryDispatched",
        value: {
          deliveryId: entry.deliveryId,
          prescriptionId: entry.prescriptionId,
          serialNumber: entry.serialNumber,
          pharmacyId: entry.pharmacyId,
          carrier: entry.carrier,
          agreementId: entry.agreementId,
          trackingNumber: entry.trackingNumber,
          handedOverAt: entry.handedOverAt,
        },
      };
    }
    case "STATUS_CHANGED": {
      const { entry } = activity;
      return {
        $case: "deliveryStatus",
        value: { deliveryId: entry.deliveryId, prescriptionId: entry.prescriptionId, status: entry.status, at: entry.at },
      };
    }
  }
}
