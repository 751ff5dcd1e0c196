import { createHash } from "node:crypto";

// Stream ids of the records service's log. Ids are checked by the domain (requireId) before they reach a stream name.

/** The record aggregate (R1's decider), every version, signature and access event of one document. */
export function recordStreamId(documentId: string): string {
  return `records-record-${documentId}`;
}

/** Which record a consult produced: one index event, written with the record. */
export function consultIndexStreamId(consultId: string): string {
  return `records-consult-${consultId}`;
}

/** The records of one patient, one index event per record. */
export function patientIndexStreamId(patientId: string): string {
  return `records-patient-${patientId}`;
}

/** Name-based UUID (SHA-256, version 8): one consult always gives the same document id, so a redelivery is a repeat. */
export function derivedId(kind: string, key: string): string {
  const bytes = createHash("sha256").update(`${kind}:${key}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export function isSafeId(value: string): boolean {
  return SAFE.test(value);
}
