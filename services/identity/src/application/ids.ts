import { createHash } from "node:crypto";
import { isRequestId } from "@ihp/eventsourcing";
import { refusal } from "../domain/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Mutations need a client request id (ARCHITECTURE §5): repeating it returns the first result. At least 8 characters
 * because RegisterInstitution derives the institution id from it, and short ids ("1") from different clients would
 * collide; a UUID is what clients should send.
 */
export function requireRequestId(raw: string): string {
  if (raw === "") throw refusal("REQUEST_ID_REQUIRED");
  if (!isRequestId(raw)) throw refusal("INVALID_REQUEST_ID");
  return raw;
}

export function isValidRequestId(raw: string): boolean {
  return isRequestId(raw);
}

/**
 * The institution id RegisterInstitution creates, derived from the request id so that a retried registration lands on
 * the same stream and handleCommand recognises the repeat. A name-based UUID: SHA-256 of "institution:" + request id,
 * first 16 bytes, with the version (8, RFC 9562 §5.8 custom/name-based) and variant bits set.
 */
export function institutionIdFor(requestId: string): string {
  const bytes = createHash("sha256").update(`institution:${requestId}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An institution id from a request: a UUID in its canonical lower-case form (the form tokens name tenants in). */
export function requireInstitutionId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_INSTITUTION_ID");
  return raw;
}

export function isInstitutionId(raw: string): boolean {
  return UUID.test(raw);
}

export function institutionStreamId(institutionId: string): string {
  return `identity-institution-${institutionId}`;
}
