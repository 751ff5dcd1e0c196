import { type DrugCatalogue, loadCatalogueFile, sampleCatalogue } from "@ihp/drug-catalogue";
import type { Bus } from "@ihp/messaging";
import { ConfigError, type GrpcHandlerOptions, type Logger, type PrincipalResolver, serviceTokenSource, type ServiceTokenSource } from "@ihp/platform";
import { PrescriptionServiceService } from "@ihp/contracts/prescription";
import { type HostedService, startServiceHost } from "@ihp/service-host";
import { createPrescriptionCommands } from "./application/prescriptionCommands.js";
import { createPrescriptionQueries } from "./application/prescriptionQueries.js";
import { type PrescriptionReadModels, prescriptionsProjection } from "./application/prescriptionsProjection.js";
import type { SuspensionPort } from "./application/suspensions.js";
import type { ClinicalSessionPort, ConsultContextPort, SignaturePort } from "./application/ports.js";
import { PRESCRIPTION_CONTEXT, prescriptionEventMessage, REVIEW_SUBJECT, reviewOutcomeHandler } from "./adapters/bus/integrationEvents.js";
import { consultContextClient, sessionClient, signatureClient, suspensionClient } from "./adapters/clients/grpcPorts.js";
import { prescriptionServer } from "./adapters/grpc/prescriptionServer.js";
import type { PrescriptionConfig } from "./config.js";
import { PRESCRIPTION_SEALING } from "./application/sealing.js";

export interface PrescriptionServiceOptions {
  readonly config: PrescriptionConfig;
  readonly bus?: Bus | undefined;
  readonly verifier?: PrincipalResolver | undefined;
  readonly clock?: (() => Date) | undefined;
  readonly logger?: Logger | undefined;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
  readonly catalogue?: DrugCatalogue | undefined;
  /** Ports; default: gRPC clients of CONSULT_GRPC_ADDRESS and IDENTITY_GRPC_ADDRESS. */
  readonly consults?: ConsultContextPort | undefined;
  readonly signatures?: SignaturePort | undefined;
  /** IDN-08: the physician's current session, asked of identity (IDENTITY_GRPC_ADDRESS) before unsigned writes. */
  readonly sessions?: ClinicalSessionPort | undefined;
  /** REP-06 suspensions; default: a client of REPORTING_GRPC_ADDRESS when set, else no check. */
  readonly suspensions?: SuspensionPort | undefined;
  /** The service's own token, under which it submits prescriptions for signing and asks for sessions. Default: from AUTH_MODE. */
  readonly serviceTokens?: ServiceTokenSource | undefined;
}

export type PrescriptionService = HostedService;

export async function startPrescriptionService(options: PrescriptionServiceOptions): Promise<PrescriptionService> {
  const { config } = options;
  const catalogue =
    options.catalogue ?? (config.DRUG_CATALOGUE_FILE === undefined ? await sampleCatalogue() : await loadCatalogueFile(config.DRUG_CATALOGUE_FILE));
  const closers: (() => void)[] = [];
  const consults = options.consults ?? remote(config.CONSULT_GRPC_ADDRESS, "CONSULT_GRPC_ADDRESS", consultContextClient, closers);
  const ownTokens = options.serviceTokens ?? serviceTokenSource(config);
  const signatures =
    options.signatures ??
    remote(config.IDENTITY_GRPC_ADDRESS, "IDENTITY_GRPC_ADDRESS", (address) => signatureClient(address, () => ownTokens.token()), closers);
  const sessions =
    options.sessions ??
    remote(config.IDENTITY_GRPC_ADDRESS, "IDENTITY_GRPC_ADDRESS", (address) => sessionClient(address, () => ownTokens.token()), closers);
  const suspensions =
    options.suspensions ??
    (config.REPORTING_GRPC_ADDRESS === undefined
      ? undefined
      : remote(config.REPORTING_GRPC_ADDRESS, "REPORTING_GRPC_ADDRESS", (address) => suspensionClient(address, () => ownTokens.token()), closers));

  let commands: ReturnType<typeof createPrescriptionCommands> | undefined;
  const hosted = await startServiceHost<PrescriptionReadModels>({
    context: PRESCRIPTION_CONTEXT,
    config,
    bus: options.bus,
    verifier: options.verifier,
    clock: options.clock,
    logger: options.logger,
    metrics: options.metrics,
    tracer: options.tracer,
    sealing: PRESCRIPTION_SEALING,
    projections: [prescriptionsProjection],
    publish: { map: prescriptionEventMessage },
    consumesFrom: ["pharmacy"],
    consumers: [
      {
        spec: { durable: "prescription-review-outcomes", subjects: [REVIEW_SUBJECT] },
        handler: (deps) => reviewOutcomeHandler(commandsOf(deps)),
      },
    ],
    grpc: (deps) => {
      // REP-06: without reporting nobody tells prescription about suspensions, so none are enforced — say so at start.
      if (suspensions === undefined) deps.logger.warn({ code: "SUSPENSION_CHECKS_OFF" }, "REPORTING_GRPC_ADDRESS is not set: suspended drugs and clinicians (REP-06) are not checked");
      return [
        {
          definition: PrescriptionServiceService,
          implementation: prescriptionServer({
            handlers: deps.handlers,
            commands: commandsOf(deps),
            queries: createPrescriptionQueries({ store: deps.store, readModels: deps.readModels, catalogue, audit: deps.audit, clock: deps.clock, newId: deps.newId }),
            clock: deps.clock,
            newId: deps.newId,
          }),
        },
      ];
    },
  });

  function commandsOf(deps: Parameters<Parameters<typeof startServiceHost<PrescriptionReadModels>>[0]["grpc"]>[0]) {
    commands ??= createPrescriptionCommands({ store: deps.store, audit: deps.audit, clock: deps.clock, newEventId: deps.newId, catalogue, consults, signatures, sessions, suspensions });
    return commands;
  }

  return {
    grpcPort: hosted.grpcPort,
    async stop(reason) {
      const outcomes = await hosted.stop(reason);
      for (const close of closers.splice(0)) close();
      return outcomes;
    },
  };
}

function remote<T extends { close(): void }>(address: string | undefined, variable: string, make: (address: string) => T, closers: (() => void)[]): T {
  if (address === undefined) throw new ConfigError([{ variable, problem: "required unless the port is given in-process" }]);
  const client = make(address);
  closers.push(() => client.close());
  return client;
}
