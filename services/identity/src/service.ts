import { InstitutionServiceService } from "@ihp/contracts/identity";
import type { Bus } from "@ihp/messaging";
import type { GrpcHandlerOptions, Logger, PrincipalResolver, StopOutcome } from "@ihp/platform";
import { startServiceHost } from "@ihp/service-host";
import { identityEventMessage, IDENTITY_CONTEXT } from "./adapters/bus/integrationEvents.js";
import { institutionServer } from "./adapters/grpc/institutionServer.js";
import { createInstitutionCommands } from "./application/institutionCommands.js";
import { createInstitutionQueries } from "./application/institutionQueries.js";
import { type IdentityReadModels, institutionsProjection } from "./application/institutionsProjection.js";
import type { IdentityConfig } from "./config.js";

export interface IdentityServiceOptions {
  readonly config: IdentityConfig;
  /** A bus shared with other services (the embedded runner's InProcessBus). Its owner closes it. Default: NATS when
   * NATS_URL is set, else a private in-process bus. */
  readonly bus?: Bus;
  /** Token verification shared with other services. Default: from AUTH_MODE (builtin key in DATA_DIR, or OIDC). */
  readonly verifier?: PrincipalResolver;
  /** The one clock of the service: event times, audit days, licence expiry, profile versions. Default: system time. */
  readonly clock?: () => Date;
  readonly logger?: Logger;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
}

export interface IdentityService {
  /** The bound gRPC port (GRPC_PORT=0 picks a free one). */
  readonly grpcPort: number;
  /** Ordered stop: gRPC drains, relay and projector stop, bus (if ours), read models and stores close. Idempotent. */
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

/** Composition root of the identity service, on the shared service host (ARCHITECTURE §3, §10). */
export function startIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  const { clock = () => new Date() } = options;
  return startServiceHost<IdentityReadModels>({
    context: IDENTITY_CONTEXT,
    config: options.config,
    bus: options.bus,
    verifier: options.verifier,
    clock,
    logger: options.logger,
    metrics: options.metrics,
    tracer: options.tracer,
    projections: [institutionsProjection],
    // Few events, and consumers (the regulator feed) read licence history in order: keep bus order = log order.
    publish: { map: identityEventMessage, maxInFlight: 1 },
    grpc: ({ store, audit, handlers, readModels, newId }) => [
      {
        definition: InstitutionServiceService,
        implementation: institutionServer({
          handlers,
          commands: createInstitutionCommands({ store, audit, clock, newEventId: newId }),
          queries: createInstitutionQueries({ store, audit }),
          readModels,
          newId,
        }),
      },
    ],
  });
}
