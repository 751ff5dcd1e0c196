import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceDefinition, ServiceError } from "@grpc/grpc-js";
import {
  type FeedEntry,
  type ListFeedRequest,
  type ListFeedResponse,
  RegulatorFeedServiceClient,
  RegulatorFeedServiceService,
  type StreamFeedRequest,
} from "@ihp/contracts/reporting";
import type { StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import type { Bus } from "@ihp/messaging";
import {
  type BuiltinIssuer,
  openBuiltinIssuer,
  channelCredentials,
  createLogger,
  fromGrpcError,
  type OwnedServiceClient,
  type RemoteError,
  type Role,
  type ServiceClient,
  serviceClient,
  TokenVerifier,
  withBearerToken,
} from "@ihp/platform";
import { loadReportingConfig, type ReportingService, startReportingService } from "../../src/index.js";
import { LogCapture } from "./logCapture.js";

export interface Harness {
  readonly service: ReportingService;
  /** The regulator feed's typed client (listFeed). */
  readonly client: ServiceClient<typeof RegulatorFeedServiceService>;
  readonly logs: LogCapture;
  readonly dataDir: string;
  /** A token for a caller with this role acting for this tenant (a jurisdiction code for regulators). */
  token(role: Role, tenant: string, subject?: string): Promise<string>;
  /** Everything in the reporting log, read through a second connection to the service's SQLite file. */
  readLog(): Promise<readonly StoredEvent[]>;
  /** A typed client (serviceClient) of one of the service's gRPC services, closed with the harness. */
  grpc<S extends ServiceDefinition>(definition: S): ServiceClient<S>;
  close(): Promise<void>;
}

// One issuer for the whole test process: key generation is the slow part of a start.
let issuerPromise: Promise<BuiltinIssuer> | undefined;
function sharedIssuer(): Promise<BuiltinIssuer> {
  issuerPromise ??= openBuiltinIssuer(":memory:");
  return issuerPromise;
}

export async function startHarness(options: { bus?: Bus; env?: Record<string, string>; clock?: () => Date } = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), "ihp-reporting-"));
  const issuer = await sharedIssuer();
  const logs = new LogCapture();
  const config = loadReportingConfig({
    SERVICE_NAME: "reporting",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "debug",
    SHUTDOWN_GRACE_MS: "2000",
    ...options.env,
  });
  const service = await startReportingService({
    config,
    ...(options.bus === undefined ? {} : { bus: options.bus }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    verifier: TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience }),
    logger: createLogger({ name: "reporting", level: "debug", destination: logs }),
  });
  const clients: OwnedServiceClient<ServiceDefinition>[] = [];
  const grpc = <S extends ServiceDefinition>(definition: S): ServiceClient<S> => {
    const client = serviceClient(definition, `127.0.0.1:${service.grpcPort}`, channelCredentials());
    clients.push(client);
    return client;
  };
  return {
    service,
    client: grpc(RegulatorFeedServiceService),
    logs,
    dataDir,
    token: (role, tenant, subject = `${role}-${tenant}`) => issuer.issue({ subject, roles: [role], tenantId: tenant }),
    async readLog() {
      const reader = SqliteEventStore.open({ path: join(dataDir, "reporting-events.sqlite") });
      try {
        return await reader.readAll({ limit: 10_000 });
      } finally {
        await reader.close();
      }
    },
    grpc,
    async close() {
      for (const client of clients) client.close();
      await service.stop("test done");
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function listFeed(client: Harness["client"], token: string, request: Partial<ListFeedRequest> = {}): Promise<ListFeedResponse> {
  return client.listFeed({ page: undefined, jurisdiction: "", ...request }, { token });
}

/** The stable code and kind a failed call carries (ihp-error-bin), or throws when the call succeeded. */
export async function refusal(call: Promise<unknown>): Promise<RemoteError> {
  try {
    await call;
  } catch (error) {
    return fromGrpcError(error);
  }
  throw new Error("expected the call to fail");
}

export interface FeedSubscription {
  readonly entries: FeedEntry[];
  /** Set when the stream ended: the error's stable code, or "OK". */
  readonly ended: { code: string; status: number } | undefined;
  cancel(): void;
}

/**
 * A live StreamFeed on its own grpc-js client: the test sees the status the stream ended with, a client's CANCELLED
 * included (serviceClient's iterator ends quietly when its reader leaves).
 */
export function streamFeed(harness: Harness, token: string, request: Partial<StreamFeedRequest> = {}): FeedSubscription {
  const client = new RegulatorFeedServiceClient(`127.0.0.1:${harness.service.grpcPort}`, channelCredentials());
  const call = client.streamFeed({ after: "", jurisdiction: "", ...request }, withBearerToken(token));
  call.on("status", () => client.close());
  const subscription: { entries: FeedEntry[]; ended: { code: string; status: number } | undefined; cancel(): void } = {
    entries: [],
    ended: undefined,
    cancel: () => call.cancel(),
  };
  call.on("data", (response: { entry?: FeedEntry }) => {
    if (response.entry !== undefined) subscription.entries.push(response.entry);
  });
  call.on("error", (error: ServiceError) => {
    const remote = fromGrpcError(error);
    subscription.ended = { code: remote.code, status: remote.status };
  });
  call.on("end", () => {
    subscription.ended ??= { code: "OK", status: 0 };
  });
  return subscription;
}
