import { createHash } from "node:crypto";
import { isRequestId } from "@ihp/eventsourcing";
import { refusal } from "../domain/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONSULT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requireRequestId(raw: string): string {
  if (raw === "") throw refusal("REQUEST_ID_REQUIRED");
  if (!isRequestId(raw)) throw refusal("INVALID_REQUEST_ID");
  return raw;
}

/**
 * The prescription id a draft creates, derived from the caller and request id so a retried draft lands on the same
 * stream (handleCommand then recognises the repeat): name-based UUID (version 8) from SHA-256.
 */
export function prescriptionIdFor(actorId: string, requestId: string): string {
  const bytes = createHash("sha256").update(`prescription:${actorId}:${requestId}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function requirePrescriptionId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_PRESCRIPTION_ID");
  return raw;
}

export function isPrescriptionId(raw: string): boolean {
  return UUID.test(raw);
}

export function requireConsultId(raw: string): string {
  if (!CONSULT_ID.test(raw)) throw refusal("INVALID_CONSULT_ID");
  return raw;
}

export function requireInstitutionId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_INSTITUTION_ID");
  return raw;
}

export const prescriptionStreamId = (id: string): string => `prescription-${id}`;
export const serialStreamId = (institutionId: string, issuedOn: string): string =>
  `prescription-serials-${institutionId}-${issuedOn.replace(/-/g, "")}`;
export const governanceStreamId = (institutionId: string): string => `prescription-governance-${institutionId}`;
