import type { InstitutionServiceServer } from "@ihp/contracts/identity";
import { type CallContext, correlationIdOf, type GrpcHandlers, traceFields } from "@ihp/platform";
import type { Kysely } from "kysely";
import type { Caller } from "../../application/caller.js";
import type { InstitutionCommands } from "../../application/institutionCommands.js";
import type { InstitutionQueries } from "../../application/institutionQueries.js";
import type { IdentityReadModels } from "../../application/institutionsProjection.js";
import { listPublicInstitutions } from "../../application/publicDirectory.js";
import { gradeFromProto } from "../grades.js";
import { institutionToProto, licenceFromProto, publicInstitutionToProto } from "./convert.js";

export interface InstitutionServerOptions {
  readonly handlers: GrpcHandlers;
  readonly commands: InstitutionCommands;
  readonly queries: InstitutionQueries;
  readonly readModels: Kysely<IdentityReadModels>;
  /** Correlation ids for calls that bring none. */
  readonly newId: () => string;
}

/**
 * ihp.identity.v1.InstitutionService (proto/ihp/identity/v1/institutions.proto). The platform wrapper verifies the
 * token, opens the span and maps errors; this file only converts messages and picks the handler.
 */
export function institutionServer(options: InstitutionServerOptions): InstitutionServiceServer {
  const { handlers, commands, queries } = options;

  function callerOf(call: CallContext): Caller {
    const correlationId = correlationIdOf(call.metadata, options.newId);
    // The active span is the wrapper's server span, so events and refusals carry this call's trace.
    return { principal: call.principal, correlationId, trace: traceFields() };
  }

  return {
    registerInstitution: handlers.unary(async (request, call) => {
      const view = await commands.register(callerOf(call), {
        requestId: request.requestId,
        name: request.name,
        grade: gradeFromProto(request.grade),
        licence: licenceFromProto(request.licence),
        subjectCodes: request.subjectCodes,
        jurisdiction: request.jurisdiction,
        hostInstitutionName: request.hostInstitutionName,
        hostLicenceNumber: request.hostLicenceNumber,
      });
      return { institution: institutionToProto(view) };
    }),

    changeLicence: handlers.unary(async (request, call) => {
      const view = await commands.changeLicence(callerOf(call), {
        requestId: request.requestId,
        institutionId: request.institutionId,
        licence: licenceFromProto(request.licence),
        subjectCodes: request.subjectCodes,
      });
      return { institution: institutionToProto(view) };
    }),

    setRegulatorConnection: handlers.unary(async (request, call) => {
      const view = await commands.setRegulatorConnection(callerOf(call), {
        requestId: request.requestId,
        institutionId: request.institutionId,
        connected: request.connected,
        platformReference: request.platformReference ?? "",
      });
      return { institution: institutionToProto(view) };
    }),

    getInstitution: handlers.unary(async (request, call) => {
      const view = await queries.get(callerOf(call), request.institutionId);
      return { institution: institutionToProto(view) };
    }),

    // Public (IDN-10): no token, nothing personal, nothing recorded.
    listPublicInstitutions: handlers.publicUnary(async (request) => {
      const page = await listPublicInstitutions(options.readModels, {
        first: request.page?.first ?? 0,
        after: request.page?.after ?? "",
      });
      return {
        institutions: page.institutions.map(publicInstitutionToProto),
        pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
      };
    }),
  };
}
