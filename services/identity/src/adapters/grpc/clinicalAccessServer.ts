import { type ClinicalAccessServiceServer, Profession } from "@ihp/contracts/identity";
import { authorize, denialError, type GrpcHandlers, type PrincipalResolver } from "@ihp/platform";
import { refusal } from "../../domain/errors.js";
import type { PatientAccess } from "../../application/patients/patientAccess.js";
import type { GetPatientForRecord } from "../../application/patients/patientForRecord.js";
import type { Accounts } from "../../application/sessions/accounts.js";
import type { PractitionerAccess } from "../../application/sessions/practitionerAccessPort.js";
import { recordingRefusals } from "../../application/refusals.js";
import type { AuditTrail } from "@ihp/platform";
import { callerOf, forwardedClinicianOf } from "./accessCaller.js";
import { sexOfCode } from "@ihp/contracts/identity";
import { relationshipToProto, verificationMethodToProto } from "./patientConvert.js";

const PROFESSIONS = {
  PHYSICIAN: Profession.PROFESSION_PHYSICIAN,
  NURSE: Profession.PROFESSION_NURSE,
  PHARMACIST: Profession.PROFESSION_PHARMACIST,
} as const;

export interface ClinicalAccessServerOptions {
  readonly handlers: GrpcHandlers;
  readonly accounts: Accounts;
  readonly patients: PatientAccess;
  /** REC-01: name, birth date and sex for the records service's own credential only. */
  readonly patientForRecord: GetPatientForRecord;
  readonly practitioners: PractitionerAccess;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Verifies the clinician's token a service forwards (CheckSession). */
  readonly verifier: PrincipalResolver;
}

/** ihp.identity.v1.ClinicalAccessService (access.proto): the checks other services make before a clinical act. */
export function clinicalAccessServer(options: ClinicalAccessServerOptions): ClinicalAccessServiceServer {
  const { handlers, accounts, patients, patientForRecord, practitioners, audit, clock, newId, verifier } = options;
  return {
    // IDN-03, IDN-08 here (the person, their current session, a step-up for this consult); IDN-01…06 by practitioners.
    checkReceiving: handlers.unary(async (request, call) => {
      const caller = callerOf(call, newId);
      return recordingRefusals(audit, caller, "CheckReceiving", `consult/${request.consultId}`, async () => {
        const session = await accounts.requireClinicalSession(caller, request.practitionerId, { kind: "CONSULT", id: request.consultId });
        const { profession, regulatorConnected } = await practitioners.requireReceiving({
          practitionerId: request.practitionerId,
          institutionId: request.institutionId,
          departmentCode: request.departmentCode,
          now: clock(),
        });
        return { practitionerId: request.practitionerId, profession: PROFESSIONS[profession], stepUpId: session.stepUpId, sessionId: session.sessionId, regulatorConnected };
      });
    }),

    // IDN-08 for the clinical acts that need no step-up: asked by the service that owns the act, for the clinician
    // whose token it forwards. A refusal is recorded under the clinician when one is named.
    checkSession: handlers.unary(async (_request, call) => {
      const service = callerOf(call, newId);
      const clinician = await forwardedClinicianOf(call, verifier, newId);
      const recordedAs = clinician ?? service;
      return recordingRefusals(audit, recordedAs, "CheckSession", `account/${recordedAs.principal.subject}`, async () => {
        const grant = authorize(service.principal, { roles: ["system"] });
        if (!grant.allowed) throw denialError(grant);
        if (clinician === undefined) throw refusal("SESSION_REQUIRED");
        const { sessionId } = await accounts.requireCurrentSession(clinician);
        return { practitionerId: clinician.principal.subject, sessionId };
      });
    }),

    getVerifiedPatient: handlers.unary(async (request, call) => {
      const patient = await patients.getVerifiedPatient(callerOf(call, newId), request.patientId);
      const { patientId, birthDate, sex, verification } = patient;
      return { patientId, birthDate, sex: sexOfCode(sex), verificationMethod: verificationMethodToProto(verification) };
    }),

    getPatientForRecord: handlers.unary(async (request, call) => {
      const patient = await patientForRecord(callerOf(call, newId), request.patientId, request.institutionId);
      return { ...patient, sex: sexOfCode(patient.sex) };
    }),

    checkGuardian: handlers.unary(async (request, call) => {
      const { verified, relationship } = await patients.checkGuardian(callerOf(call, newId), request.guardianId, request.childId);
      return { verified, relationship: relationshipToProto(relationship) };
    }),

    // PHA-02 is judged by practitioners; asked by a service, or by the pharmacist themself.
    checkReviewer: handlers.unary(async (request, call) => {
      const caller = callerOf(call, newId);
      return recordingRefusals(audit, caller, "CheckReviewer", `practitioner/${request.pharmacistId}`, async () => {
        const isSelf = caller.principal.subject === request.pharmacistId && caller.principal.roles.includes("pharmacist");
        const grant = authorize(caller.principal, { roles: ["system"] });
        if (!grant.allowed && !isSelf) throw denialError(grant);
        const reviewer = await practitioners.requireReviewer({ pharmacistId: request.pharmacistId, institutionId: request.institutionId, now: clock() });
        return { pharmacistId: request.pharmacistId, affiliation: reviewer.affiliation, dispensingYears: reviewer.dispensingYears };
      });
    }),
  };
}
