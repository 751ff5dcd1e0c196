import { createHash } from "node:crypto";
import { isRequestId } from "@ihp/eventsourcing";
import { refusal } from "../domain/errors.js";
import { isSafeId } from "../domain/prescription/index.js";


export function requireRequestId(raw: string): string {
  if (raw === "") throw refusal("REQUEST_ID_REQUIRED");
  if (!isRequestId(raw)) throw refusal("INVALID_REQUEST_ID");
  return raw;
}

/** A prescription version as requests name it. */
export interface VersionRef {
  readonly prescriptionId: string;
  readonly serialNumber: string;
}

export function requireVersionRef(prescriptionId: string, serialNumber: string): VersionRef {
  if (!isSafeId(prescriptionId) || !isSafeId(serialNumber)) throw refusal("INVALID_PRESCRIPTION_ID");
  return { prescriptionId, serialNumber };
}

export function requireInstitutionId(raw: string): string {
  if (!isSafeId(raw)) throw refusal("INVALID_INSTITUTION_ID");
  return raw;
}

const STREAM_PREFIX = "pharmacy-rx-";
// "~" is not allowed in either id, so the stream id splits back into both unambiguously.
const STREAM_SEPARATOR = "~";

export function prescriptionStreamId(ref: VersionRef): string {
  return `${STREAM_PREFIX}${ref.prescriptionId}${STREAM_SEPARATOR}${ref.serialNumber}`;
}

/** The version a prescription stream holds; undefined for any other stream. */
export function versionOfStream(streamId: string): VersionRef | undefined {
  if (!streamId.startsWith(STREAM_PREFIX)) return undefined;
  const [prescriptionId, serialNumber, ...rest] = streamId.slice(STREAM_PREFIX.length).split(STREAM_SEPARATOR);
  if (prescriptionId === undefined || serialNumber === undefined || rest.length > 0) return undefined;
  return { prescriptionId, serialNumber };
}

/**
 * The review roster's books for one Beijing month, "YYYY-MM" (PHA-06). "~" is not allowed in an institution id, so no
 * institution's stream can be named like another's month.
 */
export function rosterPeriodStreamId(institutionId: string, period: string): string {
  return `pharmacy-roster-${institutionId}${STREAM_SEPARATOR}${period}`;
}

/** The roster's one unsplit stream, kept before the monthly books: read once, carried into the first month, closed. */
export function legacyRosterStreamId(institutionId: string): string {
  return `pharmacy-roster-${institutionId}`;
}

/** The audit resource of a version; left out when the ids are malformed (not ours to echo). */
export function versionResource(prescriptionId: string, serialNumber: string): string | undefined {
  return isSafeId(prescriptionId) && isSafeId(serialNumber) ? `prescription/${prescriptionId}/${serialNumber}` : undefined;
}

/**
 * Ids a command creates (shift, delivery), derived from its request id so that a retried request lands on the same
 * id and is recognised as a repeat. Name-based UUID (SHA-256, version 8).
 */
export function derivedId(kind: string, requestId: string): string {
  const bytes = createHash("sha256").update(`${kind}:${requestId}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
