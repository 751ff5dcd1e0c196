import { type Hl7Message, type Hl7Segment, parseHl7DateTime } from "@medplum/core";
import type { Ingest } from "../../application/ingest.js";

type LinkInput = Parameters<Ingest["linkPatient"]>[1];
type LabInput = Parameters<Ingest["attachLabResult"]>[1];
type ImagingInput = Parameters<Ingest["attachImagingReport"]>[1];

/** What one accepted HL7 message asks of the ingest path, in order. */
export type IngestStep =
  | { readonly kind: "LINK"; readonly input: LinkInput }
  | { readonly kind: "LAB_RESULT"; readonly input: LabInput }
  | { readonly kind: "IMAGING_REPORT"; readonly input: ImagingInput };

/** A message refused before anything is ingested: AR (not processed at all) or AE (content error). */
export class Hl7Refusal extends Error {
  constructor(
    readonly ack: "AR" | "AE",
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Envelope {
  readonly controlId: string;
  readonly messageType: string;
  readonly sendingFacility: string;
  readonly receivingFacility: string;
}

/** PID-3 identifier type codes (HL7 table 0203) this bridge reads; see README.md "PID-3". */
export const HIS_MRN_TYPE = "MR";
export const PLATFORM_ID_TYPE = "PI";
export const PLATFORM_AUTHORITY = "IHP";
export const RESIDENT_ID_TYPES = ["NNCHN", "NI"] as const;

/** OBX-3 codes (DICOM, coding system DCM) that mark an imaging report; see README.md "ORU^R01". */
export const DCM_STUDY_UID_CODES = ["113014", "110180"];
const DCM_IMPRESSION = "121073";
const IMAGING_VALUE_TYPES = ["RP", "ED"];
const TEXT_VALUE_TYPES = ["TX", "FT", "ST"];

export function envelopeOf(message: Hl7Message): Envelope {
  const msh = message.getSegment("MSH");
  if (msh === undefined) throw new Hl7Refusal("AR", "HL7_MALFORMED", "no MSH segment");
  const type = msh.getComponent(9, 1);
  const trigger = msh.getComponent(9, 2);
  return {
    controlId: msh.getComponent(10, 1),
    messageType: trigger === "" ? type : `${type}^${trigger}`,
    sendingFacility: msh.getComponent(4, 1),
    receivingFacility: msh.getComponent(6, 1),
  };
}

/** Undoes the HL7 escape sequences of a text value (\F\ \S\ \T\ \R\ \E\; \.br\ as a line break). */
export function unescapeHl7(value: string): string {
  return value.replace(/\\(F|S|T|R|E|\.br)\\/g, (_, seq: string) => ({ F: "|", S: "^", T: "&", R: "~", E: "\\", ".br": "\n" })[seq] ?? "");
}

function required(value: string, code: string, what: string): string {
  if (value.trim() === "") throw new Hl7Refusal("AE", code, `${what} is missing`);
  return value.trim();
}

function hl7Instant(value: string, what: string): string {
  if (!/^\d{8,14}(\.\d{1,4})?([+-]\d{4})?$/.test(value)) throw new Hl7Refusal("AE", "HL7_INVALID_FIELD", `${what} is not an HL7 date/time`);
  return parseHl7DateTime(value) ?? "";
}

interface PatientIds {
  readonly hisPatientId: string;
  readonly patientId?: string;
  readonly idNumber?: string;
}

/** PID-3 repetitions: MR → HIS patient id; PI assigned by IHP → platform patient id; NNCHN/NI → resident ID number. */
export function patientIdsOf(message: Hl7Message): PatientIds {
  const pid = message.getSegment("PID");
  if (pid === undefined) throw new Hl7Refusal("AE", "HL7_SEGMENT_MISSING", "PID segment is missing");
  const field = pid.getField(3);
  let hisPatientId = "";
  let patientId: string | undefined;
  let idNumber: string | undefined;
  for (let repetition = 0; field !== undefined && repetition < field.components.length; repetition++) {
    const id = field.getComponent(1, undefined, repetition).trim();
    const authority = field.getComponent(4, undefined, repetition).split("&")[0] ?? "";
    const type = field.getComponent(5, undefined, repetition);
    if (type === HIS_MRN_TYPE && hisPatientId === "") hisPatientId = id;
    else if (type === PLATFORM_ID_TYPE && authority === PLATFORM_AUTHORITY) patientId = id;
    else if ((RESIDENT_ID_TYPES as readonly string[]).includes(type)) idNumber = id;
  }
  required(hisPatientId, "HL7_PATIENT_ID_MISSING", "PID-3 identifier of type MR (HIS patient id)");
  return { hisPatientId, ...(patientId ? { patientId } : {}), ...(idNumber ? { idNumber } : {}) };
}

/** ADT^A04 / ADT^A08 → one link of the HIS MRN to the platform patient. */
export function linkSteps(message: Hl7Message, controlId: string): IngestStep[] {
  return [{ kind: "LINK", input: { messageId: controlId, ...patientIdsOf(message) } }];
}

interface Group {
  readonly obr: Hl7Segment;
  readonly obx: Hl7Segment[];
}

function groupsOf(message: Hl7Message): Group[] {
  const groups: { obr: Hl7Segment; obx: Hl7Segment[] }[] = [];
  for (const segment of message.segments) {
    if (segment.name === "OBR") groups.push({ obr: segment, obx: [] });
    else if (segment.name === "OBX") {
      const current = groups.at(-1);
      if (current === undefined) throw new Hl7Refusal("AE", "HL7_SEGMENT_MISSING", "OBX before any OBR");
      current.obx.push(segment);
    }
  }
  if (groups.length === 0) throw new Hl7Refusal("AE", "HL7_SEGMENT_MISSING", "no OBR segment");
  return groups;
}

function isImaging(group: Group): boolean {
  return group.obx.some((obx) => IMAGING_VALUE_TYPES.includes(obx.getComponent(2, 1)) || isStudyUid(obx));
}

function isStudyUid(obx: Hl7Segment): boolean {
  return obx.getComponent(3, 3) === "DCM" && DCM_STUDY_UID_CODES.includes(obx.getComponent(3, 1));
}

function reportIdOf(obr: Hl7Segment): string {
  return required(obr.getComponent(3, 1) || obr.getComponent(2, 1), "HL7_REPORT_ID_MISSING", "OBR-3 (filler order number) or OBR-2");
}

function issuedAtOf(obr: Hl7Segment, msh: Hl7Segment): string {
  const value = obr.getComponent(22, 1) || obr.getComponent(7, 1) || msh.getComponent(7, 1);
  return hl7Instant(required(value, "HL7_INVALID_FIELD", "OBR-22, OBR-7 or MSH-7"), "OBR-22");
}

function observationOf(obx: Hl7Segment, index: number): LabInput["observations"][number] {
  const where = `OBX ${index + 1}`;
  return {
    code: required(obx.getComponent(3, 1), "HL7_INVALID_FIELD", `${where} OBX-3.1 code`),
    codeSystem: obx.getComponent(3, 3) === "LN" ? "LOINC" : "LOCAL",
    name: unescapeHl7(obx.getComponent(3, 2)).trim(),
    value: unescapeHl7(obx.getField(5)?.toString() ?? "").trim(),
    unit: unescapeHl7(obx.getComponent(6, 1)).trim(),
    referenceRange: unescapeHl7(obx.getComponent(7, 1)).trim(),
    abnormalFlag: obx.getComponent(8, 1).trim(),
  };
}

function imagingOf(group: Group, msh: Hl7Segment, base: { messageId: string; hisPatientId: string }): ImagingInput {
  const uid = group.obx.find(isStudyUid)?.getComponent(5, 1) ?? "";
  const pointer = group.obx.find((obx) => obx.getComponent(2, 1) === "RP")?.getComponent(5, 1) ?? "";
  const texts = group.obx.filter((obx) => TEXT_VALUE_TYPES.includes(obx.getComponent(2, 1)));
  const isImpression = (obx: Hl7Segment): boolean => obx.getComponent(3, 1) === DCM_IMPRESSION || obx.getComponent(3, 1).endsWith("&IMP");
  const join = (segments: Hl7Segment[]): string => segments.map((obx) => unescapeHl7(obx.getField(5)?.toString() ?? "").trim()).join("\n");
  return {
    ...base,
    reportId: reportIdOf(group.obr),
    studyInstanceUid: required(uid.trim(), "HL7_STUDY_UID_MISSING", "OBX with OBX-3 113014^^DCM (study instance UID)"),
    modality: group.obr.getComponent(24, 1).trim(),
    findings: join(texts.filter((obx) => !isImpression(obx))),
    impression: join(texts.filter(isImpression)),
    retrieveUrl: unescapeHl7(pointer).trim(),
    issuedAt: issuedAtOf(group.obr, msh),
  };
}

/**
 * ORU^R01 → one step per OBR group: an imaging report when the group has an OBX of value type RP/ED or a DICOM study
 * UID (OBX-3 113014 or 110180, system DCM), otherwise a lab result with one observation per OBX. With several OBR groups
 * each step's message id is MSH-10 + ":" + its position, so a resent message repeats each step's id.
 */
export function resultSteps(message: Hl7Message, controlId: string): IngestStep[] {
  const msh = message.header;
  const { hisPatientId } = patientIdsOf(message);
  const groups = groupsOf(message);
  return groups.map((group, index) => {
    const base = { messageId: groups.length === 1 ? controlId : `${controlId}:${index + 1}`, hisPatientId };
    if (isImaging(group)) return { kind: "IMAGING_REPORT", input: imagingOf(group, msh, base) };
    if (group.obx.length === 0) throw new Hl7Refusal("AE", "HL7_SEGMENT_MISSING", `OBR ${index + 1} has no OBX`);
    return {
      kind: "LAB_RESULT",
      input: { ...base, reportId: reportIdOf(group.obr), issuedAt: issuedAtOf(group.obr, msh), observations: group.obx.map(observationOf) },
    };
  });
}
