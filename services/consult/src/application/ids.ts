import { createHash } from "node:crypto";
import { isRequestId } from "@ihp/eventsourcing";
import { refusal } from "../domain/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Patient, physician and guardian ids are identity's subject ids: opaque, no personal data.
const PARTY = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requireRequestId(raw: string): string {
  if (raw === "") throw refusal("REQUEST_ID_REQUIRED");
  if (!isRequestId(raw)) throw refusal("INVALID_REQUEST_ID");
  return raw;
}

export function requireConsultId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_CONSULT_ID");
  return raw;
}

export function requireInstitutionId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_INSTITUTION_ID");
  return raw;
}

export function requirePartyId(raw: string): string {
  if (!PARTY.test(raw)) throw refusal("INVALID_PARTY_ID");
  return raw;
}

export function isUuid(raw: string): boolean {
  return UUID.test(raw);
}

/**
 * A name-based UUID (RFC 9562 §5.8) from the requester and their request id: a retried request lands on the same
 * stream, where handleCommand recognises the repeat; two requesters' ids never collide.
 */
export function derivedId(kind: string, requester: string, requestId: string): string {
  const bytes = createHash("sha256").update(`${kind}:${requester}:${requestId}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function consultStreamId(consultId: string): string {
  return `consult-${consultId}`;
}

export function familyContractStreamId(contractId: string): string {
  return `consult-family-contract-${contractId}`;
}
