import type { DomainError } from "@ihp/eventsourcing";
import { type IntegrationErrorCode, refusal } from "./errors.js";

/** CON-03: record types that prove a prior definite diagnosis; the same list as consult's PRIOR_RECORD_TYPES (a test keeps them equal). */
export const PRIOR_RECORD_TYPES = ["OUTPATIENT_RECORD", "INPATIENT_RECORD", "DISCHARGE_SUMMARY", "DIAGNOSIS_CERTIFICATE"] as const;

/** HL7 v2 table 0078 interpretation codes a HIS/LIS sends; empty means "not given". */
export const ABNORMAL_FLAGS = ["", "N", "H", "L", "HH", "LL", "A", "AA", "<", ">"] as const;
export const CODE_SYSTEMS = ["LOINC", "LOCAL"] as const;

export interface Diagnosis {
  readonly code: string;
  readonly name: string;
  readonly version: string;
}
export interface Observation {
  readonly code: string;
  readonly codeSystem: string;
  readonly name: string;
  readonly value: string;
  readonly unit: string;
  readonly referenceRange: string;
  readonly abnormalFlag: string;
}
export interface EncounterContent {
  readonly encounterId: string;
  readonly encounterDate: string;
  readonly department: string;
  readonly recordType: string;
  readonly diagnoses: readonly Diagnosis[];
}
export interface LabResultContent {
  readonly reportId: string;
  readonly issuedAt: string;
  readonly observations: readonly Observation[];
}
export interface ImagingReportContent {
  readonly reportId: string;
  readonly studyInstanceUid: string;
  readonly modality: string;
  readonly findings: string;
  readonly impression: string;
  readonly retrieveUrl: string;
  readonly issuedAt: string;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ICD10 = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/;
const LOINC = /^[0-9]{1,7}-[0-9]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MODALITY = /^[A-Z]{2,4}$/;
const MAX_TEXT = 4000;

export function isSafeId(value: string): boolean {
  return SAFE_ID.test(value);
}

/** DICOM PS3.5 §9.1: components of digits separated by ".", no leading zero in a multi-digit component, ≤ 64 chars. */
export function isDicomUid(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  return value.split(".").every((part) => /^(0|[1-9][0-9]*)$/.test(part));
}

export function isIcd10Code(value: string): boolean {
  return ICD10.test(value);
}

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function isInstant(value: string): boolean {
  return INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

function text(value: string, max = MAX_TEXT): boolean {
  return value.trim() !== "" && value.length <= max;
}

function check(ok: boolean, code: IntegrationErrorCode, detail: string): DomainError | undefined {
  return ok ? undefined : refusal(code, detail);
}

function firstFailure(checks: readonly (() => DomainError | undefined)[]): DomainError | undefined {
  for (const run of checks) {
    const failure = run();
    if (failure !== undefined) return failure;
  }
  return undefined;
}

/** CON-03: an offline encounter usable as prior-diagnosis evidence. Undefined when valid. */
export function checkEncounter(m: EncounterContent, today: string): DomainError | undefined {
  const bad = (ok: boolean, detail: string) => () => check(ok, "INVALID_ENCOUNTER", detail);
  return firstFailure([
    () => check(isSafeId(m.encounterId), "INVALID_HIS_ID", "encounter id"),
    bad(isCalendarDate(m.encounterDate) && m.encounterDate <= today, "encounter date must be a past YYYY-MM-DD"),
    bad(text(m.department, 200), "department"),
    bad((PRIOR_RECORD_TYPES as readonly string[]).includes(m.recordType), `record type must be one of ${PRIOR_RECORD_TYPES.join(", ")}`),
    bad(m.diagnoses.length > 0 && m.diagnoses.length <= 50, "one to fifty diagnoses"),
    ...m.diagnoses.map((d, index) => bad(isIcd10Code(d.code) && text(d.name, 500) && text(d.version, 64), `diagnosis ${index + 1}: ICD-10 code, name and version`)),
  ]);
}

export function checkLabResult(m: LabResultContent): DomainError | undefined {
  const bad = (ok: boolean, detail: string) => () => check(ok, "INVALID_LAB_RESULT", detail);
  return firstFailure([
    () => check(isSafeId(m.reportId), "INVALID_HIS_ID", "report id"),
    bad(isInstant(m.issuedAt), "issued time must be RFC 3339 with a zone"),
    bad(m.observations.length > 0 && m.observations.length <= 500, "one to five hundred observations"),
    ...m.observations.map((o, index) =>
      bad(
        (CODE_SYSTEMS as readonly string[]).includes(o.codeSystem) &&
          (o.codeSystem === "LOINC" ? LOINC.test(o.code) : isSafeId(o.code)) &&
          text(o.name, 200) &&
          text(o.value, 200) &&
          o.unit.length <= 50 &&
          o.referenceRange.length <= 100 &&
          (ABNORMAL_FLAGS as readonly string[]).includes(o.abnormalFlag),
        `observation ${index + 1}: code (LOINC or LOCAL), name, value, unit, range, flag`,
      ),
    ),
  ]);
}

export function checkImagingReport(m: ImagingReportContent): DomainError | undefined {
  const bad = (ok: boolean, detail: string) => () => check(ok, "INVALID_IMAGING_REPORT", detail);
  let url: URL | undefined;
  try {
    url = new URL(m.retrieveUrl);
  } catch {
    url = undefined;
  }
  return firstFailure([
    () => check(isSafeId(m.reportId), "INVALID_HIS_ID", "report id"),
    bad(isDicomUid(m.studyInstanceUid), "study instance UID must be a DICOM UID"),
    bad(MODALITY.test(m.modality), "modality must be a DICOM modality code"),
    bad(text(m.findings) || text(m.impression), "findings or impression"),
    bad(m.findings.length <= MAX_TEXT && m.impression.length <= MAX_TEXT, "findings and impression at most 4000 characters"),
    bad(url !== undefined && url.protocol === "https:" && url.username === "" && url.password === "", "retrieve URL must be https without credentials"),
    bad(isInstant(m.issuedAt), "issued time must be RFC 3339 with a zone"),
  ]);
}
