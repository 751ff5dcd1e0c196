import type { PrescriptionServiceServer } from "@ihp/contracts/prescription";
import { type CallContext, correlationIdOf, type GrpcHandlers, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { PrescriptionCommands } from "../../application/prescriptionCommands.js";
import type { PrescriptionQueries } from "../../application/prescriptionQueries.js";
import { contentFromProto, prescriptionToProto, summaryToProto } from "./convert.js";

export interface PrescriptionServerOptions {
  readonly handlers: GrpcHandlers;
  readonly commands: PrescriptionCommands;
  readonly queries: PrescriptionQueries;
  readonly clock: () => Date;
  readonly newId: () => string;
}

/** ihp.prescription.v1.PrescriptionService: converts messages and picks the handler; the wrapper does the rest. */
export function prescriptionServer(options: PrescriptionServerOptions): PrescriptionServiceServer {
  const { handlers, commands, queries, clock } = options;

  function callerOf(call: CallContext): Caller {
    const correlationId = correlationIdOf(call.metadata, options.newId);
    return { principal: call.principal, correlationId, trace: traceFields(), token: call.token, deadline: call.deadline };
  }

  const answer = (view: Parameters<typeof prescriptionToProto>[0]) => ({ prescription: prescriptionToProto(view, clock()) });

  return {
    draftPrescription: handlers.unary(async (request, call) =>
      answer(await commands.draft(callerOf(call), { requestId: request.requestId, consultId: request.consultId, content: contentFromProto(request.content) })),
    ),
    revisePrescription: handlers.unary(async (request, call) =>
      answer(
        await commands.revise(callerOf(call), { requestId: request.requestId, prescriptionId: request.prescriptionId, content: contentFromProto(request.content) }),
      ),
    ),
    confirmLines: handlers.unary(async (request, call) =>
      answer(
        await commands.confirmLines(callerOf(call), {
          requestId: request.requestId,
          prescriptionId: request.prescriptionId,
          version: request.version,
          lineIds: request.lineIds,
        }),
      ),
    ),
    confirmLongTermPlan: handlers.unary(async (request, call) =>
      answer(await commands.confirmLongTermPlan(callerOf(call), { requestId: request.requestId, prescriptionId: request.prescriptionId, version: request.version })),
    ),
    signPrescription: handlers.unary(async (request, call) =>
      answer(
        await commands.sign(callerOf(call), {
          requestId: request.requestId,
          prescriptionId: request.prescriptionId,
          version: request.version,
          validityDays: request.validityDays,
        }),
      ),
    ),
    getPrescription: handlers.unary(async (request, call) => answer(await queries.get(callerOf(call), request.prescriptionId))),
    listMyPrescriptions: handlers.unary(async (request, call) => {
      const page = await queries.listMine(callerOf(call), { first: request.page?.first ?? 0, after: request.page?.after ?? "" });
      return { prescriptions: page.items.map(summaryToProto), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    }),
    getPrescribingStatistics: handlers.unary(async (request, call) => {
      const result = await queries.statistics(callerOf(call), { institutionId: request.institutionId, purpose: request.purpose });
      return { queryId: result.queryId, totals: result.totals.map((total) => ({ ...total })) };
    }),
  };
}
