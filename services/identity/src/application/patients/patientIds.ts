import { createHash } from "node:crypto";
import { refusal } from "../../domain/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A patient's id, derived from the blind index of the identity document: a second registration of the same person
 * lands on the same stream and is refused there (no read model to race). A name-based UUID (version 8) of SHA-256
 * over "patient:" + index; the index is keyed, so the id reveals nothing about the document.
 */
export function patientIdFor(idNumberIndex: string): string {
  const bytes = createHash("sha256").update(`patient:${idNumberIndex}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function requirePatientId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_PATIENT_ID");
  return raw;
}

export function isPatientId(raw: string): boolean {
  return UUID.test(raw);
}

export function patientStreamId(patientId: string): string {
  return `identity-patient-${patientId}`;
}

export function patientResource(patientId: string): string | undefined {
  return isPatientId(patientId) ? `patient/${patientId}` : undefined;
}
