import { PractitionerDetails, type PractitionerServiceServer } from "@ihp/contracts/identity";
import { type CallContext, correlationIdOf, type GrpcHandlers, traceFields } from "@ihp/platform";
import type { Kysely } from "kysely";
import type { Caller } from "../../application/caller.js";
import type { PractitionerCommands } from "../../application/practitioners/practitionerCommands.js";
import { listPublicClinicians, type OpenSealed } from "../../application/practitioners/practitionerDirectory.js";
import type { PractitionerQueries } from "../../application/practitioners/practitionerQueries.js";
import type { PractitionerReadModels } from "../../application/practitioners/practitionersProjection.js";
import {
  documentKindFromProto,
  practiceFromProto,
  practitionerToProto,
  professionFromProto,
  publicClinicianToProto,
  summaryToProto,
} from "./practitionerConvert.js";

export interface PractitionerServerOptions {
  readonly handlers: GrpcHandlers;
  readonly commands: PractitionerCommands;
  readonly queries: PractitionerQueries;
  readonly readModels: Kysely<PractitionerReadModels>;
  /** Opens the names the read model keeps sealed. */
  readonly openSealed: OpenSealed;
  readonly clock: () => Date;
  readonly newId: () => string;
}

/** ihp.identity.v1.PractitionerService (proto/ihp/identity/v1/practitioners.proto): converts and picks the handler. */
export function practitionerServer(options: PractitionerServerOptions): PractitionerServiceServer {
  const { handlers, commands, queries } = options;

  function callerOf(call: CallContext): Caller {
    const correlationId = correlationIdOf(call.metadata, options.newId);
    return { principal: call.principal, correlationId, trace: traceFields() };
  }

  const ref = (request: { requestId: string; practitionerId: string }) => ({
    requestId: request.requestId,
    practitionerId: request.practitionerId,
  });

  return {
    registerPractitioner: handlers.unary(async (request, call) => {
      const details = PractitionerDetails.fromPartial(request.details ?? {});
      const view = await commands.register(callerOf(call), {
        requestId: request.requestId,
        institutionId: request.institutionId,
        name: details.name,
        idNumber: details.idNumber,
        profession: professionFromProto(details.profession),
        mainInstitutionName: details.mainInstitutionName,
        mainInstitutionIsHost: details.mainInstitutionIsHost,
        practiceStartedOn: details.practiceStartedOn,
        photoHash: details.photoHash,
        practice: practiceFromProto(details),
      });
      return { practitioner: practitionerToProto(view) };
    }),

    verifyRegistration: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await commands.verifyRegistration(callerOf(call), ref(request))),
    })),

    verifyIdentity: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(
        await commands.verifyIdentity(callerOf(call), { ...ref(request), evidence: request.evidence }),
      ),
    })),

    recordPracticeDocument: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(
        await commands.recordDocument(callerOf(call), {
          ...ref(request),
          kind: documentKindFromProto(request.kind),
          reference: request.reference,
        }),
      ),
    })),

    enablePractitioner: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await commands.enable(callerOf(call), ref(request))),
    })),

    changePractice: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(
        await commands.changePractice(callerOf(call), { ...ref(request), practice: practiceFromProto(request) }),
      ),
    })),

    suspendPractitioner: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await commands.suspend(callerOf(call), { ...ref(request), reason: request.reason })),
    })),

    reinstatePractitioner: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await commands.reinstate(callerOf(call), ref(request))),
    })),

    revokePractitioner: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await commands.revoke(callerOf(call), { ...ref(request), reason: request.reason })),
    })),

    recordPractitionerExit: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await commands.recordExit(callerOf(call), ref(request))),
    })),

    getPractitioner: handlers.unary(async (request, call) => ({
      practitioner: practitionerToProto(await queries.get(callerOf(call), request.practitionerId)),
    })),

    listPractitioners: handlers.unary(async (request, call) => {
      const page = await queries.list(callerOf(call), request.institutionId, {
        first: request.page?.first ?? 0,
        after: request.page?.after ?? "",
      });
      return {
        practitioners: page.items.map(summaryToProto),
        pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
      };
    }),

    // Public (IDN-10): no token, only what must be published, nothing recorded.
    listPublicClinicians: handlers.publicUnary(async (request) => {
      const page = await listPublicClinicians(
        options.readModels,
        request.institutionId,
        { first: request.page?.first ?? 0, after: request.page?.after ?? "" },
        options.clock(),
        options.openSealed,
      );
      return {
        clinicians: page.items.map(publicClinicianToProto),
        pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
      };
    }),
  };
}
