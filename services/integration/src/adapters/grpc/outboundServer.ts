import type { FollowOutboundResponse, IntegrationOutboundServiceServer } from "@ihp/contracts/integration";
import type { AuditTrail, GrpcHandlers } from "@ihp/platform";
import type { Outbound } from "../../application/outbound.js";
import { callerOf, senderOf } from "./integrationServer.js";

export interface OutboundServerOptions {
  readonly handlers: GrpcHandlers;
  readonly outbound: Outbound;
  readonly audit: AuditTrail;
  readonly newId: () => string;
  /** Aborted when the service stops: follow streams end so the HIS reconnects (and gets unacknowledged entries again). */
  readonly stopping: AbortSignal;
}

/** ihp.integration.v1.IntegrationOutboundService: the institution's own entries only (its token's tenant). */
export function outboundServer(options: OutboundServerOptions): IntegrationOutboundServiceServer {
  const { handlers, outbound, audit, newId } = options;
  return {
    followOutbound: handlers.serverStream<{ fromPosition: bigint }, FollowOutboundResponse>(async (request, call, send) => {
      const sender = await senderOf(audit, callerOf(call, newId), "FollowOutbound");
      const signal = AbortSignal.any([call.signal, options.stopping]);
      for await (const entry of outbound.follow(sender, request.fromPosition, signal)) await send({ entry });
    }),
    acknowledgeOutbound: handlers.unary(async (request, call) => {
      const sender = await senderOf(audit, callerOf(call, newId), "AcknowledgeOutbound");
      return { acknowledgedPosition: await outbound.acknowledge(sender, request.position) };
    }),
  };
}
