import { enumName, unlessEmpty } from "@ihp/contracts";
import { ClinicalObjectKind, type SessionServiceServer } from "@ihp/contracts/identity";
import type { GrpcHandlers } from "@ihp/platform";
import type { Accounts } from "../../application/sessions/accounts.js";
import type { Passkeys } from "../../application/sessions/passkeys.js";
import { callerOf, contextOf } from "./accessCaller.js";

/** Where a login attempt came from, as the gateway saw it (IPv4 or IPv6 text). */
export const CLIENT_ADDRESS_HEADER = "x-ihp-client-address";
const CLIENT_ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/** ihp.identity.v1.SessionService (proto/ihp/identity/v1/sessions.proto). Passwords are never logged. */
export function sessionServer(options: { handlers: GrpcHandlers; accounts: Accounts; passkeys: Passkeys; newId: () => string }): SessionServiceServer {
  const { handlers, accounts, passkeys, newId } = options;
  return {
    login: handlers.publicUnary(async (request, call) => {
      const { correlationId, trace } = contextOf(call, newId);
      const [address] = call.metadata.get(CLIENT_ADDRESS_HEADER);
      // The throttle's source. Only the gateway reaches this port, and it sets the header from the client's address.
      const source = typeof address === "string" && CLIENT_ADDRESS.test(address) ? address : "";
      const session = await accounts.login({ loginName: request.loginName, password: request.password, source }, trace, correlationId);
      return { ...session, supersededSessionId: unlessEmpty(session.supersededSessionId) };
    }),

    stepUp: handlers.unary(async (request, call) =>
      accounts.stepUp(callerOf(call, newId), {
        requestId: request.requestId,
        consultId: request.consultId,
        objectKind: objectKindName(request.objectKind),
        objectId: request.objectId,
        method: enumName("STEP_UP_METHOD_", request.method) ?? "",
        secret: request.secret,
      }),
    ),

    startPasskeyRegistration: handlers.unary(async (request, call) => ({
      challenge: await passkeys.startRegistration(callerOf(call, newId), { requestId: request.requestId }),
    })),

    finishPasskeyRegistration: handlers.unary(async (request, call) =>
      passkeys.finishRegistration(callerOf(call, newId), { requestId: request.requestId, response: request.responseJson }),
    ),

    startStepUp: handlers.unary(async (request, call) => {
      const input = { requestId: request.requestId, consultId: request.consultId, objectKind: objectKindName(request.objectKind), objectId: request.objectId };
      return { challenge: await passkeys.startStepUp(callerOf(call, newId), input) };
    }),

    openStaffAccount: handlers.unary(async (request, call) =>
      accounts.openStaffAccount(callerOf(call, newId), {
        requestId: request.requestId,
        institutionId: request.institutionId,
        // The domain's role names are the token's: institution_admin, pharmacy_governance.
        role: enumName("STAFF_ROLE_", request.role)?.toLowerCase() ?? "",
        loginName: request.loginName,
        password: request.password,
      }),
    ),

    setStaffPassword: handlers.unary(async (request, call) => {
      await accounts.setStaffPassword(callerOf(call, newId), { requestId: request.requestId, subjectId: request.subjectId, password: request.password });
      return { subjectId: request.subjectId };
    }),

    setPractitionerPassword: handlers.unary(async (request, call) => {
      await accounts.setPractitionerPassword(callerOf(call, newId), {
        requestId: request.requestId,
        practitionerId: request.practitionerId,
        loginName: request.loginName ?? "",
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
  if (kind === ClinicalObjectKind.CLINICAL_OBJECT_KIND_PATIENT) return "PATIENT";
  return "?";
}
