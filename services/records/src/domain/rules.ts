import type { Committer } from "./contribution.js";
import type { MediaReference, RecordSections, RecordSignature } from "./document.js";
import { refusal } from "./errors.js";
import type { RecordsSettings } from "./recordCommands.js";
import type { MedicalRecord, RecordHeaderBase, RecordVersion } from "./recordTypes.js";

// The record rules every command shares. Each throws its refusal; the decider returns it (Decider contract).

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
// Minutes required (WS/T 500.2 就诊日期时间), offset required: a bare local time would depend on the host.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function invalid(field: string): never {
  throw refusal("INVALID_RECORD_INPUT", field);
}

export function requireId(value: string, field: string): string {
  if (!ID.test(value)) invalid(field);
  return value;
}

export function requireTimestamp(value: string, field: string): number {
  if (!TIMESTAMP.test(value)) invalid(field);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) invalid(field);
  return ms;
}

export function requireText(value: string, field: string, max = 20_000): string {
  if (value.trim() === "" || value.length > max) invalid(field);
  return value;
}

export function requireHeader(header: RecordHeaderBase): void {
  requireId(header.documentId, "header.documentId");
  requireId(header.setId, "header.setId");
  requireId(header.consultId, "header.consultId");
  requireId(header.patient.patientId, "header.patient.patientId");
  requireId(header.custodian.institutionId, "header.custodian.institutionId");
  requireTimestamp(header.visitAt, "header.visitAt");
  if (header.department.code === "") invalid("header.department");
}

export function requireMedia(media: readonly MediaReference[]): void {
  const ids = new Set<string>();
  for (const item of media) {
    requireId(item.mediaId, "media.mediaId");
    if (ids.has(item.mediaId)) invalid("media.mediaId (duplicate)");
    ids.add(item.mediaId);
    if (!SHA256.test(item.sha256)) invalid("media.sha256");
    if (!Number.isSafeInteger(item.bytes) || item.bytes < 0) invalid("media.bytes");
    requireTimestamp(item.consultEndedAt, "media.consultEndedAt");
  }
}

/** Structure a draft may have: diagnoses coded, at most one main, media well formed. */
export function requireSections(sections: RecordSections): void {
  for (const diagnosis of sections.diagnoses) {
    if (diagnosis.code.trim() === "" || diagnosis.name.trim() === "") invalid("sections.diagnoses");
  }
  if (sections.diagnoses.filter((d) => d.main).length > 1) invalid("sections.diagnoses (more than one main)");
  for (const prescription of sections.prescriptions) requireId(prescription.prescriptionId, "sections.prescriptions");
}

/** What a signed record must have (WS/T 500.2 required sections): a chief complaint and one main diagnosis. */
export function requireComplete(sections: RecordSections): void {
  if (sections.chiefComplaint.trim() === "") throw refusal("RECORD_INCOMPLETE", "chiefComplaint");
  if (sections.diagnoses.filter((d) => d.main).length !== 1) throw refusal("RECORD_INCOMPLETE", "main diagnosis");
}

export function current(record: MedicalRecord): RecordVersion {
  const latest = record.versions.at(-1);
  if (latest === undefined) throw refusal("RECORD_DESTROYED");
  return latest;
}

/** REC-05: writing, editing and signing end editWindowHours after the record was made. */
export function requireEditWindow(record: MedicalRecord, settings: RecordsSettings, at: Date): void {
  const closesAt = Date.parse(record.originatedAt) + settings.editWindowHours * 3_600_000;
  if (at.getTime() > closesAt) throw refusal("EDIT_WINDOW_CLOSED", `closed at ${new Date(closesAt).toISOString()}`);
}

/** REC-07: a signature needs a trusted timestamp, and no signing while the clock is off. */
export function requireTrustedTime(signature: RecordSignature, skewSeconds: number, settings: RecordsSettings): void {
  if (signature.timestampToken === "" || signature.timestampedAt === "") throw refusal("TIMESTAMP_REQUIRED");
  requireTimestamp(signature.timestampedAt, "signature.timestampedAt");
  if (!Number.isFinite(skewSeconds)) invalid("tsaSkewSeconds");
  if (Math.abs(skewSeconds) > settings.maxTsaSkewSeconds) {
    throw refusal("CLOCK_SKEW_TOO_LARGE", `skew ${Math.abs(skewSeconds)}s, limit ${settings.maxTsaSkewSeconds}s`);
  }
}

/** A signature must be the committer's own and name a value. */
export function requireOwnSignature(signature: RecordSignature, committerId: string): void {
  if (signature.signerId !== committerId) throw refusal("NOT_RECORD_AUTHOR", "signature is not the committer's");
  if (signature.value === "" || signature.documentHash === "") invalid("signature");
}

export function requireCurrentVersion(record: MedicalRecord, version: number): void {
  const latest = current(record).version;
  if (version !== latest) throw refusal("STALE_VERSION", `current version ${latest}`);
}

/**
 * Tenant check: staff and services act only on records their institution keeps. Patients (and guardians, who act in
 * the patient role) are not bound to an institution; each command that lets them act checks who they are.
 */
export function requireCustodian(record: MedicalRecord, committer: Committer): void {
  if (committer.role === "patient") return;
  if (committer.institutionId !== record.header.custodian.institutionId) throw refusal("NOT_CUSTODIAN");
}

/** Not destroyed, not archived, not restricted: the record may still be written. */
export function requireWritable(record: MedicalRecord): void {
  if (record.status === "DESTROYED") throw refusal("RECORD_DESTROYED");
  if (record.status === "ARCHIVED") throw refusal("RECORD_ARCHIVED");
  if (record.restrictedAt !== null) throw refusal("RECORD_RESTRICTED");
}
