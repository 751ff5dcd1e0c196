import type { SupervisionEntry } from "../adverseEvents/supervisionEntries.js";
import type { ActivityEntry } from "../feed/activityEntries.js";
import type { FeedEntryRecordedData, FeedJurisdiction, InstitutionLicenceEntry, RegulatorConnectionEntry } from "../feed/entries.js";

// REP-04 delivery: what one feed entry becomes on the way to a regulator. The body is picked field by field from the
// schema of its message type (最少可用原则): a field the feed gains later reaches no regulator until it is listed here.

/**
 * REP-05 "which is sent back": the institution's rectification of a regulator's finding, sent to the regulator when
 * the anomaly case closes. Built from the case's AnomalyCaseOpened and AnomalyCaseClosed events, not from the feed.
 */
export type AnomalyRectification = {
  readonly caseId: string;
  readonly findingCode: string;
  readonly findingReference: string;
  readonly rectificationNote: string;
  readonly closedAt: string;
};

type EntryOf<T> = T extends { readonly entry: infer E } ? E : never;
type Fields<E> = readonly (keyof E & string)[];

/** The feed entry's fields each message type may carry, and nothing else. */
export const MESSAGE_SCHEMAS = {
  INSTITUTION_LICENCE: ["name", "grade", "licenceNumber", "licenceValidFrom", "licenceValidUntil", "subjectCodes", "hostLicenceNumber"] satisfies Fields<InstitutionLicenceEntry>,
  REGULATOR_CONNECTION: ["connected", "platformReference"] satisfies Fields<RegulatorConnectionEntry>,
  STAFF_RECORD: [
    "practitionerId", "change", "profession", "name", "idNumber", "practiceLicenceNumber", "title", "scopeCodes",
    "departmentCodes", "mainInstitutionName", "practiceStartedOn", "photoHash", "active",
  ] satisfies Fields<EntryOf<Extract<ActivityEntry, { category: "STAFF_RECORD" }>>>,
  "CONSULT.STARTED": ["consultId", "consultType", "departmentCode", "patientId", "physicianId", "startedAt", "priorRecordId"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "STARTED" }>>>,
  "CONSULT.COMPLETED": ["consultId", "physicianId", "completedAt", "diagnosisCodes", "summaryHash"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "COMPLETED" }>>>,
  "CONSULT.TERMINATED": ["consultId", "physicianId", "reasonCode", "terminatedAt", "referredOffline"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "TERMINATED" }>>>,
  "CONSULT.REFUSED": ["consultId", "consultType", "departmentCode", "reasonCode", "refusedAt"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "REFUSED" }>>>,
  "PRESCRIPTION.SIGNED": [
    "prescriptionId", "serialNumber", "predecessorSerialNumber", "consultId", "physicianId", "patientId", "issuedOn",
    "validUntil", "drugs", "diagnosisCodes", "signatureCertificateSerial", "signatureAlgorithm",
  ] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "SIGNED" }>>>,
  "PRESCRIPTION.VOIDED": ["prescriptionId", "serialNumber", "voidedAt"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "VOIDED" }>>>,
  PRESCRIPTION_REVIEW: ["prescriptionId", "serialNumber", "outcome", "reasonCode", "pharmacistId", "reviewedAt", "signatureCertificateSerial"] satisfies Fields<EntryOf<Extract<ActivityEntry, { category: "PRESCRIPTION_REVIEW" }>>>,
  DISPENSING: ["prescriptionId", "serialNumber", "pharmacyId", "pharmacistId", "dispensedAt"] satisfies Fields<EntryOf<Extract<ActivityEntry, { category: "DISPENSING" }>>>,
  "DELIVERY.DISPATCHED": ["deliveryId", "prescriptionId", "serialNumber", "pharmacyId", "carrier", "agreementId", "trackingNumber", "handedOverAt"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "DISPATCHED" }>>>,
  "DELIVERY.STATUS_CHANGED": ["deliveryId", "prescriptionId", "status", "at"] satisfies Fields<EntryOf<Extract<ActivityEntry, { kind: "STATUS_CHANGED" }>>>,
  EMR: ["recordId", "version", "signerId", "cosigned", "signedAt", "documentHash", "signatureCertificateSerial", "signatureAlgorithm"] satisfies Fields<EntryOf<Extract<ActivityEntry, { category: "EMR" }>>>,
  ADVERSE_EVENT: ["adverseEventId", "change", "kind", "severity", "scopeKind", "scopeValue", "suspended", "at"] satisfies Fields<EntryOf<Extract<SupervisionEntry, { category: "ADVERSE_EVENT" }>>>,
  SATISFACTION: ["consultId", "physicianId", "departmentCode", "score", "ratedAt"] satisfies Fields<EntryOf<Extract<SupervisionEntry, { category: "SATISFACTION" }>>>,
  COMPLAINT: ["complaintId", "consultId", "categoryCode", "status", "at", "late"] satisfies Fields<EntryOf<Extract<SupervisionEntry, { category: "COMPLAINT" }>>>,
  ANOMALY_RECTIFICATION: ["caseId", "findingCode", "findingReference", "rectificationNote", "closedAt"] satisfies Fields<AnomalyRectification>,
} as const;

