import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "@ihp/blobstore";
import { RecordMediaServiceService, RecordsServiceService } from "@ihp/contracts/records";
import type { Bus } from "@ihp/messaging";
import { ConfigError, type GrpcHandlerOptions, type Logger, type PrincipalResolver, serviceTokenSource, type StopOutcome } from "@ihp/platform";
import { startServiceHost } from "@ihp/service-host";
import { HttpRfc3161Authority, type TimestampAuthority } from "@ihp/timestamping";
import { ORIGINATION_CONCURRENCY, ORIGINATION_DURABLE, ORIGINATION_SUBJECTS, originationHandler } from "./adapters/bus/consultCompleted.js";
import { grpcConsult } from "./adapters/consult/grpcConsult.js";
import { mediaServer } from "./adapters/grpc/mediaServer.js";
import { recordsEventMessage } from "./adapters/bus/recordEvents.js";
import { copiesBindings } from "./adapters/grpc/copiesServer.js";
import { recordsServer } from "./adapters/grpc/recordsServer.js";
import { lifecycleBinding } from "./adapters/grpc/lifecycleBinding.js";
import { grpcIdentity } from "./adapters/identity/grpcIdentity.js";
import { createRecordReader } from "./application/access.js";
import { createRecordCommands } from "./application/commands.js";
import { createSealKeys, type SealKeys } from "./application/copiesSeal.js";
import { createMediaAccess } from "./application/mediaAccess.js";
import { openMediaBlobStore } from "./application/mediaStore.js";
import { createMediaVault, type MediaLog, type MediaVault } from "./application/mediaVault.js";
import { createOrigination, RECORDS_PRINCIPAL } from "./application/originate.js";
import { createPendingCosignFeed } from "./application/pendingCosign.js";
import type { ConsultPort, IdentityPort } from "./application/ports.js";
import { createRecordQueries } from "./application/queries.js";
import { RECORDS_SEALING } from "./application/sealing.js";
import { recordsIndex, recordsIndexProjection } from "./application/recordsIndex.js";
import { createRecordStore } from "./application/store.js";
import { retentionReviewJob } from "./application/retentionJob.js";
import type { RecordsConfig } from "./config.js";

export const RECORDS_CONTEXT = "records";

export interface RecordsServiceOptions {
  readonly config: RecordsConfig;
  /** A bus shared with other services (the embedded runner's). Its owner closes it. */
  readonly bus?: Bus | undefined;
  readonly verifier?: PrincipalResolver | undefined;
  readonly clock?: (() => Date) | undefined;
  readonly logger?: Logger | undefined;
  readonly metrics?: GrpcHandlerOptions["metrics"];
  readonly tracer?: GrpcHandlerOptions["tracer"];
  /**
   * REC-07: the trusted timestamp authority every signature needs. Default: RECORDS_TSA_URL with RECORDS_TSA_CERT_FILE;
   * without either the service runs and refuses every signature with TIMESTAMP_REQUIRED (it never signs undated).
   */
  readonly tsa?: TimestampAuthority | undefined;
  /** Identity's answers. Default: gRPC to IDENTITY_GRPC_ADDRESS with the service's own `system` token. */
  readonly identity?: IdentityPort | undefined;
  /** Consult's record source. Default: gRPC to CONSULT_GRPC_ADDRESS with the service's own `records` token. */
  readonly consult?: ConsultPort | undefined;
  /**
   * Where media blobs go, sealed (REC-01, REC-03; mediaVault.ts). Default from the configuration (mediaStore.ts): S3
   * when RECORDS_S3_BUCKET is set, else a folder under DATA_DIR. The owner of a given store closes it.
   */
  readonly blobs?: BlobStore | undefined;
  /** REC-10: the institutions' e-seal keys for copies. Default: PEM files under RECORDS_SEAL_KEY_DIR (DATA_DIR/records-seal). */
  readonly sealKeys?: SealKeys | undefined;
}

export interface RecordsService {
  readonly grpcPort: number;
  stop(reason?: string): Promise<readonly StopOutcome[]>;
}

function required(variable: string, value: string | undefined): string {
  if (value === undefined) throw new ConfigError([{ variable, problem: "required (or the service given its adapter)" }]);
  return value;
}

/** The HTTP RFC 3161 TSA of the configuration: URL and certificate both, or neither (no TSA). */
async function tsaFromConfig(config: RecordsConfig, clock: () => Date): Promise<TimestampAuthority | undefined> {
  if (config.RECORDS_TSA_URL === undefined && config.RECORDS_TSA_CERT_FILE === undefined) return undefined;
  const url = required("RECORDS_TSA_URL", config.RECORDS_TSA_URL);
  const certificate = await readFile(required("RECORDS_TSA_CERT_FILE", config.RECORDS_TSA_CERT_FILE), "utf8");
  return new HttpRfc3161Authority({ url, tsaCertificate: certificate, maxSkewMs: config.RECORDS_MAX_TSA_SKEW_SECONDS * 1000, now: clock, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS });
}

