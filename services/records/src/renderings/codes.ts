import { NOT_EXAMINED_TEXT, type OutpatientRecord, type RecordSignature } from "../domain/document.js";

/**
 * Codes and identifiers shared by the CDA rendering and the FHIR export, in one place.
 *
 * From shared/REFERENCES.md (WS/T 500-2016 part 2, 门(急)诊病历): the template id, the document code C0002 and the
 * LOINC section codes. The remaining WS/T 500 object identifiers (document-id root, 门诊号 root, code systems of
 * the 卫生信息共享文档编码体系, GB/T 2261.1 and ICD-10) follow the standard's sample documents as we know them; the
 * standard's text is not in shared/, so check them against it before a regulator's validator sees a document.
 */
export const WST500 = {
  templateId: "2.16.156.10011.2.1.1.22",
  documentCode: "C0002",
  documentCodeSystem: "2.16.156.10011.2.4",
  documentCodeSystemName: "卫生信息共享文档编码体系",
  title: "门(急)诊病历",
  documentIdRoot: "2.16.156.10011.1.1",
  outpatientNumberRoot: "2.16.156.10011.1.11",
  organizationIdRoot: "2.16.156.10011.1.5",
  sexCodeSystem: "2.16.156.10011.2.3.3.4",
  sexCodeSystemName: "生理性别代码表（GB/T 2261.1）",
  icd10CodeSystem: "2.16.156.10011.2.3.3.11",
  icd10CodeSystemName: "ICD-10",
} as const;

export const HL7 = {
  cdaTypeIdRoot: "2.16.840.1.113883.1.3",
  cdaTypeIdExtension: "POCD_MT000040",
  loinc: "2.16.840.1.113883.6.1",
  confidentiality: "2.16.840.1.113883.5.25",
} as const;

export const LOINC_FHIR = "http://loinc.org";
/** LOINC 34108-1 Outpatient Note: the document type integrators outside China search for. */
export const OUTPATIENT_NOTE = { code: "34108-1", display: "Outpatient Note" } as const;

/**
 * The platform's own identifiers (patient, practitioner, consult, …) need an OID arc of the institution that
 * publishes the document: `oidRoot` (from the service's configuration). Each kind gets a fixed sub-arc.
 */
export const ID_ARC = {
  patient: 1,
  practitioner: 2,
  consult: 3,
  prescription: 4,
  report: 5,
  media: 6,
  priorRecord: 7,
  department: 8,
  documentSet: 10,
} as const;

export interface RenderingContext {
  /** The publishing institution's OID arc, e.g. "2.16.156.10011.99.1234" (digits and dots). */
  readonly oidRoot: string;
}

export function checkContext(context: RenderingContext): void {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(context.oidRoot)) throw new Error("oidRoot must be an OID (digits and dots)");
}

export function idRoot(context: RenderingContext, kind: keyof typeof ID_ARC): string {
  return `${context.oidRoot}.${ID_ARC[kind]}`;
}

/** One clinical section as both renderings show it: WS/T 500 title, LOINC code and the narrative lines. */
export interface SectionView {
  readonly key: "chiefComplaint" | "presentIllness" | "pastHistory" | "allergyHistory" | "physicalExamination" | "auxiliaryExaminations" | "diagnoses" | "treatmentAdvice";
  readonly title: string;
  readonly loinc: string;
  readonly loincDisplay: string;
  readonly lines: readonly string[];
}

const lines = (text: string): string[] => text.split(/\r\n|\r|\n/);

/** The eight WS/T 500.2 sections in document order. */
export function sectionViews(record: OutpatientRecord): SectionView[] {
  const s = record.sections;
  return [
    { key: "chiefComplaint", title: "主诉", loinc: "10154-3", loincDisplay: "Chief complaint", lines: lines(s.chiefComplaint) },
    { key: "presentIllness", title: "现病史", loinc: "10164-2", loincDisplay: "History of present illness", lines: lines(s.presentIllness) },
    { key: "pastHistory", title: "既往史", loinc: "11348-0", loincDisplay: "History of past illness", lines: lines(s.pastHistory) },
    { key: "allergyHistory", title: "过敏史", loinc: "48765-2", loincDisplay: "Allergies and adverse reactions", lines: lines(s.allergyHistory) },
    {
      key: "physicalExamination",
      title: "体格检查",
      loinc: "29545-1",
      loincDisplay: "Physical findings",
      lines: s.physicalExamination.examined ? lines(s.physicalExamination.findings) : [NOT_EXAMINED_TEXT],
    },
    {
      key: "auxiliaryExaminations",
      title: "辅助检查",
      loinc: "30954-2",
      loincDisplay: "Relevant diagnostic tests and/or laboratory data",
      lines: s.auxiliaryExaminations.length === 0 ? ["无"] : s.auxiliaryExaminations.map((exam) => `${exam.summary}（报告 ${exam.reportId}）`),
    },
    {
      key: "diagnoses",
      title: "诊断",
      loinc: "29548-5",
      loincDisplay: "Diagnosis",
      lines: s.diagnoses.map((d) => `${d.main ? "主要诊断" : "其他诊断"}：${d.name}（${d.system} ${d.code}）`),
    },
    {
      key: "treatmentAdvice",
      title: "治疗处理意见",
      loinc: "18776-5",
      loincDisplay: "Plan of care note",
      lines: [...lines(s.treatmentAdvice), ...s.prescriptions.map((rx) => `处方 ${rx.serialNumber}`)],
    },
  ];
}

export const signatureOf = (record: OutpatientRecord, role: RecordSignature["role"]): RecordSignature | undefined =>
  record.signatures.find((signature) => signature.role === role);

/**
 * The document's time: when the author signed it (the trusted timestamp), else the visit time of a draft. A
 * signed record is final; a trainee's record without its co-signature is not yet (REC-05).
 */
export function documentState(record: OutpatientRecord): { readonly time: string; readonly final: boolean } {
  const author = signatureOf(record, "AUTHOR");
  return { time: author?.timestampedAt ?? record.header.visitAt, final: author !== undefined };
}
