import { randomBytes } from "node:crypto";
import { ConsultContextServiceService, ConsultRecordSourceServiceService, ConsultServiceService } from "@ihp/contracts/consult";
import type { Bus } from "@ihp/messaging";
import {
  channelCredentials,
  type GrpcHandlerOptions,
  type Logger,
  type Principal,
  type PrincipalResolver,
  type ServiceTokenSource,
  serviceTokenSource,
  type StopOutcome,
  traceFields,
} from "@ihp/platform";
import { startServiceHost } from "@ihp/service-host";
import { CONSULT_CONTEXT, consultEventMessage } from "./adapters/bus/integrationEvents.js";
import { consultServer } from "./adapters/grpc/consultServer.js";
import { contextServer } from "./adapters/grpc/contextServer.js";
import { recordSourceServer } from "./adapters/grpc/recordSourceServer.js";
import { grpcIdentity } from "./adapters/identity/grpcIdentity.js";
import { grpcHisEncounters } from "./adapters/integration/grpcIntegration.js";
import { grpcSuspensions } from "./adapters/reporting/grpcSuspensions.js";
import { embeddedRtc } from "./adapters/rtc/embeddedRtc.js";
import type { Caller } from "./application/caller.js";
import { createConsultCommands } from "./application/consultCommands.js";
import { createConsultQueries } from "./application/consultQueries.js";
import { currentConsentText } from "./application/consentTexts.js";
import { createExpirySweep } from "./application/expirySweep.js";
import { createFamilyContracts } from "./application/familyContracts.js";
import { createMessageFeed } from "./application/messageFeed.js";
import { CONSULT_SEALING } from "./application/sealing.js";
import type { HisEncounterPort, IdentityPort, RtcPort } from "./application/ports.js";
import type { SuspensionPort } from "./application/suspensions.js";
import { createPrescribingContext } from "./application/prescribingContext.js";
import { createRecordSource } from "./application/recordSource.js";
import { type ConsultReadModels, queuesProjection } from "./application/queuesProjection.js";
import type { ConsultConfig } from "./config.js";
import type { ConsultSettings } from "./domain/consults/index.js";

export interface ConsultServiceOptions {
  readonly config: ConsultConfig;
  readonly bus?: Bus;
  readonly verifier?: PrincipalResolver;
  readonly clock?: () => Date;
  readonly logger?: Logger;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
  /** Identity behind its port; default: identity's gRPC services at IDENTITY_GRPC_ADDRESS. */
  readonly identity?: IdentityPort;
  /** HIS encounters behind their port; default: the integration service at INTEGRATION_GRPC_ADDRESS when set. */
  readonly hisEncounters?: HisEncounterPort;
  /** REP-06 suspensions; default: the reporting service at REPORTING_GRPC_ADDRESS when set. */
  readonly suspensions?: SuspensionPort;
  /** Default: the embedded RTC adapter (tokens only, no media server). */
  readonly rtc?: RtcPort;
  /** Tokens of the service's own calls (the expiry sweep). Default: from AUTH_MODE (serviceTokenSource). */
  readonly serviceTokens?: ServiceTokenSource;
}

