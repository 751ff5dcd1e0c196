import type { Diagnosis, OutpatientRecord, RecordSignature } from "../domain/document.js";
import { HL7, WST500, checkContext, documentState, idRoot, sectionViews, signatureOf, type RenderingContext, type SectionView } from "./codes.js";
import { hl7Date, hl7Time } from "./time.js";
import { el, serialize, type XmlNode } from "./xml.js";

/**
 * The HL7 CDA R2 rendering of an outpatient record (REC-01), following the header of WS/T 500.2 (门(急)诊病历):
 * realm CN, the CDA type id, the WS/T 500 template, document id per version, code C0002, title, effective time,
 * confidentiality, language zh-CN, set id and version number, the patient with the HIS 门诊号, author, custodian,
 * legal authenticator (author's signature) and authenticator (co-signer), the visit as the encompassing encounter,
 * and a structured body with the eight sections (diagnoses as ICD-10 coded entries), then, when the consult left
 * media, a section listing them (REC-01: media references attached). A pure function: the same record and context
 * give the same bytes.
 */
export function renderCda(record: OutpatientRecord, context: RenderingContext): string {
  checkContext(context);
  const { header } = record;
  const state = documentState(record);
  const root = el(
    "ClinicalDocument",
    { xmlns: "urn:hl7-org:v3", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
    el("realmCode", { code: "CN" }),
    el("typeId", { root: HL7.cdaTypeIdRoot, extension: HL7.cdaTypeIdExtension }),
    el("templateId", { root: WST500.templateId }),
    el("id", { root: WST500.documentIdRoot, extension: versionedId(header.documentId, header.version) }),
    el("code", { code: WST500.documentCode, codeSystem: WST500.documentCodeSystem, codeSystemName: WST500.documentCodeSystemName }),
    el("title", {}, WST500.title),
    el("effectiveTime", { value: hl7Time(state.time, "second") }),
    el("confidentialityCode", { code: "N", codeSystem: HL7.confidentiality, codeSystemName: "Confidentiality", displayName: "正常访问保密级别" }),
    el("languageCode", { code: "zh-CN" }),
    el("setId", { root: idRoot(context, "documentSet"), extension: header.setId }),
    el("versionNumber", { value: header.version }),
    recordTarget(record, context),
    el(
      "author",
      { typeCode: "AUT", contextControlCode: "OP" },
      el("time", { value: hl7Time(state.time, "second") }),
      el(
        "assignedAuthor",
        { classCode: "ASSIGNED" },
        el("id", { root: idRoot(context, "practitioner"), extension: record.author.practitionerId }),
        el("assignedPerson", { classCode: "PSN", determinerCode: "INSTANCE" }, el("name", {}, record.author.name)),
      ),
    ),
    el(
      "custodian",
      { typeCode: "CST" },
      el(
        "assignedCustodian",
        { classCode: "ASSIGNED" },
        el(
          "representedCustodianOrganization",
          { classCode: "ORG", determinerCode: "INSTANCE" },
          el("id", { root: WST500.organizationIdRoot, extension: header.custodian.institutionId }),
          el("name", {}, header.custodian.name),
        ),
      ),
    ),
    signer("legalAuthenticator", signatureOf(record, "AUTHOR"), context),
    signer("authenticator", signatureOf(record, "COSIGNER"), context),
    header.version > 1 &&
      el(
        "relatedDocument",
        { typeCode: "RPLC" },
        el(
          "parentDocument",
          {},
          el("id", { root: WST500.documentIdRoot, extension: versionedId(header.documentId, header.version - 1) }),
          el("setId", { root: idRoot(context, "documentSet"), extension: header.setId }),
          el("versionNumber", { value: header.version - 1 }),
        ),
      ),
    encompassingEncounter(record, context),
    el(
      "component",
      {},
      el("structuredBody", {}, ...sectionViews(record).map((view) => section(view, record, context)), mediaSection(record, context)),
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`;
}

/** CDA ids are per version (the set id ties versions together); the record's document id is stable. */
export function versionedId(documentId: string, version: number): string {
  return `${documentId}.v${version}`;
}

function recordTarget(record: OutpatientRecord, context: RenderingContext): XmlNode {
  const { patient } = record.header;
  return el(
    "recordTarget",
    { typeCode: "RCT", contextControlCode: "OP" },
    el(
      "patientRole",
      { classCode: "PAT" },
      patient.hisPatientId === null
        ? el("id", { root: WST500.outpatientNumberRoot, nullFlavor: "UNK" })
        : el("id", { root: WST500.outpatientNumberRoot, extension: patient.hisPatientId }),
      el("id", { root: idRoot(context, "patient"), extension: patient.patientId }),
      el(
        "patient",
        { classCode: "PSN", determinerCode: "INSTANCE" },
        el("name", {}, patient.name),
        el("administrativeGenderCode", {
          code: patient.sex.code,
          displayName: patient.sex.name,
          codeSystem: WST500.sexCodeSystem,
          codeSystemName: WST500.sexCodeSystemName,
        }),
        el("birthTime", { value: hl7Date(patient.birthDate) }),
      ),
    ),
  );
}

function signer(name: "legalAuthenticator" | "authenticator", signature: RecordSignature | undefined, context: RenderingContext): XmlNode | null {
  if (signature === undefined) return null;
  return el(
    name,
    {},
    el("time", { value: hl7Time(signature.timestampedAt, "second") }),
    el("signatureCode", { code: "S" }),
    el(
      "assignedEntity",
      {},
      el("id", { root: idRoot(context, "practitioner"), extension: signature.signerId }),
      el("code", { displayName: signature.role === "AUTHOR" ? "接诊医师" : "上级医师" }),
      el("assignedPerson", { classCode: "PSN", determinerCode: "INSTANCE" }, el("name", {}, signature.signerName)),
    ),
  );
}

function encompassingEncounter(record: OutpatientRecord, context: RenderingContext): XmlNode {
  const { header } = record;
  const first = header.visitKind === "FIRST";
  return el(
    "componentOf",
    {},
    el(
      "encompassingEncounter",
      {},
      el("id", { root: idRoot(context, "consult"), extension: header.consultId }),
      el("code", { code: first ? "1" : "2", displayName: first ? "初诊" : "复诊", codeSystemName: "初诊标志代码" }),
      el("effectiveTime", { value: hl7Time(header.visitAt, "minute") }),
      el(
        "location",
        {},
        el(
          "healthCareFacility",
          {},
          el(
            "serviceProviderOrganization",
            {},
            el("id", { root: idRoot(context, "department"), extension: header.department.code }),
            el("name", {}, header.department.name),
            el(
              "asOrganizationPartOf",
              {},
              el(
                "wholeOrganization",
                {},
                el("id", { root: WST500.organizationIdRoot, extension: header.custodian.institutionId }),
                el("name", {}, header.custodian.name),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function section(view: SectionView, record: OutpatientRecord, context: RenderingContext): XmlNode {
  return el(
    "component",
    {},
    el(
      "section",
      {},
      el("code", { code: view.loinc, displayName: view.loincDisplay, codeSystem: HL7.loinc, codeSystemName: "LOINC" }),
      el("title", {}, view.title),
      el("text", {}, ...view.lines.map((line) => el("paragraph", {}, line))),
      ...entries(view, record, context),
    ),
  );
}

function entries(view: SectionView, record: OutpatientRecord, context: RenderingContext): XmlNode[] {
  const { sections, header } = record;
  switch (view.key) {
    case "diagnoses":
      return sections.diagnoses.map(diagnosisEntry);
    case "presentIllness":
      return header.priorRecordId === null ? [] : [reference("priorRecord", header.priorRecordId, "线下就诊病历", context)];
    case "auxiliaryExaminations":
      return sections.auxiliaryExaminations.map((exam) => reference("report", exam.reportId, exam.summary, context));
    case "treatmentAdvice":
      return sections.prescriptions.map((rx) => reference("prescription", rx.prescriptionId, `处方 ${rx.serialNumber}`, context));
    default:
      return [];
  }
}

function diagnosisEntry(diagnosis: Diagnosis): XmlNode {
  return el(
    "entry",
    { typeCode: "DRIV" },
    el(
      "observation",
      { classCode: "OBS", moodCode: "EVN" },
      el("code", { code: "29548-5", displayName: diagnosis.main ? "主要诊断" : "其他诊断", codeSystem: HL7.loinc, codeSystemName: "LOINC" }),
      el("priorityCode", { code: diagnosis.main ? "1" : "2", displayName: diagnosis.main ? "主要诊断" : "其他诊断" }),
      el("value", {
        "xsi:type": "CD",
        code: diagnosis.code,
        displayName: diagnosis.name,
        codeSystem: WST500.icd10CodeSystem,
        codeSystemName: diagnosis.system,
      }),
    ),
  );
}

/** A link to another document (prior offline record, report, prescription) by its id, as an act with a reference. */
function reference(kind: "priorRecord" | "report" | "prescription", id: string, label: string, context: RenderingContext): XmlNode {
  return el(
    "entry",
    {},
    el(
      "act",
      { classCode: "ACT", moodCode: "EVN" },
      el("code", { nullFlavor: "NA" }),
      el("text", {}, label),
      el(
        "reference",
        { typeCode: "REFR" },
        el("externalDocument", { classCode: "DOCCLIN", moodCode: "EVN" }, el("id", { root: idRoot(context, kind), extension: id })),
      ),
    ),
  );
}

/**
 * The consult's media (transcript, images, audio, video) as observationMedia entries: id, media type and the
 * SHA-256 as the HL7 integrity check, the bytes themselves stay in the blob store. WS/T 500.2 has no section code for
 * them, so the section has a title and no code.
 */
function mediaSection(record: OutpatientRecord, context: RenderingContext): XmlNode | null {
  if (record.media.length === 0) return null;
  return el(
    "component",
    {},
    el(
      "section",
      {},
      el("title", {}, MEDIA_SECTION_TITLE),
      el("text", {}, ...record.media.map((item) => el("paragraph", {}, `${MEDIA_KIND_NAMES[item.kind]} ${item.mediaId}（${item.contentType}，${item.bytes} 字节）`))),
      ...record.media.map((item) =>
        el(
          "entry",
          {},
          el(
            "observationMedia",
            { classCode: "OBS", moodCode: "EVN" },
            el("id", { root: idRoot(context, "media"), extension: item.mediaId }),
            el(
              "value",
              {
                mediaType: item.contentType,
                integrityCheck: Buffer.from(item.sha256, "hex").toString("base64"),
                integrityCheckAlgorithm: "SHA-256",
              },
              el("reference", { value: `urn:sha256:${item.sha256}` }),
            ),
          ),
        ),
      ),
    ),
  );
}

export const MEDIA_SECTION_TITLE = "诊疗过程资料";
const MEDIA_KIND_NAMES: Readonly<Record<OutpatientRecord["media"][number]["kind"], string>> = {
  TRANSCRIPT: "图文记录",
  IMAGE: "图片",
  AUDIO: "音频",
  VIDEO: "视频",
};

