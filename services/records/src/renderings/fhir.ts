import { createHash } from "node:crypto";
import type { OutpatientRecord, RecordSignature } from "../domain/document.js";
import { renderCda, versionedId } from "./cda.js";
import {
  LOINC_FHIR,
  OUTPATIENT_NOTE,
  WST500,
  checkContext,
  documentState,
  idRoot,
  sectionViews,
  signatureOf,
  type RenderingContext,
} from "./codes.js";
import { fhirTime } from "./time.js";
import { el, serialize } from "./xml.js";

/** A FHIR R4 resource as JSON. */
export type FhirResource = { readonly resourceType: string; readonly id: string } & Record<string, unknown>;
export interface FhirBundle {
  readonly resourceType: "Bundle";
  readonly id: string;
  readonly identifier: { readonly system: string; readonly value: string };
  readonly type: "document";
  readonly timestamp: string;
  readonly entry: readonly { readonly fullUrl: string; readonly resource: FhirResource }[];
}

/**
 * FHIR R4 Attachment.hash is SHA-1 (base64). The platform keys content by SHA-256, so every attachment also carries
 * this extension with the SHA-256 (base64), and media, whose SHA-1 the platform never computed, carry only it.
 */
export const ATTACHMENT_SHA256_EXTENSION = "urn:ihp:fhir:StructureDefinition:attachment-sha256";

const oid = (value: string): string => `urn:oid:${value}`;

/**
 * The FHIR export of an outpatient record for integrators (REC-01): a document Bundle whose first entry is the
 * Composition (sections as narrative, diagnoses as Conditions), with the Patient (platform id and HIS 门诊号), the
 * author and co-signer Practitioners, the custodian Organization, the Encounter, and a DocumentReference carrying the
 * CDA rendering (data, size, SHA-1 hash and the SHA-256 extension) plus one DocumentReference per media item. Every
 * reference points inside the bundle (urn:uuid full URLs, derived from the record so the export is deterministic).
 */
