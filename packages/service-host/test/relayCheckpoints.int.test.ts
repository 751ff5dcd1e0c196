import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DeliveredMessage, InProcessBus } from "@ihp/messaging";
import { baseConfigSchema, BuiltinIssuer, createLogger, TokenVerifier } from "@ihp/platform";
import { newEvent, postgresReachable, readWholeLog, TEST_DATABASE_URL, testQuery, waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type HostDeps, startServiceHost } from "../src/index.js";

// The distributed mode (infra/k8s): a service's replicas share one DATA_DIR on a network volume, where a SQLite file
// written by several hosts is not safe. With READ_MODEL_URL the relay's position must go to PostgreSQL beside the read
// models, and no relay checkpoint file may appear in DATA_DIR. CI starts PostgreSQL and fails when it is unreachable;
// elsewhere this is skipped with a printed reason.
const postgresUp = await postgresReachable("service host relay on PostgreSQL");

describe.skipIf(!postgresUp)("the service host's relay with READ_MODEL_URL (distributed mode)", () => {
  it("keeps its position in PostgreSQL, in READ_MODEL_SCHEMA, and writes no relay checkpoint file to DATA_DIR", async () => {
    const schema = `host_relay_${randomBytes(4).toString("hex")}`;
    const dataDir = await mkdtemp(join(tmpdir(), "ihp-host-relay-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" });
    const bus = new InProcessBus();
    await testQuery(`CREATE SCHEMA ${schema}`);
    try {
      const config = baseConfigSchema.parse({
        SERVICE_NAME: "demo",
        DATA_DIR: dataDir,
        GRPC_PORT: "0",
        READ_MODEL_URL: TEST_DATABASE_URL,
        READ_MODEL_SCHEMA: schema,
      });
      const received: DeliveredMessage[] = [];
      let deps: HostDeps<object> | undefined;
      const host = await startServiceHost<object>({
        context: "demo",
        config,
        bus,
        verifier,
        logger: createLogger({ name: "demo", level: "silent" }),
        publish: { map: (event) => ({ subject: `ihp.demo.v1.${event.type}`, id: event.id, data: new Uint8Array(), headers: {} }) },
        consumers: [
          {
            spec: { durable: "demo-self", subjects: ["ihp.demo.v1.>"] },
            handler: () => (message) => {
              received.push(message);
              return Promise.resolve();
            },
          },
        ],
        grpc: (built) => {
          deps = built;
          return [];
        },
      });
      if (deps === undefined) throw new Error("grpc factory not called");
      await deps.store.append("demo-thing-1", [newEvent("ThingHappened"), newEvent("ThingChanged")], "no_stream");
      const last = (await readWholeLog(deps.store)).at(-1)?.position;
      await waitFor(() => received.length === 2);
      await host.stop("test done");

      const rows = await testQuery<{ name: string; position: string }>(`SELECT name, position FROM ${schema}.relay_checkpoints`);
      expect(rows).toEqual([{ name: "demo-relay", position: String(last) }]);
      expect((await readdir(dataDir)).filter((file) => file.includes("relay-checkpoints"))).toEqual([]);
    } finally {
      await bus.close();
      await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it("with READ_MODEL_URL, of two replicas on one log one relays (each event published once); the other takes over when the holder stops", async () => {
    const id = randomBytes(4).toString("hex");
    const context = `relaylock${id}`;
    const schema = `host_lock_${id}`;
    const dataDir = await mkdtemp(join(tmpdir(), "ihp-host-relay-lock-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" });
    await testQuery(`CREATE SCHEMA ${schema}`);
    const replica = async (name: string) => {
      // Each replica's own bus, to see which one published what.
      const bus = new InProcessBus();
      const received: string[] = [];
      let deps: HostDeps<object> | undefined;
      const config = baseConfigSchema.parse({
        SERVICE_NAME: "demo",
        DATA_DIR: dataDir,
        REPLICA_ID: name,
        GRPC_PORT: "0",
        CHECKPOINT_INTERVAL_SECONDS: "0",
        CHECKPOINT_KEY_DIR: join(dataDir, "keys"),
        EVENT_STORE_URL: TEST_DATABASE_URL,
        READ_MODEL_URL: TEST_DATABASE_URL,
        READ_MODEL_SCHEMA: schema,
      });
      const host = await startServiceHost<object>({
        context,
        config,
        bus,
        verifier,
        logger: createLogger({ name: "demo", level: "silent" }),
        publish: { map: (event) => ({ subject: `ihp.${context}.v1.${event.type}`, id: event.id, data: new Uint8Array(), headers: {} }) },
        consumers: [
          {
            spec: { durable: "collector", subjects: [`ihp.${context}.v1.>`] },
            handler: () => (message) => {
              received.push(message.id);
              return Promise.resolve();
            },
          },
        ],
        grpc: (built) => {
          deps = built;
          return [];
        },
      });
      if (deps === undefined) throw new Error("grpc factory not called");
      return { host, bus, received, store: deps.store };
    };
    const a = await replica("a");
    const b = await replica("b");
    try {
      const first = (await a.store.append(`${context}-thing-1`, [newEvent("ThingHappened"), newEvent("ThingChanged")], "no_stream")).events.map((event) => event.id);
      await waitFor(() => first.every((event) => a.received.includes(event)), 10_000, "the first replica to relay");
      expect(b.received).toEqual([]);

      await a.host.stop("rollout");
      const later = (await b.store.append(`${context}-thing-1`, [newEvent("ThingClosed")], 1)).events.map((event) => event.id);
      await waitFor(() => later.every((event) => b.received.includes(event)), 20_000, "the second replica to take the relay over");
      expect(b.received).toEqual(later);
    } finally {
      await b.host.stop("test done");
      await Promise.all([a.bus.close(), b.bus.close()]);
      await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await testQuery(`DROP SCHEMA IF EXISTS ${context}_events CASCADE`);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
