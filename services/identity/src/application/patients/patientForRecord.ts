import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { ERASED } from "@ihp/keyring";
import { refusal } from "../../domain/errors.js";
import type { Caller } from "../caller.js";
import { requireInstitutionId } from "../ids.js";
import { type Patients, roleNotAllowed } from "./patientCommands.js";
import type { PatientKeyRing } from "./patientKeyRing.js";
import { patientResource, requirePatientId } from "./patientIds.js";

/** The patient part of an outpatient record's header (REC-01, WS/T 500): these three facts and nothing else. */
export interface PatientForRecord {
  readonly patientId: string;
  /** The real name; ERASED when the patient's key was destroyed (an erasure of class "identity"). */
  readonly name: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly erased: boolean;
}

export type GetPatientForRecord = (caller: Caller, patientId: string, institutionId: string) => Promise<PatientForRecord>;

/**
 * ClinicalAccessService.GetPatientForRecord: the records service drafts a record on a bus event, with no person
 * calling, so it asks with its own credential. Only that credential (role `records`, kind service) is served —
 * every other service and every person is refused with ROLE_NOT_ALLOWED before the input is looked at. The patient
 * must be registered at the institution named (the record's custodian); any other answer is PATIENT_NOT_FOUND, so
 * the records service learns nothing about other institutions' patients. Each answer is recorded (XC-01).
 */
export function createPatientForRecord(options: { patients: Pick<Patients, "load">; keys: Pick<PatientKeyRing, "open">; audit: AuditTrail }): GetPatientForRecord {
  const { patients, keys, audit } = options;
  return (caller, rawPatientId, rawInstitutionId) =>
    recordingRefusals(audit, caller, "GetPatientForRecord", patientResource(rawPatientId), async () => {
      const { principal } = caller;
      if (principal.kind !== "service" || !principal.roles.includes("records")) throw roleNotAllowed();
      const patientId = requirePatientId(rawPatientId);
      const institutionId = requireInstitutionId(rawInstitutionId);
      const patient = await patients.load(patientId);
      if (patient === undefined || patient.institutionId !== institutionId) throw refusal("PATIENT_NOT_FOUND");
      await audit.recorded({ principal, action: "GetPatientForRecord", resource: patientResource(patientId), ruleId: "REC-01", correlationId: caller.correlationId, trace: caller.trace });
      const name = await keys.open(patientId, "name", patient.identity.sealedName);
      return { patientId, name: name ?? ERASED, birthDate: patient.birthDate, sex: patient.sex, erased: name === undefined };
    });
}
