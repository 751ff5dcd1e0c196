import type { PharmacyServiceServer, StreamReviewQueueResponse } from "@ihp/contracts/pharmacy";
import { type CallContext, correlationIdOf, describeError, type GrpcHandlers, RemoteError, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { PrescriptionCommands } from "../../application/prescriptionCommands.js";
import type { PageRequest, Queries } from "../../application/queries.js";
import type { Roster } from "../../application/rosterCommands.js";
import { prescriptionToProto, queueChangeToProto } from "./convert.js";

export interface PharmacyServerOptions {
  readonly handlers: GrpcHandlers;
  readonly commands: PrescriptionCommands;
  readonly queries: Queries;
  readonly roster: Roster;
  /** Correlation ids for calls that bring none. */
  readonly newId: () => string;
  /** Aborted when the service stops: queue streams end with UNAVAILABLE so clients resubscribe. */
  readonly stopping: AbortSignal;
}

const UNAVAILABLE = 14;

/**
 * ihp.pharmacy.v1.PharmacyService (proto/ihp/pharmacy/v1/pharmacy.proto). The platform wrapper verifies the token,
 * opens the span and maps errors; this file converts messages and picks the handler.
 */
/** An absent page is the default first page. */
function pageOf(page: { first: number; after: string } | undefined): PageRequest {
  return { first: page?.first ?? 0, after: page?.after ?? "" };
}

export function pharmacyServer(options: PharmacyServerOptions): PharmacyServiceServer {
  const { handlers, commands, queries, roster } = options;

  function callerOf(call: CallContext): Caller {
    const correlationId = correlationIdOf(call.metadata, options.newId);
    return { principal: call.principal, token: call.token, deadline: call.deadline, correlationId, trace: traceFields() };
  }

  const answer = async (view: Parameters<typeof prescriptionToProto>[0] | Promise<Parameters<typeof prescriptionToProto>[0]>) => ({
    prescription: prescriptionToProto(await view),
  });

  return {
    getPrescription: handlers.unary((request, call) =>
      answer(queries.get(callerOf(call), request.prescriptionId, request.serialNumber)),
    ),

    listReviewQueue: handlers.unary(async (request, call) => {
      const page = await queries.reviewQueue(callerOf(call), request.institutionId, pageOf(request.page));
      return { items: page.items.map(prescriptionToProto), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    }),

    streamReviewQueue: handlers.serverStream<{ institutionId: string }, StreamReviewQueueResponse>(async (request, call, send) => {
      const signal = AbortSignal.any([call.signal, options.stopping]);
      const changes = await queries.streamQueue(callerOf(call), request.institutionId, signal);
      for await (const change of changes) await send(queueChangeToProto(change));
      if (!call.signal.aborted) {
        throw new RemoteError("UNAVAILABLE", "UNAVAILABLE", describeError("UNAVAILABLE").en, undefined, UNAVAILABLE);
      }
    }),

    approvePrescription: handlers.unary((request, call) => answer(commands.approve(callerOf(call), request))),
    returnPrescription: handlers.unary((request, call) => answer(commands.returnToPrescriber(callerOf(call), request))),
    rejectPrescription: handlers.unary((request, call) => answer(commands.reject(callerOf(call), request))),
    amendPrescriptionLines: handlers.unary((request, call) =>
      answer(commands.amendLines(callerOf(call), { requestId: request.requestId, prescriptionId: request.prescriptionId, serialNumber: request.serialNumber })),
    ),

    recordPayment: handlers.unary((request, call) =>
      // Beyond 2^53 fen is not a payment; the decider refuses the unsafe number as INVALID_PAYMENT.
      answer(commands.recordPayment(callerOf(call), { ...request, amountFen: Number(request.amountFen) })),
    ),
    dispensePrescription: handlers.unary((request, call) => answer(commands.dispense(callerOf(call), request))),

    checkOrder: handlers.unary(async (request, call) => {
      // A line without a prescription is the query's "" (refused for a prescription-only drug).
      const lines = request.lines.map((line) => ({ drugCode: line.drugCode, prescriptionId: line.prescriptionId ?? "" }));
      return { serialNumbers: [...(await queries.checkOrder(callerOf(call), lines))] };
    }),

    dispatchDelivery: handlers.unary((request, call) => answer(commands.dispatch(callerOf(call), request))),
    syncDeliveryTracking: handlers.unary((request, call) => answer(commands.syncTracking(callerOf(call), request))),

    listMyPrescriptions: handlers.unary(async (request, call) => {
      const page = await queries.mine(callerOf(call), pageOf(request.page));
      return { prescriptions: page.items.map(prescriptionToProto), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    }),

    scheduleShift: handlers.unary(async (request, call) => ({ shift: await roster.schedule(callerOf(call), request) })),
    cancelShift: handlers.unary(async (request, call) => {
      await roster.cancel(callerOf(call), request);
      return {};
    }),
    getReviewCoverage: handlers.unary(async (request, call) => {
      const coverage = await roster.coverage(callerOf(call), request.institutionId);
      const { pharmacistsOnDuty, expectedDelayMinutes, ...fields } = coverage;
      const delay = expectedDelayMinutes === undefined ? undefined : BigInt(expectedDelayMinutes);
      return { ...fields, pharmacistsOnDuty: [...pharmacistsOnDuty], expectedDelayMinutes: delay };
    }),
  };
}