export function renderFhirBundle(record: OutpatientRecord, context: RenderingContext): FhirBundle {
  checkContext(context);
  const { header } = record;
  const state = documentState(record);
  const docId = versionedId(header.documentId, header.version);
  const uuid = (...parts: string[]): string => deterministicUuid(header.documentId, String(header.version), ...parts);
  const ref = (id: string): { reference: string } => ({ reference: `urn:uuid:${id}` });

  const ids = {
    composition: uuid("Composition"),
    patient: uuid("Patient", header.patient.patientId),
    author: uuid("Practitioner", record.author.practitionerId),
    organization: uuid("Organization", header.custodian.institutionId),
    encounter: uuid("Encounter", header.consultId),
    cda: uuid("DocumentReference", "cda"),
  };
  const cosign = signatureOf(record, "COSIGNER");
  const cosignerId = cosign ? uuid("Practitioner", cosign.signerId) : null;
  const conditions = record.sections.diagnoses.map((diagnosis, index) => ({ diagnosis, id: uuid("Condition", String(index), diagnosis.code) }));
  const media = record.media.map((item) => ({ item, id: uuid("DocumentReference", "media", item.mediaId) }));
  const docType = {
    coding: [
      { system: LOINC_FHIR, code: OUTPATIENT_NOTE.code, display: OUTPATIENT_NOTE.display },
      { system: oid(WST500.documentCodeSystem), code: WST500.documentCode, display: WST500.title },
    ],
  };
  const replaces = header.version > 1 ? [{ code: "replaces", targetIdentifier: { system: oid(WST500.documentIdRoot), value: versionedId(header.documentId, header.version - 1) } }] : undefined;

  const composition: FhirResource = {
    resourceType: "Composition",
    id: ids.composition,
    identifier: { system: oid(WST500.documentIdRoot), value: docId },
    status: state.final ? "final" : "preliminary",
    type: docType,
    subject: ref(ids.patient),
    encounter: ref(ids.encounter),
    date: fhirTime(state.time),
    author: [ref(ids.author)],
    title: WST500.title,
    confidentiality: "N",
    attester: [attester("legal", signatureOf(record, "AUTHOR"), ids.author), attester("professional", cosign, cosignerId)].filter((a) => a !== null),
    custodian: ref(ids.organization),
    ...(replaces ? { relatesTo: replaces } : {}),
    section: sectionViews(record).map((view) => ({
      title: view.title,
      code: { coding: [{ system: LOINC_FHIR, code: view.loinc, display: view.loincDisplay }] },
      text: { status: "generated", div: serialize(el("div", { xmlns: "http://www.w3.org/1999/xhtml" }, ...view.lines.map((line) => el("p", {}, line)))) },
      ...(view.key === "diagnoses" && conditions.length > 0 ? { entry: conditions.map((c) => ref(c.id)) } : {}),
    })),
  };

  const { patient } = header;
  const patientResource: FhirResource = {
    resourceType: "Patient",
    id: ids.patient,
    identifier: [
      { system: oid(idRoot(context, "patient")), value: patient.patientId },
      ...(patient.hisPatientId === null ? [] : [{ type: { text: "门诊号 (HIS)" }, system: oid(WST500.outpatientNumberRoot), value: patient.hisPatientId }]),
    ],
    name: [{ text: patient.name }],
    gender: GENDER[patient.sex.code] ?? "unknown",
    birthDate: patient.birthDate,
  };
  const practitioner = (id: string, practitionerId: string, name: string): FhirResource => ({
    resourceType: "Practitioner",
    id,
    identifier: [{ system: oid(idRoot(context, "practitioner")), value: practitionerId }],
    name: [{ text: name }],
  });
  const organization: FhirResource = {
    resourceType: "Organization",
    id: ids.organization,
    identifier: [{ system: oid(WST500.organizationIdRoot), value: header.custodian.institutionId }],
    name: header.custodian.name,
  };
  const encounter: FhirResource = {
    resourceType: "Encounter",
    id: ids.encounter,
    identifier: [{ system: oid(idRoot(context, "consult")), value: header.consultId }],
    status: "finished",
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "VR", display: "virtual" },
    type: [{ text: header.visitKind === "FIRST" ? "初诊" : "复诊" }],
    serviceType: { coding: [{ system: oid(idRoot(context, "department")), code: header.department.code, display: header.department.name }] },
    subject: ref(ids.patient),
    period: { start: fhirTime(header.visitAt) },
    // Encounter.diagnosis.rank: the main diagnosis (主要诊断) first, then the others in record order.
    diagnosis: [...conditions.filter((c) => c.diagnosis.main), ...conditions.filter((c) => !c.diagnosis.main)].map((c, index) => ({
      condition: ref(c.id),
      rank: index + 1,
    })),
    serviceProvider: ref(ids.organization),
  };
  const conditionResources: FhirResource[] = conditions.map(({ diagnosis, id }) => ({
    resourceType: "Condition",
    id,
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-category", code: "encounter-diagnosis" }] }],
    code: { coding: [{ system: oid(WST500.icd10CodeSystem), version: diagnosis.system, code: diagnosis.code, display: diagnosis.name }], text: diagnosis.name },
    subject: ref(ids.patient),
    encounter: ref(ids.encounter),
  }));

  const cdaBytes = Buffer.from(renderCda(record, context), "utf8");
  const cdaReference: FhirResource = {
    resourceType: "DocumentReference",
    id: ids.cda,
    masterIdentifier: { system: oid(WST500.documentIdRoot), value: docId },
    status: "current",
    docStatus: state.final ? "final" : "preliminary",
    type: docType,
    subject: ref(ids.patient),
    date: fhirTime(state.time),
    author: [ref(ids.author)],
    ...(state.final ? { authenticator: ref(ids.author) } : {}),
    custodian: ref(ids.organization),
    ...(replaces ? { relatesTo: replaces.map((r) => ({ code: r.code, target: { identifier: r.targetIdentifier } })) } : {}),
    description: "HL7 CDA R2 (WS/T 500.2)",
    content: [
      {
        attachment: {
          extension: [sha256Extension(createHash("sha256").update(cdaBytes).digest("base64"))],
          contentType: "application/xml",
          language: "zh-CN",
          data: cdaBytes.toString("base64"),
          size: cdaBytes.length,
          hash: createHash("sha1").update(cdaBytes).digest("base64"),
          title: WST500.title,
          creation: fhirTime(state.time),
        },
      },
    ],
    context: { encounter: [ref(ids.encounter)], period: { start: fhirTime(header.visitAt) }, ...(media.length > 0 ? { related: media.map((m) => ref(m.id)) } : {}) },
  };
  const mediaReferences: FhirResource[] = media.map(({ item, id }) => ({
    resourceType: "DocumentReference",
    id,
    masterIdentifier: { system: oid(idRoot(context, "media")), value: item.mediaId },
    status: "current",
    type: { text: item.kind },
    subject: ref(ids.patient),
    custodian: ref(ids.organization),
    content: [
      {
        attachment: {
          extension: [sha256Extension(Buffer.from(item.sha256, "hex").toString("base64"))],
          contentType: item.contentType,
          size: item.bytes,
          title: item.kind,
        },
      },
    ],
    context: { encounter: [ref(ids.encounter)], period: { end: fhirTime(item.consultEndedAt) } },
  }));

  const resources: FhirResource[] = [
    composition,
    patientResource,
    practitioner(ids.author, record.author.practitionerId, record.author.name),
    ...(cosign && cosignerId ? [practitioner(cosignerId, cosign.signerId, cosign.signerName)] : []),
    organization,
    encounter,
    ...conditionResources,
    cdaReference,
    ...mediaReferences,
  ];
  return {
    resourceType: "Bundle",
    id: uuid("Bundle"),
    identifier: { system: oid(WST500.documentIdRoot), value: docId },
    type: "document",
    timestamp: fhirTime(state.time),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}

/** GB/T 2261.1 sex codes to FHIR administrative gender. */
const GENDER: Readonly<Record<string, string>> = { "0": "unknown", "1": "male", "2": "female", "9": "other" };

function attester(mode: "legal" | "professional", signature: RecordSignature | undefined, id: string | null): Record<string, unknown> | null {
  if (signature === undefined || id === null) return null;
  return { mode, time: fhirTime(signature.timestampedAt), party: { reference: `urn:uuid:${id}` } };
}

function sha256Extension(base64: string): { url: string; valueBase64Binary: string } {
  return { url: ATTACHMENT_SHA256_EXTENSION, valueBase64Binary: base64 };
}

/** A name-based UUID (RFC 9562 version 8 layout) from SHA-256 of the parts: the same record gives the same ids. */
export function deterministicUuid(...parts: string[]): string {
  const bytes = createHash("sha256").update(parts.join("\u0000")).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
