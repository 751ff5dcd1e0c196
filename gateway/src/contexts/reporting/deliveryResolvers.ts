import { type GetDeliveryStatusResponse, RegulatorDeliveryServiceClient, type ReplayDeadLettersResponse } from "@ihp/contracts/reporting";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

interface ScopeArgs {
  readonly institutionId?: string | null;
  readonly jurisdiction?: string | null;
}

const request = (args: ScopeArgs) => ({ institutionId: args.institutionId ?? "", jurisdiction: args.jurisdiction ?? "" });

/** REP-04 delivery status and replay, REP-02 pending uploads: every decision and refusal is the reporting service's. */
function deliveryResolvers(deps: ContextDeps) {
  const delivery = async (context: HttpContext) => ({
    scope: callScope(deps, context, await context.caller.actor()),
    client: deps.downstream.client("reporting", RegulatorDeliveryServiceClient),
  });

  const Query = {
    async regulatorDeliveryStatus(_root: unknown, args: ScopeArgs, context: HttpContext) {
      const { scope, client } = await delivery(context);
      const response = await unary<GetDeliveryStatusResponse>(scope, (metadata, options, done) => client.getDeliveryStatus(request(args), metadata, options, done));
      return {
        asOf: response.asOf,
        unacknowledged: response.unacknowledged,
        deadLettered: response.deadLettered,
        oldestUnacknowledgedAt: response.oldestUnacknowledgedAt === "" ? null : response.oldestUnacknowledgedAt,
        ackLagMedianSeconds: response.ackLagKnown ? response.ackLagMedianSeconds : null,
        pendingUploads: response.pendingUploads.map(({ kind, subjectId, institutionId, changedAt, dueOn, overdue }) => ({ kind, subjectId, institutionId, changedAt, dueOn, overdue })),
      };
    },
  };

  const Mutation = {
    async replayRegulatorDeadLetters(_root: unknown, args: ScopeArgs, context: HttpContext) {
      const { scope, client } = await delivery(context);
      const response = await unary<ReplayDeadLettersResponse>(scope, (metadata, options, done) => client.replayDeadLetters(request(args), metadata, options, done));
      return { replayed: response.replayed };
    },
  };
  return { Query, Mutation };
}

/** Regulator delivery status and replay (contexts/reporting/delivery.graphql). */
export const deliveryModule: GatewayModule = {
  name: "delivery",
  schemaFile: new URL("./delivery.graphql", import.meta.url),
  resolvers: deliveryResolvers,
};
