import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient } from "@ihp/contracts";
import { InProcessBus } from "@ihp/messaging";
import {
  baseConfigSchema,
  BuiltinIssuer,
  createGrpcMetrics,
  createLogger,
  createMetricsRegistry,
  type MetricsRegistry as Registry,
  TokenVerifier,
} from "@ihp/platform";
import type { Projection } from "@ihp/projections";
import { findNatsServer, newEvent, startNatsServer, waitFor, writeTransitKeyFile } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type HostDeps, startServiceHost } from "../src/index.js";

interface Db {
  seen: { id: string };
}

/** The value of one series in the registry's exposition, undefined when absent. */
async function sample(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((family) => family.values.some((value) => (value as { metricName?: string }).metricName === name) || family.name === name);
  const found = metric?.values.find(
    (value) => ((value as { metricName?: string }).metricName ?? metric.name) === name && Object.entries(labels).every(([key, want]) => String(value.labels[key]) === want),
  );
  return found?.value;
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const nats = findNatsServer();
if (nats === undefined) console.warn("[hostOps] health test skipped: no nats-server binary found");

describe("service host operations (issue 14 item 3)", () => {
  let dir: string | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function setup() {
    dir = await mkdtemp(join(tmpdir(), "ihp-hostops-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" });
    return { dir, verifier, logger: createLogger({ name: "demo", level: "silent" }) };
  }

  it("exports relay, projection and consumer lag, redeliveries, dead letters, append latency and checkpoint age from scrape-time gauges", async () => {
    const { dir: data, verifier, logger } = await setup();
    const registry = createMetricsRegistry({ serviceName: "demo", defaultMetrics: false });
    const projectionGate = gate();
    const consumerGate = gate();
    let tick: (() => void) | undefined;
    const projection: Projection<Db> = {
      name: "seen",
      version: 1,
      setup: async (db) => void (await db.schema.createTable("seen").ifNotExists().addColumn("id", "text", (c) => c.primaryKey()).execute()),
      reset: async (trx) => void (await trx.deleteFrom("seen").execute()),
      apply: async (trx, event) => {
        if (event.type === "Slow") await projectionGate.promise;
        await trx.insertInto("seen").values({ id: event.id }).execute();
      },
    };
    let deps: HostDeps<Db> | undefined;
    const bus = new InProcessBus({ redelivery: { initialMs: 1, maxMs: 2 } });
    cleanups.push(() => bus.close());
    const host = await startServiceHost<Db>({
      context: "demo",
      config: baseConfigSchema.parse({ SERVICE_NAME: "demo", DATA_DIR: data, GRPC_PORT: "0", CHECKPOINT_KEY_DIR: join(data, "keys") }),
      bus,
      verifier,
      logger,
      metrics: createGrpcMetrics(registry),
      projections: [projection],
      publish: { map: (event) => ({ subject: `ihp.demo.v1.${event.type}`, id: event.id, data: new Uint8Array(), headers: {} }) },
      consumers: [
        {
          spec: { durable: "demo-ops", subjects: ["ihp.demo.v1.>"], maxDeliver: 2 },
          handler: () => async (message) => {
            if (message.subject.endsWith("Poison")) throw new Error("cannot handle this one");
            if (message.subject.endsWith("Slow")) await consumerGate.promise;
          },
        },
      ],
      checkpointTimer: (_ms, run) => {
        tick = run;
        return () => undefined;
      },
      grpc: (built) => {
        deps = built;
        return [];
      },
    });
    cleanups.push(() => host.stop("test"));
    // Runs first: a failed assertion must not leave the host's stop waiting on a closed gate.
    cleanups.push(() => Promise.resolve([projectionGate.open(), consumerGate.open()]));
    if (deps === undefined) throw new Error("grpc factory not called");
    const { store } = deps;

    await store.append("demo-1", [newEvent("Poison"), newEvent("Slow"), newEvent("After")], "no_stream");
    await expect(store.append("demo-1", [newEvent("Late")], "no_stream")).rejects.toThrow();
    // The projection holds inside its batch (all three events, one transaction), the relay waits for the consumer,
    // which holds at Slow.
    await waitFor(async () => (await sample(registry, "ihp_dead_letters_total", { durable: "demo-ops" })) === 1);
    expect(await sample(registry, "ihp_consumer_redeliveries_total", { durable: "demo-ops" })).toBe(1);
    expect(await sample(registry, "ihp_projection_lag_events", { context: "demo", projection: "seen" })).toBe(3);
    expect(await sample(registry, "ihp_relay_lag_events", { context: "demo" })).toBeGreaterThanOrEqual(2);
    expect(await sample(registry, "ihp_event_append_seconds_count", { context: "demo", outcome: "ok" })).toBe(1);
    expect(await sample(registry, "ihp_event_append_seconds_count", { context: "demo", outcome: "conflict" })).toBe(1);
    expect(await sample(registry, "ihp_consumer_pending_messages", { durable: "demo-ops" })).toBeGreaterThanOrEqual(1);
    // No checkpoint yet: no age to report.
    expect(await sample(registry, "ihp_log_checkpoint_age_seconds", { context: "demo" })).toBeUndefined();

    projectionGate.open();
    consumerGate.open();
    await waitFor(async () => (await sample(registry, "ihp_projection_lag_events", { projection: "seen" })) === 0);
    await waitFor(async () => (await sample(registry, "ihp_relay_lag_events", { context: "demo" })) === 0);
    await waitFor(async () => (await sample(registry, "ihp_consumer_pending_messages", { durable: "demo-ops" })) === 0);

    tick?.();
    await waitFor(async () => (await sample(registry, "ihp_log_checkpoint_age_seconds", { context: "demo" })) !== undefined);
    expect(await sample(registry, "ihp_log_checkpoint_age_seconds", { context: "demo" })).toBeLessThan(5);
    // Every series carries the service label of the process's registry.
    expect(await registry.metrics()).toMatch(/ihp_relay_lag_events\{context="demo",service="demo"\} 0/);
  });

  it.skipIf(nats === undefined)("reports NOT_SERVING on grpc.health.v1 while its NATS server is gone, and SERVING once it is back", async () => {
    const { dir: data, verifier, logger } = await setup();
    const registry = createMetricsRegistry({ serviceName: "demohealth", defaultMetrics: false });
    const server = await startNatsServer();
    cleanups.push(() => server.dispose());
    const host = await startServiceHost<Db>({
      context: "demohealth",
      config: baseConfigSchema.parse({ SERVICE_NAME: "demohealth", DATA_DIR: data, GRPC_PORT: "0", NATS_URL: server.url, BUS_TRANSIT_KEY_FILE: writeTransitKeyFile(), CHECKPOINT_KEY_DIR: join(data, "keys") }),
      verifier,
      logger,
      healthCheckMs: 100,
      metrics: createGrpcMetrics(registry),
      grpc: () => [],
    });
    cleanups.push(() => host.stop("test"));
    const client = new HealthClient(`127.0.0.1:${host.grpcPort}`, credentials.createInsecure());
    cleanups.push(() => Promise.resolve(client.close()));
    const status = (): Promise<ServingStatus> =>
      new Promise((resolve, reject) => client.check({ service: "" }, (error, response) => (error === null ? resolve(response.status) : reject(error))));

    expect(await status()).toBe(ServingStatus.SERVING);
    await server.stop();
    await waitFor(async () => (await status()) === ServingStatus.NOT_SERVING, 10_000, "NOT_SERVING");
    expect(await sample(registry, "ihp_health_serving", { context: "demohealth" })).toBe(0);
    await server.restart();
    await waitFor(async () => (await status()) === ServingStatus.SERVING, 15_000, "SERVING again");
    expect(await sample(registry, "ihp_health_serving", { context: "demohealth" })).toBe(1);
  }, 40_000);
});
