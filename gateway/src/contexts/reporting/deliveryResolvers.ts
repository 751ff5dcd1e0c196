import { enumName } from "@ihp/contracts";
import { RegulatorDeliveryServiceService } from "@ihp/contracts/reporting";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

type ScopeArgs = Partial<Gql.QueryRegulatorDeliveryStatusArgs>;

const request = (args: ScopeArgs) => ({ institutionId: args.institutionId ?? undefined, jurisdiction: args.jurisdiction ?? undefined });

/** REP-04 delivery status and replay, REP-02 pending uploads: every decision and refusal is the reporting service's. */
function deliveryResolvers(deps: ContextDeps) {
  const delivery = async (context: HttpContext) => ({
    scope: callScope(deps, context, await context.caller.actor()),
    client: deps.downstream.service("reporting", RegulatorDeliveryServiceService),
  });

  const Query = {
    async regulatorDeliveryStatus(_root, args, context) {
      const { scope, client } = await delivery(context);
      const response = await client.getDeliveryStatus(request(args), scope);
      return {
        asOf: response.asOf,
        unacknowledged: response.unacknowledged,
        deadLettered: response.deadLettered,
        oldestUnacknowledgedAt: response.oldestUnacknowledgedAt ?? null,
        ackLagMedianSeconds: response.ackLagMedianSeconds ?? null,
        pendingUploads: response.pendingUploads.map((upload) => ({
          ...upload,
          kind: present(enumName("UPLOAD_KIND_", upload.kind) ?? undefined, "the pending upload's kind"),
        })),
      };
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async replayRegulatorDeadLetters(_root, args, context) {
      const { scope, client } = await delivery(context);
      return { replayed: (await client.replayDeadLetters(request(args), scope)).replayed };
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
  return { Query, Mutation };
}

/** Regulator delivery status and replay (contexts/reporting/delivery.graphql). */
export const deliveryModule: GatewayModule = {
  name: "delivery",
  schemaFile: new URL("./delivery.graphql", import.meta.url),
  resolvers: deliveryResolvers,
};
