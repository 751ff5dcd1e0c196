import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";

import { openBuiltinIssuer, type BuiltinIssuer } from "@ihp/platform";
import { type DemoSeed, seedDemo } from "@ihp/runner";
import { freePort, startNatsServer, waitFor, writeTransitKeyFile, type NatsServerHandle } from "@ihp/testing";

import { DATABASE_URL, type Proc, runProcess as run, stopProcesses } from "./serviceProcesses.js";

// The distributed mode (ARCHITECTURE §3) for distributedSlice*.e2e.test.ts: one process per service, NATS JetStream
// between them, PostgreSQL read models for identity. Every process runs its own main.ts, configured only by
// environment variables, as in a pod.

export interface DistributedCluster {
  readonly dataDir: string;
  /** The services' checkpoint keys, outside the data folder as in production. */
  readonly keyDir: string;
  /** One Secret in a cluster: the same transit key file for every service and the gateway. */
  readonly transitKeyFile: string;
  /** Identity's read-model schema in DATABASE_URL. */
  readonly schema: string;
  readonly nats: NatsServerHandle;
  readonly issuer: BuiltinIssuer;
  /** Identity's environment, to start it again after a stop. */
  readonly identityEnv: Record<string, string>;
  readonly identity: Proc;
  readonly reporting: Proc;
  readonly others: Proc[];
  readonly gateway: Proc;
  readonly graphqlUrl: string;
  readonly demo: DemoSeed;
  /** Whether the gateway's /readyz says every service is up. */
  readonly ready: () => Promise<boolean>;
}

/** Starts NATS, every service and the gateway as processes, waits until all are ready, and seeds the demo. */
export async function startDistributedCluster(): Promise<DistributedCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-dist-"));
  const keyDir = mkdtempSync(join(tmpdir(), "ihp-dist-keys-"));
  const transitKeyFile = writeTransitKeyFile(["e2e-1"], keyDir);
  const schema = `e2e_${Math.random().toString(36).slice(2, 10)}`;
  const nats = await startNatsServer();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  // One builtin key for every process (DATA_DIR is shared here only for the key; each service has its own files).
  const issuer = await openBuiltinIssuer(dataDir);
  const [identityPort, reportingPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const [consultPort, prescriptionPort, pharmacyPort] = [await freePort(), await freePort(), await freePort()];
  const recordsPort = await freePort();
  const common = {
    DATA_DIR: dataDir,
    NATS_URL: nats.url,
    BUS_TRANSIT_KEY_FILE: transitKeyFile,
    METRICS_PORT: "0",
    AUTH_MODE: "builtin",
    CHECKPOINT_KEY_DIR: keyDir,
  };
  const identityEnv = {
    ...common,
    SERVICE_NAME: "identity",
    GRPC_PORT: String(identityPort),
    READ_MODEL_URL: DATABASE_URL,
    READ_MODEL_SCHEMA: schema,
  };
  const identity = run("services/identity/src/main.ts", identityEnv);
  const identityAddress = `127.0.0.1:${identityPort}`;
  const reporting = run("services/reporting/src/main.ts", { ...common, SERVICE_NAME: "reporting", GRPC_PORT: String(reportingPort), IDENTITY_GRPC_ADDRESS: identityAddress });
  const others = [
    run("services/consult/src/main.ts", { ...common, SERVICE_NAME: "consult", GRPC_PORT: String(consultPort), IDENTITY_GRPC_ADDRESS: identityAddress }),
    run("services/prescription/src/main.ts", {
      ...common,
      SERVICE_NAME: "prescription",
      GRPC_PORT: String(prescriptionPort),
      IDENTITY_GRPC_ADDRESS: identityAddress,
      CONSULT_GRPC_ADDRESS: `127.0.0.1:${consultPort}`,
    }),
    run("services/pharmacy/src/main.ts", { ...common, SERVICE_NAME: "pharmacy", GRPC_PORT: String(pharmacyPort), IDENTITY_GRPC_ADDRESS: identityAddress }),
    // Issue 11: the records service (no TSA configured here: it drafts and serves records, signing is refused).
    run("services/records/src/main.ts", {
      ...common,
      SERVICE_NAME: "records",
      GRPC_PORT: String(recordsPort),
      IDENTITY_GRPC_ADDRESS: identityAddress,
      CONSULT_GRPC_ADDRESS: `127.0.0.1:${consultPort}`,
    }),
  ];
  const gateway = run("gateway/src/main.ts", {
    ...common,
    SERVICE_NAME: "gateway",
    GATEWAY_PORT: String(gatewayPort),
    IDENTITY_GRPC_URL: `127.0.0.1:${identityPort}`,
    REPORTING_GRPC_URL: `127.0.0.1:${reportingPort}`,
    CONSULT_GRPC_URL: `127.0.0.1:${consultPort}`,
    PRESCRIPTION_GRPC_URL: `127.0.0.1:${prescriptionPort}`,
    PHARMACY_GRPC_URL: `127.0.0.1:${pharmacyPort}`,
    RECORDS_GRPC_URL: `127.0.0.1:${recordsPort}`,
  });
  const graphqlUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  const ready = async (): Promise<boolean> => {
    try {
      // /readyz stays 200 while a backend is down (status "degraded"); every service up is status "ready".
      const response = await fetch(graphqlUrl.replace(/\/graphql$/, "/readyz"));
      return response.status === 200 && ((await response.json()) as { status?: string }).status === "ready";
    } catch {
      return false;
    }
  };
  const started = { dataDir, keyDir, transitKeyFile, schema, nats, issuer, identityEnv, identity, reporting, others, gateway, graphqlUrl, ready };
  try {
    await waitFor(ready, 90_000, "the gateway and every service to be ready").catch((error: unknown) => {
      const outputs = [identity, reporting, ...others, gateway].flatMap((proc) => proc.output);
      throw new Error(`${String(error)}\n${outputs.join("")}`);
    });
    return { ...started, demo: await seedDemo(graphqlUrl, issuer, new Date()) };
  } catch (error) {
    // No cluster reaches the caller's afterAll: stop what was started here.
    await stopDistributedCluster({ ...started, demo: undefined as unknown as DemoSeed });
    throw error;
  }
}

/**
 * Stops the processes (gateway first, identity last), NATS, and removes the schema and folders. `identity` is the
 * identity process running now, when a test started it again.
 */
export async function stopDistributedCluster(cluster: DistributedCluster | undefined, identity = cluster?.identity): Promise<void> {
  if (cluster === undefined) return;
  await stopProcesses([cluster.gateway, cluster.reporting, ...[...cluster.others].reverse(), identity]);
  await cluster.nats.stop();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${cluster.schema} CASCADE`);
  await admin.end();
  rmSync(cluster.dataDir, { recursive: true, force: true });
  rmSync(cluster.keyDir, { recursive: true, force: true });
}
