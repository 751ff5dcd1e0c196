import { enumValue } from "@ihp/contracts";
import { type ConsultContextServiceServer, ConsultStatus, ConsultType } from "@ihp/contracts/consult";
import type { GrpcHandlers } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { PrescribingContext } from "../../application/prescribingContext.js";
import { callerOf } from "./consultServer.js";
import { unlessEmpty } from "@ihp/contracts";

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
        physicianId: unlessEmpty(consult.physicianId),
        consultType: enumValue(ConsultType, "CONSULT_TYPE_", consult.consultType),
        status: enumValue(ConsultStatus, "CONSULT_STATUS_", consult.status),
        confirmedDiagnoses: consult.confirmedDiagnoses.map((diagnosis) => ({ ...diagnosis })),
        prescribingBlocked,
        blockedReason: unlessEmpty(blockedReason),
        guardianId: unlessEmpty(consult.guardianId),
        // Recorded only after identity's CheckGuardian said so (RequestConsult refuses otherwise).
        guardianVerified: consult.guardianId !== "",
      };
    }),
  };
}
