import type { ConsultContextServiceServer } from "@ihp/contracts/consult";
import type { GrpcHandlers } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { PrescribingContext } from "../../application/prescribingContext.js";
import { callerOf } from "./consultServer.js";

/** ihp.consult.v1.ConsultContextService: what the prescription service asks before drafting or signing. */
export function contextServer(options: {
  handlers: GrpcHandlers;
  context: (caller: Caller, consultId: string) => Promise<PrescribingContext>;
  newId: () => string;
}): ConsultContextServiceServer {
  return {
    getPrescribingContext: options.handlers.unary(async (request, call) => {
      const { consult, prescribingBlocked, blockedReason } = await options.context(callerOf(call, options.newId), request.consultId);
      return {
        consultId: consult.consultId,
        institutionId: consult.institutionId,
        jurisdiction: consult.jurisdiction,
        departmentCode: consult.departmentCode,
        patientId: consult.patientId,
        patientBirthDate: consult.patientBirthDate,
        patientSex: consult.patientSex,
        physicianId: consult.physicianId,
        consultType: consult.consultType,
        status: consult.status,
        confirmedDiagnoses: consult.confirmedDiagnoses.map((diagnosis) => ({ ...diagnosis })),
        prescribingBlocked,
        blockedReason,
        guardianId: consult.guardianId,
        // Recorded only after identity's CheckGuardian said so (RequestConsult refuses otherwise).
        guardianVerified: consult.guardianId !== "",
      };
    }),
  };
}
