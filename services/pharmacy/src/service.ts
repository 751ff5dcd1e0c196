import { PharmacyServiceService } from "@ihp/contracts/pharmacy";
import type { Bus } from "@ihp/messaging";
import {
  type GrpcHandlerOptions,
  type Logger,
  type Principal,
  type PrincipalResolver,
  requiredUnless,
  serviceTokenGetter,
  type StopOutcome,
  traceFields,
} from "@ihp/platform";
import { startServiceHost } from "@ihp/service-host";
import { pharmacyEventMessage, PHARMACY_CONTEXT } from "./adapters/bus/integrationEvents.js";
import { PRESCRIPTION_DURABLE, prescriptionMessageHandler } from "./adapters/bus/prescriptionConsumer.js";
import { PRESCRIPTION_SUBJECTS } from "./adapters/bus/prescriptionMessages.js";
import { readModelProcessedLog } from "./adapters/bus/processedLog.js";
import { EMPTY_CATALOGUE } from "./adapters/catalogue/emptyCatalogue.js";
import { pharmacyServer } from "./adapters/grpc/pharmacyServer.js";
import { grpcIdentity } from "./adapters/identity/grpcIdentity.js";
import { localCarrier } from "./adapters/logistics/localCarrier.js";
import type { CatalogueLookup, IdentityPort, LogisticsPort } from "./application/ports.js";
import { createPrescriptionCommands } from "./application/prescriptionCommands.js";
import { type PharmacyReadModels, prescriptionsProjection } from "./application/prescriptionsProjection.js";
import { createQueries } from "./application/queries.js";
import { createReceiving } from "./application/receiving.js";
import { createRoster } from "./application/rosterCommands.js";
import type { PharmacyConfig } from "./config.js";
import type { BusinessHours } from "./domain/roster/index.js";
import { PHARMACY_SEALING } from "./application/sealing.js";

export interface PharmacyServiceOptions {
  readonly config: PharmacyConfig;
  /** A bus shared with other services (the embedded runner's). Its owner closes it. */
  readonly bus?: Bus | undefined;
  readonly verifier?: PrincipalResolver | undefined;
  /** The one clock of the service: event times, expiry days, roster coverage. Default: system time. */
  readonly clock?: (() => Date) | undefined;
  readonly logger?: Logger | undefined;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
  /** Identity's checks and signatures. Default: gRPC to IDENTITY_GRPC_ADDRESS (with `serviceToken` for bus work). */
  readonly identity?: IdentityPort | undefined;
  /**
   * The pharmacy's own token for identity calls made on its own behalf (verifying physicians' signatures). Default:
   * the platform's service token source (builtin issuer key in DATA_DIR, or OIDC client credentials).
   */
  readonly serviceToken?: (() => Promise<string>) | undefined;
  /** Drug facts for screening and PHA-07. Default: a catalogue that knows nothing (everything flagged, Rx-only). */
  readonly catalogue?: CatalogueLookup | undefined;
  /** Default: the embedded local carrier (not a real carrier; see README). */
  readonly logistics?: LogisticsPort | undefined;
}

export interface PharmacyService {
  readonly grpcPort: number;
  /** Ordered stop (the host's), then the identity channel. Idempotent. */
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

function minutes(clock: string): number {
  const [hours = 0, mins = 0] = clock.split(":").map(Number);
  return hours * 60 + mins;
}

/** The service itself, when it checks coverage on its timer. */
const COVERAGE_CHECKER: Principal = { subject: "svc:pharmacy", roles: ["system"], tenantId: "platform", kind: "service" };

/** Composition root of the pharmacy service, on the shared service host (ARCHITECTURE §3, §10). */
export async function startPharmacyService(options: PharmacyServiceOptions): Promise<PharmacyService> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  let ownIdentity: ReturnType<typeof grpcIdentity> | undefined;
  let identity = options.identity;
  if (identity === undefined) {
    const address = requiredUnless(config.IDENTITY_GRPC_ADDRESS, "IDENTITY_GRPC_ADDRESS", "an identity port is given");
    ownIdentity = grpcIdentity({ address, timeoutMs: config.IDENTITY_TIMEOUT_MS, serviceToken: options.serviceToken ?? serviceTokenGetter(config) });
    identity = ownIdentity;
  }
  const catalogue = options.catalogue ?? EMPTY_CATALOGUE;
  const logistics = options.logistics ?? localCarrier({ agreementId: config.LOCAL_DELIVERY_AGREEMENT_ID });
  const hours: BusinessHours = {
    weekdays: config.REVIEW_WEEKDAYS,
    opensAt: minutes(config.REVIEW_HOURS_OPEN),
    closesAt: minutes(config.REVIEW_HOURS_CLOSE),
  };
  const identityPort = identity;

