import { createHash } from "node:crypto";
import { refusal } from "../../domain/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The practitioner id RegisterPractitioner creates: a name-based UUID (version 8) from SHA-256 of
 * "practitioner:" + request id, so a retried registration lands on the same stream and is recognised as a repeat.
 * This id is also the practitioner's account subject (`sub` of their tokens).
 */
export function practitionerIdFor(requestId: string): string {
  const bytes = createHash("sha256").update(`practitioner:${requestId}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isPractitionerId(raw: string): boolean {
  return UUID.test(raw);
}

export function requirePractitionerId(raw: string): string {
  if (!UUID.test(raw)) throw refusal("INVALID_PRACTITIONER_ID");
  return raw;
}

export const PRACTITIONER_STREAM_PREFIX = "identity-practitioner-";

export function practitionerStreamId(practitionerId: string): string {
  return `${PRACTITIONER_STREAM_PREFIX}${practitionerId}`;
}

/** The audit resource for a practitioner id from a request; left out when malformed (not ours to echo). */
export function practitionerResource(practitionerId: string): string | undefined {
  return UUID.test(practitionerId) ? `practitioner/${practitionerId}` : undefined;
}
