import { InstitutionServiceService, PractitionerServiceService } from "@ihp/contracts/identity";
import type { Bus } from "@ihp/messaging";
import type { GrpcHandlerOptions, Logger, PrincipalResolver, StopOutcome } from "@ihp/platform";
import { startServiceHost } from "@ihp/service-host";
import { CARE_DURABLE, CONSULT_CARE_SUBJECTS, consultCareHandler } from "./adapters/bus/consultEvents.js";
import { identityEventMapping, IDENTITY_CONTEXT } from "./adapters/bus/integrationEvents.js";
import { createCareRelationships } from "./application/care/careRelationships.js";
import { institutionServer } from "./adapters/grpc/institutionServer.js";
import { practitionerServer } from "./adapters/grpc/practitionerServer.js";
import { openPractitionerAdapters } from "./adapters/registry/practitionerAdapters.js";
import { createInstitutionCommands } from "./application/institutionCommands.js";
import { createInstitutionQueries } from "./application/institutionQueries.js";
import { type IdentityReadModels, institutionsProjection } from "./application/institutionsProjection.js";
import { createPractitionerCommands } from "./application/practitioners/practitionerCommands.js";
import { createPractitionerQueries } from "./application/practitioners/practitionerQueries.js";
import {
  practitionersProjectionOf,
  practitionerTables,
} from "./application/practitioners/practitionersProjection.js";
import type { IdentityConfig } from "./config.js";
import { accessBindings, openAccessAdapters } from "./adapters/grpc/accessBindings.js";
import { createPractitionerAccess } from "./application/practitioners/practitionerAccess.js";
import type { PractitionerAccess } from "./application/sessions/practitionerAccessPort.js";
import type { IdentityVerifier } from "./application/patients/identityVerifier.js";
import { IDENTITY_SEALING } from "./application/practitioners/sealing.js";
import { erasureHosting } from "./adapters/erasureHosting.js";

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
  /** Practitioner checks behind CheckReceiving, CheckReviewer and signing. Default: the practitioners slice (tests
   * pass a stand-in). */
  readonly practitionerAccess?: PractitionerAccess;
  /** The face-match provider for patients and step-ups. Default: the embedded stand-in (never in production). */
  readonly identityVerifier?: IdentityVerifier;
}

export interface IdentityService {
  /** The bound gRPC port (GRPC_PORT=0 picks a free one). */
  readonly grpcPort: number;
  /** Ordered stop: gRPC drains, relay and projector stop, bus (if ours), read models and stores close. Idempotent. */
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

/** Composition root of the identity service, on the shared service host (ARCHITECTURE §3, §10). */
export async function startIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  const { clock = () => new Date() } = options;
  const practitioners = await openPractitionerAdapters(options.config);
  const access = await openAccessAdapters(options.config, { identityVerifier: options.identityVerifier });
  const erasure = erasureHosting<IdentityReadModels>(options.config, IDENTITY_CONTEXT, options.metrics?.registry);
  return startServiceHost<IdentityReadModels>({
    context: IDENTITY_CONTEXT,
    config: options.config,
    bus: options.bus,
    verifier: options.verifier,
    clock,
    logger: options.logger,
    metrics: options.metrics,
    tracer: options.tracer,
    sealing: IDENTITY_SEALING,
    projectSealed: true,
    projections: [institutionsProjection, practitionersProjectionOf<IdentityReadModels>(), erasure.projection],
    // Few events, and consumers (the regulator feed) read licence history in order: keep bus order = log order.
    publish: {
      map: erasure.map(identityEventMapping({ openIdNumber: (sealed, id) => practitioners.sealer.open(sealed, id) })),
    },
    // REC-09: the care relationships behind a physician's patient read, from consult's integration events.
    consumesFrom: ["consult", ...erasure.holders],
    // Patients' names and ID numbers are sealed by the older per-patient ring: an erasure of class "identity" destroys
    // that key too (without the key ring's fence: see README "Erasure").
    alsoDestroyOnErasure: (order) => (order.retentionClass === "identity" ? access.keys.destroy(order.subject) : Promise.resolve()),
    consumers: [
      {
        spec: { durable: CARE_DURABLE, subjects: CONSULT_CARE_SUBJECTS },
        handler: ({ store, newId }) =>
          consultCareHandler(createCareRelationships({ store, newId, hoursAfterEnd: options.config.CARE_READ_HOURS_AFTER_END })),
      },
      ...erasure.consumers,
    ],
    jobs: [erasure.job],
    grpc: (deps) => {
      const { store, audit, handlers, readModels, newId, logger, verifier, openSealed } = deps;
      return [
      erasure.binding(deps),
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
      {
        definition: PractitionerServiceService,
        implementation: practitionerServer({
          handlers,
          commands: createPractitionerCommands({ store, audit, clock, newEventId: newId, logger, ...practitioners, personIndex: access.keys.blindIndex }),
          queries: createPractitionerQueries({ store, audit, readModels: practitionerTables(readModels), openSealed }),
          readModels: practitionerTables(readModels),
          openSealed,
          clock,
          newId,
        }),
      },
      ...accessBindings(
        options.config,
        access,
        options.practitionerAccess ?? createPractitionerAccess({ store, newEventId: newId }),
        { store, audit, handlers, clock, newId, verifier },
      ),
      ];
    },
  });
}
