import { ClinicalObjectKind, type SessionServiceServer } from "@ihp/contracts/identity";
import type { GrpcHandlers } from "@ihp/platform";
import type { Accounts } from "../../application/sessions/accounts.js";
import { callerOf, contextOf } from "./accessCaller.js";

/** ihp.identity.v1.SessionService (proto/ihp/identity/v1/sessions.proto). Passwords are never logged. */
export function sessionServer(options: { handlers: GrpcHandlers; accounts: Accounts; newId: () => string }): SessionServiceServer {
  const { handlers, accounts, newId } = options;
  return {
    login: handlers.publicUnary(async (request, call) => {
      const { correlationId, trace } = contextOf(call, newId);
      return accounts.login({ loginName: request.loginName, password: request.password }, trace, correlationId);
    }),

    stepUp: handlers.unary(async (request, call) =>
      accounts.stepUp(callerOf(call, newId), {
        requestId: request.requestId,
        consultId: request.consultId,
        objectKind: objectKindName(request.objectKind),
        objectId: request.objectId,
        method: request.method,
        secret: request.secret,
      }),
    ),

    setPractitionerPassword: handlers.unary(async (request, call) => {
      await accounts.setPractitionerPassword(callerOf(call, newId), {
        requestId: request.requestId,
        practitionerId: request.practitionerId,
        loginName: request.loginName,
        password: request.password,
      });
      return { practitionerId: request.practitionerId };
    }),
  };
}

/** The kind's name for the application ("" when unspecified: the bare consult id form; "?" for an unknown value). */
export function objectKindName(kind: ClinicalObjectKind): string {
  if (kind === ClinicalObjectKind.CLINICAL_OBJECT_KIND_UNSPECIFIED) return "";
  if (kind === ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT) return "CONSULT";
  if (kind === ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION) return "PRESCRIPTION";
  return "?";
}
