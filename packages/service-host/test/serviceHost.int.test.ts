import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreClosedError } from "@ihp/eventsourcing";
import { type DeliveredMessage, InProcessBus } from "@ihp/messaging";
import { baseConfigSchema, createLogger, TokenVerifier, BuiltinIssuer } from "@ihp/platform";
import type { Projection } from "@ihp/projections";
import { newEvent, waitFor } from "@ihp/testing";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type HostDeps, startServiceHost } from "../src/index.js";

interface Db {
  seen: { id: string; type: string };
}

const seenProjection: Projection<Db> = {
  name: "seen",
  version: 1,
  setup: async (db) => {
    await db.schema.createTable("seen").ifNotExists().addColumn("id", "text", (c) => c.primaryKey()).addColumn("type", "text").execute();
  },
  reset: async (trx) => {
    await trx.deleteFrom("seen").execute();
  },
  apply: async (trx, event) => {
    await trx.insertInto("seen").values({ id: event.id, type: event.type }).execute();
  },
};

describe("startServiceHost", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("opens store, read models, bus, projectors, relay, consumers and gRPC in order, and stops them in reverse", async () => {
    dir = await mkdtemp(join(tmpdir(), "ihp-host-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" });
    const config = baseConfigSchema.parse({ SERVICE_NAME: "demo", DATA_DIR: dir, GRPC_PORT: "0" });
    const bus = new InProcessBus();
    const received: DeliveredMessage[] = [];
    let deps: HostDeps<Db> | undefined;
    let sweeps = 0;
    const host = await startServiceHost<Db>({
      context: "demo",
      config,
      bus,
      verifier,
      logger: createLogger({ name: "demo", level: "silent" }),
      projections: [seenProjection],
      publish: {
        map: (event) => ({ subject: `ihp.demo.v1.${event.type}`, id: event.id, data: new TextEncoder().encode(event.type), headers: {} }),
      },
      consumers: [
        {
          spec: { durable: "demo-self", subjects: ["ihp.demo.v1.>"] },
          handler: () => (message) => {
            received.push(message);
            return Promise.resolve();
          },
        },
      ],
      jobs: [
        {
          name: "sweep",
          everyMs: 10,
          run: () => {
            sweeps += 1;
            return sweeps === 1 ? Promise.reject(new Error("first run fails")) : Promise.resolve();
          },
        },
      ],
      grpc: (built) => {
        deps = built;
        return [];
      },
    });
    expect(host.grpcPort).toBeGreaterThan(0);
    if (deps === undefined) throw new Error("grpc factory not called");
    const { store, readModels } = deps;

    await store.append("demo-thing-1", [newEvent("ThingHappened"), newEvent("ThingChanged")], "no_stream");
    await waitFor(async () => (await readModels.selectFrom("seen").selectAll().execute()).length === 2);
    await waitFor(() => received.length === 2);
    expect(received.map((message) => message.subject)).toEqual(["ihp.demo.v1.ThingHappened", "ihp.demo.v1.ThingChanged"]);
    const rows = await sql<{ n: number }>`select count(*) as n from seen`.execute(readModels);
    expect(rows.rows[0]?.n).toBe(2);

    // A failed run does not stop the schedule.
    await waitFor(() => sweeps >= 3);
    const outcomes = await host.stop("test");
    const sweepsAtStop = sweeps;
    expect(outcomes.map((outcome) => outcome.name)).toEqual([
      "job-sweep",
      "grpc",
      "consumer-demo-self",
      "relay",
      "projector-seen",
      "log-checkpoints",
      "bus",
      "read-models",
      "event-store",
    ]);
    await expect(store.append("demo-thing-2", [newEvent("Late")], "no_stream")).rejects.toBeInstanceOf(StoreClosedError);
    // The shared bus belongs to the caller: still open.
    await expect(bus.publish({ subject: "ihp.demo.v1.After", id: "x", data: new Uint8Array(), headers: {} })).resolves.toBeUndefined();
    await bus.close();
    expect(sweeps).toBe(sweepsAtStop);
  });
});