  try {
    const hosted = await startServiceHost<PharmacyReadModels>({
      context: PHARMACY_CONTEXT,
      config,
      bus: options.bus,
      verifier: options.verifier,
      clock,
      logger: options.logger,
      metrics: options.metrics,
      tracer: options.tracer,
      sealing: PHARMACY_SEALING,
      projections: [prescriptionsProjection],
      publish: { map: pharmacyEventMessage },
      // PHA-06: the alert must not wait for someone to ask. Every institution the pharmacy has prescriptions for is
      // checked on a timer, as the service itself; a gap is recorded once (an event) and logged with a stable code.
      jobs:
        config.COVERAGE_CHECK_SECONDS === 0
          ? []
          : [
              {
                name: "review-coverage",
                everyMs: config.COVERAGE_CHECK_SECONDS * 1000,
                run: async ({ store, audit, readModels, newId, logger }) => {
                  const roster = createRoster({ store, audit, clock, newEventId: newId, hours });
                  const rows = await readModels.selectFrom("pharmacy_prescriptions").select("institution_id").distinct().execute();
                  for (const { institution_id: institutionId } of rows) {
                    if (institutionId === "unknown") continue;
                    const caller = { principal: COVERAGE_CHECKER, token: undefined, correlationId: newId(), trace: traceFields() };
                    const coverage = await roster.monitorCoverage(caller, institutionId);
                    if (coverage.gap) {
                      logger.warn({ code: "NO_PHARMACIST_ON_DUTY", institutionId, expectedReviewAt: coverage.expectedReviewAt }, "no pharmacist on duty in business hours (PHA-06)");
                    }
                  }
                },
              },
            ],
      consumesFrom: ["prescription"],
      consumers: [
        {
          spec: { durable: PRESCRIPTION_DURABLE, subjects: PRESCRIPTION_SUBJECTS },
          handler: ({ store, readModels, logger, newId }) =>
            prescriptionMessageHandler(
              createReceiving({ store, identity: identityPort, catalogue, clock, newEventId: newId }),
              readModelProcessedLog(readModels, clock),
              logger,
            ),
        },
      ],
      grpc: ({ store, audit, handlers, readModels, newId, stopping }) => [
        {
          definition: PharmacyServiceService,
          implementation: pharmacyServer({
            handlers,
            commands: createPrescriptionCommands({
              store,
              audit,
              identity: identityPort,
              logistics,
              clock,
              newEventId: newId,
              returnReasons: config.RETURN_REASON_CODES,
              rejectReasons: config.REJECT_REASON_CODES,
              pharmacyId: config.PHARMACY_ID,
            }),
            queries: createQueries({ store, readModels, audit, catalogue, clock }),
            roster: createRoster({ store, audit, clock, newEventId: newId, hours, identity: identityPort }),
            newId,
            stopping,
          }),
        },
      ],
    });
    return {
      grpcPort: hosted.grpcPort,
      async stop(reason) {
        const outcomes = await hosted.stop(reason);
        ownIdentity?.close();
        return outcomes;
      },
    };
  } catch (error) {
    ownIdentity?.close();
    throw error;
  }
}
