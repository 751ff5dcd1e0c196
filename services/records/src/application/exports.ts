import { documentAt, type MedicalRecord, refusal } from "../domain/index.js";
import { renderCda, renderFhirBundle, type RenderingContext } from "../renderings/index.js";
import type { Caller } from "./caller.js";
import type { RecordReader } from "./access.js";

/** One record rendered for integrators (REC-01): the version it renders and the text. */
export interface RecordExport {
  readonly recordId: string;
  readonly version: number;
  readonly contentType: string;
  readonly content: string;
}

export const CDA_CONTENT_TYPE = "application/hl7-cda+xml";
export const FHIR_CONTENT_TYPE = "application/fhir+json";

/** The record's latest version as the renderings take it. */
export function latestDocument(record: MedicalRecord) {
  const document = documentAt(record);
  if (document === undefined) throw refusal("RECORD_NOT_FOUND");
  return document;
}

/**
 * The CDA R2 and FHIR R4 exports of a record (REC-01). Each is a read like any other (REC-08, REC-09, XC-01): the
 * same access rules, plus the custodian's own hospital systems (role integration), and an access event with purpose
 * EXPORT whether it is allowed or refused.
 */
export function createRecordExports(options: { read: RecordReader; context: RenderingContext }) {
  const { read, context } = options;
  const exportOf = async (caller: Caller, action: string, documentId: string, render: (record: MedicalRecord) => Omit<RecordExport, "recordId">): Promise<RecordExport> => {
    const record = await read(caller, action, documentId, { purpose: "EXPORT", systems: true });
    return { recordId: record.documentId, ...render(record) };
  };
  return {
    cda: (caller: Caller, documentId: string) =>
      exportOf(caller, "ExportRecordCda", documentId, (record) => {
        const document = latestDocument(record);
        return { version: document.header.version, contentType: CDA_CONTENT_TYPE, content: renderCda(document, context) };
      }),
    fhir: (caller: Caller, documentId: string) =>
      exportOf(caller, "ExportRecordFhir", documentId, (record) => {
        const document = latestDocument(record);
        return { version: document.header.version, contentType: FHIR_CONTENT_TYPE, content: JSON.stringify(renderFhirBundle(document, context)) };
      }),
  };
}

export type RecordExports = ReturnType<typeof createRecordExports>;
