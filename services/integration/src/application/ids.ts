import { createHash } from "node:crypto";

// "~" is in no id (isSafeId), so each stream id splits back unambiguously.
export function hisPatientStreamId(institutionId: string, hisPatientId: string): string {
  return `integration-his-${institutionId}~${hisPatientId}`;
}

/** The message-id claim of one institution's message: the first event decides the outcome of every repeat. */
export function messageStreamId(institutionId: string, messageId: string): string {
  return `integration-msg-${institutionId}~${messageId}`;
}

/** Which HIS patient an encounter or report id belongs to, per institution (kind: encounter, lab, imaging). */
export function objectIndexStreamId(kind: "encounter" | "lab" | "imaging", institutionId: string, objectId: string): string {
  return `integration-${kind}-${institutionId}~${objectId}`;
}

/** The HIS patients (of any institution) linked to one platform patient. */
export function patientIndexStreamId(patientId: string): string {
  return `integration-patient-${patientId}`;
}

/** Name-based UUID (SHA-256, version 8): the same message always writes the same index event ids (idempotent appends). */
export function derivedId(kind: string, key: string): string {
  const bytes = createHash("sha256").update(`${kind}:${key}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A string field of stored event data ("" when absent or not a string). */
export function textOf(data: Readonly<Record<string, unknown>>, key: string): string {
  const value = data[key];
  return typeof value === "string" ? value : "";
}