export interface ConsultService {
  readonly grpcPort: number;
  /** The expiry sweep for a scheduler (the embedded runner's timer); needs a system caller. */
  expireOverdue(caller: Caller): Promise<string[]>;
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

export function settingsFrom(config: ConsultConfig): ConsultSettings {
  const consent = currentConsentText();
  return {
    classADiagnosisPrefixes: config.CONSULT_CLASS_A_CODES,
    terminationReasons: config.CONSULT_TERMINATION_REASONS,
    acceptanceWindowMinutes: config.CONSULT_ACCEPTANCE_WINDOW_MINUTES,
    currentConsent: { version: consent.version, sha256: consent.sha256 },
  };
}

/** The service itself, when it sweeps: never a clinician (IDN-03). */
const SWEEPER: Principal = { subject: "svc:consult", roles: ["system"], tenantId: "platform", kind: "service" };

/** Composition root of the consult service, on the shared service host (ARCHITECTURE §3, §10). */
export async function startConsultService(options: ConsultServiceOptions): Promise<ConsultService> {
  const { config, clock = () => new Date() } = options;
  const settings = settingsFrom(config);
  const serviceTokens = options.serviceTokens ?? serviceTokenSource(config);
  const ownIdentity =
    options.identity === undefined
      ? grpcIdentity(
          config.IDENTITY_GRPC_ADDRESS,
          channelCredentials(config.GRPC_TLS_CA_FILE === undefined ? undefined : { caFile: config.GRPC_TLS_CA_FILE }),
          () => serviceTokens.token(),
        )
      : undefined;
  const identity = options.identity ?? ownIdentity!;
  const ownHisEncounters =
    options.hisEncounters === undefined && config.INTEGRATION_GRPC_ADDRESS !== undefined
      ? grpcHisEncounters(config.INTEGRATION_GRPC_ADDRESS, channelCredentials(config.GRPC_TLS_CA_FILE === undefined ? undefined : { caFile: config.GRPC_TLS_CA_FILE }))
      : undefined;
  const hisEncounters = options.hisEncounters ?? ownHisEncounters;
  const ownSuspensions =
    options.suspensions === undefined && config.REPORTING_GRPC_ADDRESS !== undefined
      ? grpcSuspensions(config.REPORTING_GRPC_ADDRESS, channelCredentials(config.GRPC_TLS_CA_FILE === undefined ? undefined : { caFile: config.GRPC_TLS_CA_FILE }), () => serviceTokens.token())
      : undefined;
  const suspensions = options.suspensions ?? ownSuspensions;
  let sweep: ((caller: Caller) => Promise<string[]>) | undefined;
  try {
    const hosted = await startServiceHost<ConsultReadModels>({
      context: CONSULT_CONTEXT,
      config,
      bus: options.bus,
      verifier: options.verifier,
      clock,
      logger: options.logger,
      metrics: options.metrics,
      tracer: options.tracer,
      sealing: CONSULT_SEALING,
      projections: [queuesProjection],
      publish: { map: consultEventMessage },
      // EXPIRED (not accepted in time): the service's own sweep, as the system, under its service token.
      jobs:
        config.CONSULT_EXPIRY_SWEEP_SECONDS === 0
          ? []
          : [
              {
                name: "expire-overdue-consults",
                everyMs: config.CONSULT_EXPIRY_SWEEP_SECONDS * 1000,
                run: async ({ newId }) => {
                  if (sweep === undefined) return;
                  await sweep({ principal: SWEEPER, token: await serviceTokens.token(), correlationId: newId(), trace: traceFields() });
                },
              },
            ],
      grpc: ({ store, audit, handlers, readModels, newId, stopping, logger }) => {
        // REP-06: without reporting nobody tells consult about suspensions, so none are enforced — say so at start.
        if (suspensions === undefined) logger.warn({ code: "SUSPENSION_CHECKS_OFF" }, "REPORTING_GRPC_ADDRESS is not set: suspended departments and clinicians (REP-06) are not checked");
        const rtc =
          options.rtc ?? embeddedRtc({ secret: randomBytes(32), clock, tokenTtlSeconds: config.RTC_TOKEN_TTL_SECONDS, newId });
        const contracts = createFamilyContracts({ store, audit, identity, clock, newEventId: newId });
        const commands = createConsultCommands({ store, audit, identity, rtc, contracts, hisEncounters, suspensions, settings, clock, newEventId: newId });
        sweep = createExpirySweep({ commands, readModels, clock });
        return [
          {
            definition: ConsultServiceService,
            implementation: consultServer({
              handlers,
              commands,
              queries: createConsultQueries({ store, audit, readModels }),
              contracts,
              consent: currentConsentText,
              watch: createMessageFeed({ store, audit }),
              sweep,
              stopping,
              newId,
            }),
          },
          {
            definition: ConsultContextServiceService,
            implementation: contextServer({ handlers, context: createPrescribingContext({ store, audit }), newId }),
          },
          {
            definition: ConsultRecordSourceServiceService,
            implementation: recordSourceServer({ handlers, source: createRecordSource({ store, audit }), newId }),
          },
        ];
      },
    });
    return {
      grpcPort: hosted.grpcPort,
      expireOverdue: (caller) => {
        if (sweep === undefined) throw new Error("consult service not started");
        return sweep(caller);
      },
      async stop(reason) {
        const outcomes = await hosted.stop(reason);
        ownIdentity?.close();
        ownHisEncounters?.close();
        ownSuspensions?.close();
        return outcomes;
      },
    };
  } catch (error) {
    ownIdentity?.close();
    ownHisEncounters?.close();
    ownSuspensions?.close();
    throw error;
  }
}
