import { enumValue, unlessEmpty } from "@ihp/contracts";
import {
  type AccessEntry,
  AccessOutcome,
  MediaKind,
  type MediaReference as MediaMessage,
  type Record as RecordMessage,
  type RecordSections as SectionsMessage,
  type RecordSignature as SignatureMessage,
  RecordStatus,
  type RecordVersion as VersionMessage,
  SignatureRole,
  VisitKind,
} from "@ihp/contracts/records";
import {
  documentAt,
  type MediaReference,
  type MedicalRecord,
  type RecordAccessedData,
  type RecordSections,
  refusal,
  type VersionEntry,
  type VersionSignature,
} from "../../domain/index.js";

const json = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : JSON.stringify(value));
// The domain's statuses, kinds, roles and outcomes are the names of the proto enums' values.
export const statusToProto = (record: MedicalRecord): RecordStatus => enumValue(RecordStatus, "RECORD_STATUS_", record.status);
export const outcomeToProto = (outcome: RecordAccessedData["outcome"]): AccessOutcome => enumValue(AccessOutcome, "ACCESS_OUTCOME_", outcome);

export const mediaToProto = (item: MediaReference): MediaMessage => ({
  ...item,
  kind: enumValue(MediaKind, "MEDIA_KIND_", item.kind),
  bytes: BigInt(item.bytes),
});

/** A signature as shown; the version it signed is the record's. */
export function signatureToProto({ version: _version, ...signature }: VersionSignature): SignatureMessage {
  return { ...signature, role: enumValue(SignatureRole, "SIGNATURE_ROLE_", signature.role) };
}

export function sectionsToProto({ physicalExamination: exam, ...sections }: RecordSections): SectionsMessage {
  return {
    ...sections,
    examined: exam.examined,
    examinationFindings: exam.examined ? exam.findings : "",
    auxiliaryExaminations: sections.auxiliaryExaminations.map((item) => ({ ...item })),
    diagnoses: sections.diagnoses.map((item) => ({ ...item })),
    prescriptions: sections.prescriptions.map((item) => ({ ...item })),
  };
}

/** The physician's edit: "examined" without findings is refused, never silently turned into "not examined". */
export function sectionsFromProto(message: SectionsMessage | undefined): RecordSections {
  if (message === undefined) throw refusal("INVALID_RECORD_INPUT", "sections");
  if (message.examined && message.examinationFindings.trim() === "") throw refusal("INVALID_RECORD_INPUT", "sections.examinationFindings");
  return {
    chiefComplaint: message.chiefComplaint,
    presentIllness: message.presentIllness,
    pastHistory: message.pastHistory,
    allergyHistory: message.allergyHistory,
    physicalExamination: message.examined ? { examined: true, findings: message.examinationFindings } : { examined: false },
    auxiliaryExaminations: message.auxiliaryExaminations.map(({ reportId, summary }) => ({ reportId, summary })),
    diagnoses: message.diagnoses.map(({ code, name, system, main }) => ({ code, name, system, main })),
    treatmentAdvice: message.treatmentAdvice,
    prescriptions: message.prescriptions.map(({ prescriptionId, serialNumber }) => ({ prescriptionId, serialNumber })),
  };
}

/** The record's JSON view at its latest version; `withContent: false` leaves out sections and media (a listing). */
export function recordToProto(record: MedicalRecord, withContent = true): RecordMessage {
  const document = documentAt(record);
  const { header } = record;
  return {
    recordId: record.documentId,
    setId: header.setId,
    version: document?.header.version ?? 0,
    status: statusToProto(record),
    consultId: header.consultId,
    patientId: header.patient.patientId,
    hisPatientId: header.patient.hisPatientId ?? "",
    institutionId: header.custodian.institutionId,
    visitAt: header.visitAt,
    department: { ...header.department },
    visitKind: enumValue(VisitKind, "VISIT_KIND_", header.visitKind),
    priorRecordId: header.priorRecordId ?? undefined,
    authorId: record.author.practitionerId,
    authorName: record.author.name,
    completedAt: record.completedAt ?? "",
    sections: withContent && document !== undefined ? sectionsToProto(document.sections) : undefined,
    media: withContent && document !== undefined ? document.media.map(mediaToProto) : [],
    signatures: withContent ? record.signatures.map(signatureToProto) : [],
    patientName: withContent ? header.patient.name : "",
    patientBirthDate: withContent ? unlessEmpty(header.patient.birthDate) : undefined,
    patientSex: withContent ? { ...header.patient.sex } : undefined,
  };
}

export function versionToProto(entry: VersionEntry): VersionMessage {
  return {
    version: entry.version,
    operatorId: entry.contribution.committer.id,
    operatorRole: entry.contribution.committer.role,
    committedAt: entry.contribution.committedAt,
    changeType: entry.contribution.lifecycle ?? entry.contribution.changeType,
    changes: entry.changes.map((change) => ({ op: change.op, path: change.path, beforeJson: json(change.before), afterJson: json(change.after) })),
  };
}

export function accessToProto(entry: RecordAccessedData): AccessEntry {
  return {
    accessorId: entry.readerId,
    accessorRole: entry.readerRole,
    purpose: entry.purpose,
    outcome: outcomeToProto(entry.outcome),
    reasonCode: unlessEmpty(entry.code),
    at: entry.accessedAt,
  };
}
