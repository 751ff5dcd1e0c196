import type { Bundle, BundleEntry, Condition, DiagnosticReport, Encounter, ImagingStudy, Observation, Patient, Resource } from "@medplum/fhirtypes";
import type { HisPatientState } from "../domain/hisPatient.js";
import { derivedId } from "./ids.js";

export const ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10";
export const LOINC_SYSTEM = "http://loinc.org";
const INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const PLATFORM_PATIENT_SYSTEM = "urn:ihp:patient";
const hisSystem = (institutionId: string) => `urn:ihp:his:${institutionId}`;
const localLabSystem = (institutionId: string) => `urn:ihp:lab:${institutionId}`;

type Linked = HisPatientState & { readonly institutionId: string; readonly hisPatientId: string };

const ref = (kind: string, key: string) => `urn:uuid:${derivedId(`fhir-${kind}`, key)}`;
const entry = (fullUrl: string, resource: Resource): BundleEntry => ({ fullUrl, resource });
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * FHIR R4 export of what integration holds for one patient: a collection Bundle with the Patient (its HIS ids as
 * identifiers), Encounters with their ICD-10 Conditions, lab Observations with their DiagnosticReports, and imaging
 * DiagnosticReports pointing at an ImagingStudy identified by its DICOM study UID (urn:oid:). References are the
 * entries' urn:uuid fullUrls, stable for the same object. No names, birth dates or ID numbers: identity owns those.
 */
export function patientBundle(patientId: string, linked: readonly Linked[]): Bundle {
  const patientUrl = ref("patient", patientId);
  const subject = { reference: patientUrl };
  const patient: Patient = {
    resourceType: "Patient",
    identifier: [
      { use: "official", system: PLATFORM_PATIENT_SYSTEM, value: patientId },
      ...linked.map((his) => ({ use: "secondary" as const, system: hisSystem(his.institutionId), value: his.hisPatientId })),
    ],
  };
  const entries: BundleEntry[] = [entry(patientUrl, patient)];
  for (const his of linked) {
    for (const encounter of his.encounters.values()) {
      const key = `${his.institutionId}~${encounter.encounterId}`;
      const conditions = encounter.diagnoses.map((diagnosis, index) => {
        const url = ref("condition", `${key}~${index}`);
        const condition: Condition = {
          resourceType: "Condition",
          subject,
          encounter: { reference: ref("encounter", key) },
          code: { coding: [{ system: ICD10_SYSTEM, version: diagnosis.version, code: diagnosis.code, display: diagnosis.name }] },
          recordedDate: encounter.encounterDate,
        };
        return entry(url, condition);
      });
      const resource: Encounter = {
        resourceType: "Encounter",
        status: "finished",
        class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: encounter.recordType === "OUTPATIENT_RECORD" ? "AMB" : "IMP" },
        identifier: [{ system: `urn:ihp:his-encounter:${his.institutionId}`, value: encounter.encounterId }],
        subject,
        period: { start: encounter.encounterDate },
        serviceType: { text: encounter.department },
        diagnosis: conditions.map((condition, index) => ({ condition: { reference: condition.fullUrl }, rank: index + 1 })),
      };
      entries.push(entry(ref("encounter", key), resource), ...conditions);
    }
    for (const lab of his.labResults.values()) {
      const key = `${his.institutionId}~${lab.reportId}`;
      const observations = lab.observations.map((o, index) => {
        const observation: Observation = {
          resourceType: "Observation",
          status: "final",
          code: { coding: [{ system: o.codeSystem === "LOINC" ? LOINC_SYSTEM : localLabSystem(his.institutionId), code: o.code, display: o.name }] },
          subject,
          issued: new Date(lab.issuedAt).toISOString(),
          ...(NUMBER.test(o.value) ? { valueQuantity: { value: Number(o.value), unit: o.unit } } : { valueString: o.value }),
          ...(o.referenceRange === "" ? {} : { referenceRange: [{ text: o.referenceRange }] }),
          ...(o.abnormalFlag === "" ? {} : { interpretation: [{ coding: [{ system: INTERPRETATION_SYSTEM, code: o.abnormalFlag }] }] }),
        };
        return entry(ref("observation", `${key}~${index}`), observation);
      });
      const report: DiagnosticReport = {
        resourceType: "DiagnosticReport",
        status: "final",
        category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0074", code: "LAB" }] }],
        code: { text: "Laboratory report" },
        identifier: [{ system: `urn:ihp:lab-report:${his.institutionId}`, value: lab.reportId }],
        subject,
        issued: new Date(lab.issuedAt).toISOString(),
        result: observations.map((observation) => ({ reference: observation.fullUrl })),
      };
      entries.push(entry(ref("lab-report", key), report), ...observations);
    }
    for (const imaging of his.imagingReports.values()) {
      const key = `${his.institutionId}~${imaging.reportId}`;
      const studyUrl = ref("imaging-study", key);
      const study: ImagingStudy = {
        resourceType: "ImagingStudy",
        status: "available",
        identifier: [{ system: "urn:dicom:uid", value: `urn:oid:${imaging.studyInstanceUid}` }],
        modality: [{ system: "http://dicom.nema.org/resources/ontology/DCM", code: imaging.modality }],
        subject,
        description: `DICOMweb: ${imaging.retrieveUrl}`,
      };
      const report: DiagnosticReport = {
        resourceType: "DiagnosticReport",
        status: "final",
        category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0074", code: "RAD" }] }],
        code: { text: "Imaging report" },
        identifier: [{ system: `urn:ihp:imaging-report:${his.institutionId}`, value: imaging.reportId }],
        subject,
        issued: new Date(imaging.issuedAt).toISOString(),
        imagingStudy: [{ reference: studyUrl }],
        conclusion: [imaging.findings, imaging.impression].filter((text) => text !== "").join("\n"),
      };
      entries.push(entry(ref("imaging-report", key), report), entry(studyUrl, study));
    }
  }
  return { resourceType: "Bundle", type: "collection", entry: entries };
}