export type MessageType = keyof typeof MESSAGE_SCHEMAS;

/** The entry field a message type's business record is known by at the regulator, and whether it has versions. */
const BUSINESS_KEYS: Readonly<Record<MessageType, { readonly field: string | undefined; readonly versioned: boolean }>> = {
  INSTITUTION_LICENCE: { field: undefined, versioned: true },
  REGULATOR_CONNECTION: { field: undefined, versioned: true },
  STAFF_RECORD: { field: "practitionerId", versioned: true },
  "CONSULT.STARTED": { field: "consultId", versioned: false },
  "CONSULT.COMPLETED": { field: "consultId", versioned: false },
  "CONSULT.TERMINATED": { field: "consultId", versioned: false },
  "CONSULT.REFUSED": { field: "consultId", versioned: false },
  "PRESCRIPTION.SIGNED": { field: "serialNumber", versioned: false },
  "PRESCRIPTION.VOIDED": { field: "serialNumber", versioned: false },
  PRESCRIPTION_REVIEW: { field: "serialNumber", versioned: true },
  DISPENSING: { field: "serialNumber", versioned: false },
  "DELIVERY.DISPATCHED": { field: "deliveryId", versioned: false },
  "DELIVERY.STATUS_CHANGED": { field: "deliveryId", versioned: true },
  EMR: { field: "recordId", versioned: true },
  ADVERSE_EVENT: { field: "adverseEventId", versioned: true },
  SATISFACTION: { field: "consultId", versioned: false },
  COMPLAINT: { field: "complaintId", versioned: true },
  ANOMALY_RECTIFICATION: { field: "caseId", versioned: false },
};

export type MessageValue = string | number | boolean | readonly string[] | readonly Readonly<Record<string, string | number>>[];

/** One message to one regulator: one feed entry, minimum necessary. */
export interface RegulatorMessage {
  /** Business id + "/" + the feed event id: our dedup key. */
  readonly messageId: string;
  /** What the regulator deduplicates on: the message type and the record it is about (plus the fact's time for records with versions). */
  readonly businessId: string;
  /** The FeedEntryRecorded event's id. */
  readonly eventId: string;
  readonly type: MessageType;
  readonly institutionId: string;
  readonly jurisdiction: FeedJurisdiction;
  readonly occurredAt: string;
  readonly body: Readonly<Record<string, MessageValue>>;
}

export function messageTypeOf(data: FeedEntryRecordedData): MessageType {
  return "kind" in data ? (`${data.category}.${data.kind}` as MessageType) : data.category;
}

export function messageIdOf(businessId: string, eventId: string): string {
  return `${businessId}/${eventId}`;
}

/** Where a message comes from and goes to: the fields of a feed entry's header a message keeps. */
export interface MessageHeader {
  readonly institutionId: string;
  readonly jurisdiction: FeedJurisdiction;
  readonly occurredAt: string;
}

/** The regulator message a feed entry becomes. Only the schema's fields are copied, whatever else the entry holds. */
export function toRegulatorMessage(eventId: string, data: FeedEntryRecordedData): RegulatorMessage {
  return buildMessage(eventId, messageTypeOf(data), data.entry, data);
}

/** The REP-05 rectification message of a closed anomaly case (minimum necessary, as for feed entries). */
export function toRectificationMessage(eventId: string, rectification: AnomalyRectification, header: MessageHeader): RegulatorMessage {
  return buildMessage(eventId, "ANOMALY_RECTIFICATION", rectification, header);
}

function buildMessage(eventId: string, type: MessageType, entry: Readonly<Record<string, MessageValue>>, data: MessageHeader): RegulatorMessage {
  const body: Record<string, MessageValue> = {};
  for (const field of MESSAGE_SCHEMAS[type]) {
    const value = entry[field];
    if (value !== undefined) body[field] = value;
  }
  const key = BUSINESS_KEYS[type];
  const keyValue = key.field === undefined ? data.institutionId : entry[key.field];
  // The feed refuses entries without their ids (FEED_SOURCE_INVALID); should one lack it, its own event id keeps it apart.
  const record = typeof keyValue === "string" && keyValue !== "" ? keyValue : eventId;
  const businessId = `${type}:${record}${key.versioned ? `@${data.occurredAt}` : ""}`;
  return { messageId: messageIdOf(businessId, eventId), businessId, eventId, type, institutionId: data.institutionId, jurisdiction: data.jurisdiction, occurredAt: data.occurredAt, body };
}

/** Entry fields that name an account: an institution, a person, or a pharmacy. */
const ACCOUNT_FIELDS = ["practitionerId", "patientId", "physicianId", "pharmacistId", "pharmacyId"] as const;

/**
 * Test and demo accounts are never sent to a regulator: a message is withheld when its institution or any account
 * it names is on the delivery configuration's list of test accounts (the platform has no test flag on accounts).
 */
export function namesTestAccount(message: RegulatorMessage, testAccounts: ReadonlySet<string>): boolean {
  if (testAccounts.has(message.institutionId)) return true;
  return ACCOUNT_FIELDS.some((field) => {
    const value = message.body[field];
    return typeof value === "string" && testAccounts.has(value);
  });
}
