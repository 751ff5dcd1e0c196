import { IdDocumentType, type PatientServiceServer } from "@ihp/contracts/identity";
import type { GrpcHandlers } from "@ihp/platform";
import type { Patients } from "../../application/patients/patientCommands.js";
import { callerOf, contextOf } from "./accessCaller.js";
import { sexCode } from "@ihp/contracts/identity";
import { idTypeFromProto, patientToProto, relationshipFromProto, verificationMethodFromProto } from "./patientConvert.js";

/** ihp.identity.v1.PatientService (proto/ihp/identity/v1/patients.proto). */
export function patientServer(options: { handlers: GrpcHandlers; patients: Patients; newId: () => string }): PatientServiceServer {
  const { handlers, patients, newId } = options;
  return {
    // Public: a person registers before they have an account. Nothing about the request is logged.
    registerPatient: handlers.publicUnary(async (request, call) => {
      const patient = await patients.register(
        {
          requestId: request.requestId,
          institutionId: request.institutionId,
          name: request.name,
          idType: idTypeFromProto(request.idType),
          idNumber: request.idNumber,
          birthDate: request.birthDate,
          sex: sexCode(request.sex),
          loginName: request.loginName ?? "",
          password: request.password ?? "",
        },
        contextOf(call, newId),
      );
      return { patient: patientToProto(patient) };
    }),

    verifyPatientIdentity: handlers.unary(async (request, call) => {
      const patient = await patients.verify(callerOf(call, newId), {
        requestId: request.requestId,
        patientId: request.patientId,
        method: verificationMethodFromProto(request.method),
        evidence: request.evidence ?? "",
      });
      return { patient: patientToProto(patient) };
    }),

    linkGuardian: handlers.unary(async (request, call) => {
      const child = await patients.linkGuardian(callerOf(call, newId), {
        requestId: request.requestId,
        childId: request.childId,
        guardianId: request.guardianId,
        relationship: relationshipFromProto(request.relationship),
        evidenceReference: request.evidenceReference,
      });
      return { child: patientToProto(child) };
    }),

    verifyGuardianship: handlers.unary(async (request, call) => {
      const child = await patients.verifyGuardianship(callerOf(call, newId), {
        requestId: request.requestId,
        childId: request.childId,
        guardianId: request.guardianId,
        method: request.method,
      });
      return { child: patientToProto(child) };
    }),

    getPatient: handlers.unary(async (request, call) => {
      const view = await patients.get(callerOf(call, newId), request.patientId);
      if (view.minimized) return { patient: { ...patientToProto(view.patient), idType: IdDocumentType.ID_DOCUMENT_TYPE_UNSPECIFIED, guardians: [] } };
      return { patient: patientToProto(view.patient, view) };
    }),
  };
}
