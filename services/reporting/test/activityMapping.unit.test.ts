import { ConsultStarted, ConsultCompleted } from "@ihp/contracts/consult";
import {
  ConsultCompletedEntry,
  ConsultStartedEntry,
  PrescriptionReviewEntry,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  StaffRecordEntry,
} from "@ihp/contracts/reporting";
import type { BusMessage } from "@ihp/messaging";
import { describe, expect, it } from "vitest";
import { decodeConsultMessage } from "../src/adapters/consultEvents.js";
import { decodeIdentityMessage } from "../src/adapters/identityEvents.js";
import { decodePharmacyMessage } from "../src/adapters/pharmacyEvents.js";
import { decodePrescriptionMessage } from "../src/adapters/prescriptionEvents.js";
import type { SourceMessage } from "../src/application/sourceMessage.js";
import { activityEntry } from "../src/domain/feed/minimumNecessaryActivity.js";
import type { ActivityFact } from "../src/domain/feed/activityFacts.js";
import {
  consultCompleted,
  prescriptionReviewed,
  prescriptionSigned,
  prescriptionVoided,
  SECRETS,
  staffRecordChanged,
} from "./support/activityEvents.js";
import { contextMessage } from "./support/identityEvents.js";

/** The fact an adapter hands to the domain: the whole decoded event, with everything the feed must not pass on. */
function factOf(decode: (message: BusMessage) => SourceMessage, message: BusMessage): ActivityFact {
  const decoded = decode(message);
  if (decoded.kind !== "fact") throw new Error(`expected a fact, got ${decoded.type}`);
  return decoded.event.fact as ActivityFact;
}

function fieldsOf(message: { create(): object }): string[] {
  return Object.keys(message.create()).sort();
}

describe("minimum-necessary activity mapping", () => {
  it("REP-03: a staff record keeps exactly StaffRecordEntry's fields, the profession as its enum name", () => {
    const fact = factOf(decodeIdentityMessage, staffRecordChanged("inst-1"));
    const mapped = activityEntry(fact);
    expect(mapped.category).toBe("STAFF_RECORD");
    expect(Object.keys(mapped.entry).sort()).toEqual(fieldsOf(StaffRecordEntry));
    expect(mapped.entry).toMatchObject({ profession: "PROFESSION_PHYSICIAN", idNumber: SECRETS.idNumber });
    // The institution travels in the entry's header, not twice.
    expect(mapped.entry).not.toHaveProperty("institutionId");
  });

  it("REP-04: a signed prescription keeps neither the canonical document nor the signature value nor dosing", () => {
    const fact = factOf(decodePrescriptionMessage, prescriptionSigned("inst-1"));
    // The adapter did hand them over: the mapping is what drops them.
    expect(JSON.stringify(fact)).toContain("patientBirthDate");
    const mapped = activityEntry(fact);
    expect(Object.keys(mapped.entry).sort()).toEqual(fieldsOf(PrescriptionSignedEntry));
    expect(mapped.entry).toMatchObject({ signatureCertificateSerial: "CERT-0001", signatureAlgorithm: "SIGNATURE_ALGORITHM_SM2_SM3" });
    const text = JSON.stringify(mapped);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    for (const absent of ["canonicalDocument", "documentHash", "signerId", "jurisdiction", "dose", "route", "frequency"]) {
      expect(text).not.toContain(absent);
    }
  });

  it("REP-04: a consult's diagnoses become codes only", () => {
    const mapped = activityEntry(factOf(decodeConsultMessage, consultCompleted("inst-1")));
    expect(Object.keys(mapped.entry).sort()).toEqual(fieldsOf(ConsultCompletedEntry));
    expect(mapped.entry).toMatchObject({ diagnosisCodes: ["E11.9"] });
    expect(JSON.stringify(mapped)).not.toContain(SECRETS.diagnosisName);
  });

  it("REP-04: fields a producer adds later cannot reach the feed", () => {
    // A later ConsultStarted with a patient name: unknown fields are skipped by protobuf, and a fact object that
    // does carry extras (as a future decoder might hand over) is still mapped field by field.
    const base = ConsultStarted.decode(ConsultStarted.encode(ConsultStarted.create({ consultId: "c-1", institutionId: "inst-1" })).finish());
    const fact = { ...base, type: "ConsultStarted" as const, patientName: "张三", patientPhone: "13800138000" };
    const mapped = activityEntry(fact);
    expect(Object.keys(mapped.entry).sort()).toEqual(fieldsOf(ConsultStartedEntry));
    expect(JSON.stringify(mapped)).not.toMatch(/张三|13800138000/);
  });

  it("REP-04: a review carries the pharmacist's certificate serial, not the signature", () => {
    const mapped = activityEntry(factOf(decodePharmacyMessage, prescriptionReviewed("inst-1")));
    expect(Object.keys(mapped.entry).sort()).toEqual(fieldsOf(PrescriptionReviewEntry));
    expect(mapped.entry).toMatchObject({ outcome: "REVIEW_OUTCOME_RETURNED", signatureCertificateSerial: "CERT-0002" });
    expect(JSON.stringify(mapped)).not.toContain(SECRETS.signatureValue);
  });

  it("REP-04: a voided prescription drops the free-text reason", () => {
    const mapped = activityEntry(factOf(decodePrescriptionMessage, prescriptionVoided()));
    expect(mapped.entry).toStrictEqual({ prescriptionId: "rx-1", serialNumber: "RX-2026-000001", voidedAt: "2026-03-02T09:30:00.000Z" });
    expect(Object.keys(mapped.entry).sort()).toEqual(fieldsOf(PrescriptionVoidedEntry));
  });

  it("REP-04: each context's decoder ignores types it does not map and refuses another context's content type", () => {
    expect(decodeConsultMessage(contextMessage("consult", "ConsultMessageSent", Buffer.from("x")))).toEqual({ kind: "ignored", type: "ConsultMessageSent" });
    const payload = ConsultCompleted.encode(ConsultCompleted.create({ consultId: "c-1" })).finish();
    const mislabelled = contextMessage("consult", "ConsultCompleted", payload, { contentType: "application/x-protobuf; proto=ihp.pharmacy.v1.ConsultCompleted" });
    expect(() => decodeConsultMessage(mislabelled)).toThrow(/unexpected content type/);
  });
});
