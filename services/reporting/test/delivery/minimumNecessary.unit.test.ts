import {
  AdverseEventEntry,
  AnomalyRectificationMessage,
  ComplaintEntry,
  ConsultCompletedEntry,
  ConsultRefusedEntry,
  ConsultStartedEntry,
  ConsultTerminatedEntry,
  DeliveryDispatchedEntry,
  DeliveryStatusEntry,
  DispensingEntry,
  EmrEntry,
  InstitutionLicenceEntry,
  PrescriptionReviewEntry,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  RegulatorConnectionEntry,
  SatisfactionEntry,
  StaffRecordEntry,
} from "@ihp/contracts/reporting";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { ningxiaXml } from "../../src/adapters/delivery/ningxiaXmlAdapter.js";
import { wireMessage } from "../../src/adapters/delivery/jsonPushAdapter.js";
import { MESSAGE_SCHEMAS, type MessageType, toRectificationMessage, toRegulatorMessage } from "../../src/domain/delivery/regulatorMessage.js";
import type { FeedEntryRecordedData } from "../../src/domain/feed/entries.js";

// REP-04 最少可用原则 on the wire: each message type carries exactly the fields of its contract message — a test that
// fails on any extra field, whatever the feed entry holds.

/** The contract message each message type's body must match field for field. */
const CONTRACTS: Readonly<Record<MessageType, { create(): object }>> = {
  INSTITUTION_LICENCE: InstitutionLicenceEntry,
  REGULATOR_CONNECTION: RegulatorConnectionEntry,
  STAFF_RECORD: StaffRecordEntry,
  "CONSULT.STARTED": ConsultStartedEntry,
  "CONSULT.COMPLETED": ConsultCompletedEntry,
  "CONSULT.TERMINATED": ConsultTerminatedEntry,
  "CONSULT.REFUSED": ConsultRefusedEntry,
  "PRESCRIPTION.SIGNED": PrescriptionSignedEntry,
  "PRESCRIPTION.VOIDED": PrescriptionVoidedEntry,
  PRESCRIPTION_REVIEW: PrescriptionReviewEntry,
  DISPENSING: DispensingEntry,
  "DELIVERY.DISPATCHED": DeliveryDispatchedEntry,
  "DELIVERY.STATUS_CHANGED": DeliveryStatusEntry,
  EMR: EmrEntry,
  ADVERSE_EVENT: AdverseEventEntry,
  SATISFACTION: SatisfactionEntry,
  COMPLAINT: ComplaintEntry,
  ANOMALY_RECTIFICATION: AnomalyRectificationMessage,
};

/** Fields a producer could add that no regulator may get. */
const EXTRAS = { patientName: "张三", idNumber2: "11010519491231002X", freeText: "青霉素过敏", canonicalDocument: "{}" };

function entryOf(type: MessageType): FeedEntryRecordedData {
  const [category, kind] = type.split(".");
  const entry = { ...Object.fromEntries(MESSAGE_SCHEMAS[type].map((field) => [field, `v-${field}`])), ...EXTRAS };
  const header = { sourceEventId: `s-${type}`, institutionId: "inst-1", jurisdiction: "yinchuan", occurredAt: "2026-12-06T01:00:00.000Z" };
  return { ...header, category, ...(kind === undefined ? {} : { kind }), entry } as unknown as FeedEntryRecordedData;
}

const TYPES = Object.keys(MESSAGE_SCHEMAS) as MessageType[];
const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

describe("minimum-necessary regulator messages (REP-04)", () => {
  it.each(TYPES)("REP-04: a %s message carries exactly its contract's fields", (type) => {
    expect(sorted(MESSAGE_SCHEMAS[type])).toEqual(sorted(Object.keys(CONTRACTS[type].create())));
  });

  it.each(TYPES)("REP-04: a %s message on the wire (JSON and DB64/T XML) has no field outside its schema", (type) => {
    const message = toRegulatorMessage("event-1", entryOf(type));
    const json = JSON.parse(JSON.stringify(wireMessage(message))) as { body: object };
    expect(sorted(Object.keys(json))).toEqual(["body", "businessId", "institutionId", "messageId", "occurredAt", "type"]);
    expect(sorted(Object.keys(json.body))).toEqual(sorted(MESSAGE_SCHEMAS[type]));
    const xml = new XMLParser().parse(ningxiaXml(message, { senderCode: "S", receiverCode: "R" }, new Date("2026-12-07T01:00:00Z"))) as {
      Message: { Header: object; Body: Record<string, object> };
    };
    const [dataClass, fields] = Object.entries(xml.Message.Body)[0] ?? ["", {}];
    expect(dataClass).toMatch(/^(Filing|Business|Evaluation|AdverseEvent|Rectification)Data$/);
    expect(sorted(Object.keys(fields))).toEqual(sorted(MESSAGE_SCHEMAS[type]));
    expect(JSON.stringify(xml)).not.toMatch(/张三|青霉素|11010519491231002X/);
  });

  it("REP-05: a rectification sent back carries the finding and the note only, whatever else the case holds; its business id is the case", () => {
    const rectification = { caseId: "case-1", findingCode: "RX_REVIEW_LATE", findingReference: "TJ-2026-1", rectificationNote: "已整改：审方排班补足。", closedAt: "2026-12-06T01:00:00.000Z", ...EXTRAS };
    const message = toRectificationMessage("event-9", rectification, { institutionId: "inst-1", jurisdiction: "tianjin", occurredAt: "2026-12-06T01:00:00.000Z" });
    expect(sorted(Object.keys(message.body))).toEqual(sorted(MESSAGE_SCHEMAS.ANOMALY_RECTIFICATION));
    expect(JSON.stringify(wireMessage(message))).not.toMatch(/张三|青霉素|11010519491231002X/);
    expect(message).toMatchObject({ type: "ANOMALY_RECTIFICATION", businessId: "ANOMALY_RECTIFICATION:case-1", messageId: "ANOMALY_RECTIFICATION:case-1/event-9", jurisdiction: "tianjin" });
  });

  it("REP-04: message id = business id + event id; versioned records carry the fact's time in their business id", () => {
    const consult = toRegulatorMessage("event-1", entryOf("CONSULT.STARTED"));
    expect(consult.businessId).toBe("CONSULT.STARTED:v-consultId");
    expect(consult.messageId).toBe("CONSULT.STARTED:v-consultId/event-1");
    expect(toRegulatorMessage("event-2", entryOf("INSTITUTION_LICENCE")).businessId).toBe("INSTITUTION_LICENCE:inst-1@2026-12-06T01:00:00.000Z");
  });

  it("REP-04: the DB64/T-shaped XML has a header with sender, receiver, message id and Beijing send time", () => {
    const message = toRegulatorMessage("event-1", entryOf("PRESCRIPTION.VOIDED"));
    const header = (new XMLParser().parse(ningxiaXml(message, { senderCode: "IHP", receiverCode: "NX-JG" }, new Date("2026-12-07T01:00:00Z"))) as { Message: { Header: Record<string, string> } }).Message.Header;
    expect(header).toMatchObject({ SenderCode: "IHP", ReceiverCode: "NX-JG", MessageId: message.messageId, BusinessId: message.businessId, SendTime: "2026-12-07T09:00:00+08:00", DataClass: "BusinessData", MessageType: "PRESCRIPTION.VOIDED" });
  });
});