/** Composition root of the records service, on the shared service host (ARCHITECTURE §3, §10; issue 11). */
export async function startRecordsService(options: RecordsServiceOptions): Promise<RecordsService> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  const closers: (() => void)[] = [];
  let identity = options.identity;
  if (identity === undefined) {
    const tokens = serviceTokenSource(config);
    const recordsTokens = serviceTokenSource(config, fetch, ["records"]);
    const own = grpcIdentity({ address: required("IDENTITY_GRPC_ADDRESS", config.IDENTITY_GRPC_ADDRESS), serviceToken: () => tokens.token(), recordsToken: () => recordsTokens.token() });
    closers.push(() => own.close());
    identity = own;
  }
  let consult = options.consult;
  if (consult === undefined) {
    const tokens = serviceTokenSource(config, fetch, ["records"]);
    const own = grpcConsult({ address: required("CONSULT_GRPC_ADDRESS", config.CONSULT_GRPC_ADDRESS), timeoutMs: config.DOWNSTREAM_TIMEOUT_MS, recordsToken: () => tokens.token() });
    closers.push(() => own.close());
    consult = own;
  }
  const identityPort = identity;
  const consultPort = consult;
  const mediaStore = options.blobs === undefined ? await openMediaBlobStore(config, clock) : { blobs: options.blobs, close: () => Promise.resolve() };
  closers.push(() => void mediaStore.close());
  const blobs = mediaStore.blobs;
  // One vault per service: built from the host's sealed log and key ring when they open (consumers, gRPC).
  let vault: MediaVault | undefined;
  const vaultOf = (deps: { store: unknown; keyRing: Parameters<typeof createMediaVault>[0]["ring"] | undefined; newId: () => string }): MediaVault | undefined => {
    if (vault === undefined && deps.keyRing !== undefined) vault = createMediaVault({ ring: deps.keyRing, blobs, log: deps.store as MediaLog, newEventId: deps.newId });
    return vault;
  };
  const tsa = options.tsa ?? (await tsaFromConfig(config, clock));
  const sealKeys = options.sealKeys ?? createSealKeys({ dir: config.RECORDS_SEAL_KEY_DIR ?? join(config.DATA_DIR, "records-seal") });
  const rendering = { oidRoot: config.RECORDS_OID_ROOT };
  const settings = { editWindowHours: config.RECORDS_EDIT_WINDOW_HOURS, maxTsaSkewSeconds: config.RECORDS_MAX_TSA_SKEW_SECONDS };
  try {
    const hosted = await startServiceHost({
      context: RECORDS_CONTEXT,
      config,
      bus: options.bus,
      verifier: options.verifier,
      clock,
      logger: options.logger,
      metrics: options.metrics,
      tracer: options.tracer,
      sealing: RECORDS_SEALING,
      // The records index (access logs by accessor, records by custodian) keeps ids and codes only, none of them
      // sealed: its projector reads the log as stored and needs no data key.
      projections: [recordsIndexProjection],
      projectSealed: true,
      // The patient's erasure (issue 10): an order for "media" or "clinical" also destroys every per-consult media key.
      // Thrown before the vault exists, so the order is redelivered rather than confirmed with keys left.
      alsoDestroyOnErasure: async (order) => {
        if (order.retentionClass !== "media" && order.retentionClass !== "clinical") return;
        if (vault === undefined) throw new Error("media vault not open yet");
        const metadata = { actorId: RECORDS_PRINCIPAL.subject, actorRole: "records", tenantId: "platform", correlationId: order.erasureId, causationId: order.erasureId, occurredAt: clock().toISOString() };
        await vault.eraseSubject(order.subject, order.approvalRef, metadata);
      },
      // REP-04: a record that became SIGNED leaves as ihp.records.v1.RecordSigned (the regulator feed's EMR entries).
      publish: { map: recordsEventMessage },
      consumesFrom: ["consult"],
      consumers: [
        {
          spec: { durable: ORIGINATION_DURABLE, subjects: ORIGINATION_SUBJECTS, concurrency: ORIGINATION_CONCURRENCY },
          handler: (deps) =>
            originationHandler(
              createOrigination({ records: createRecordStore(deps.store, deps.newId), consult: consultPort, identity: identityPort, media: vaultOf(deps), clock, newEventId: deps.newId, cosignTitles: config.RECORDS_COSIGN_TITLES }),
              deps.logger,
            ),
        },
      ],
      // REC-02, §9: the daily list of what falls due for destruction (nothing is destroyed without approval).
      jobs: [retentionReviewJob({ everyMs: config.RECORDS_RETENTION_REVIEW_HOURS * 3_600_000, clock })],
      grpc: ({ store, audit, handlers, newId, stopping, keyRing, readModels, caughtUp }) => {
        const records = createRecordStore(store, newId);
        const read = createRecordReader({ records, audit, identity: identityPort, clock });
        const media = createMediaAccess({ records, read, audit, vault: vaultOf({ store, keyRing, newId }), clock, newEventId: newId });
        return [
          { definition: RecordMediaServiceService, implementation: mediaServer({ handlers, media, newId }) },
          {
            definition: RecordsServiceService,
            implementation: recordsServer({
              handlers,
              queries: createRecordQueries({ store, records, read, audit }),
              commands: createRecordCommands({ records, audit, identity: identityPort, tsa, settings, clock }),
              pendingCosign: createPendingCosignFeed({ store, records, audit }),
              stopping,
              newId,
            }),
          },
          lifecycleBinding({ handlers, store, records, audit, identity: identityPort, tsa, settings, clock, cosignTitles: config.RECORDS_COSIGN_TITLES, newId, media: vaultOf({ store, keyRing, newId }) }),
          ...copiesBindings({
            handlers,
            store,
            records,
            read,
            audit,
            index: recordsIndex(readModels, () => caughtUp(recordsIndexProjection.name)),
            keys: sealKeys,
            context: rendering,
            clock,
            newId,
          }),
        ];
      },
    });
    return {
      grpcPort: hosted.grpcPort,
      async stop(reason) {
        const outcomes = await hosted.stop(reason);
        for (const close of closers) close();
        return outcomes;
      },
    };
  } catch (error) {
    for (const close of closers) close();
    throw error;
  }
}
