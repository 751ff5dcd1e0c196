import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readCheckpoints } from "@ihp/eventsourcing";
import { PostgresEventStore } from "@ihp/eventsourcing/postgres";
import { openBuiltinIssuer } from "@ihp/platform";
import { completeFollowUp, demoActors, type DemoSeed, type FlowActors, graphql, runClinicalFlow, seedDemo, startFollowUp } from "@ihp/runner";
import { freePort, startNatsServer, waitFor, writeTransitKeyFile, type NatsServerHandle } from "@ihp/testing";

import { freshDatabase, runProcess, stopProcesses, type FreshDatabase, type Proc } from "./support/serviceProcesses.js";

// The distributed mode with every service's event store on PostgreSQL (EVENT_STORE_URL, schema <context>_events in a
// database made for this run and dropped after), NATS JetStream between the services, PostgreSQL read models, and two
// replicas of consult sharing one log: each serves gRPC behind its own gateway, and prescription calls the second.

const CONTEXTS = ["consult", "identity", "pharmacy", "prescription", "reporting"] as const;
/** The services whose host signs checkpoints of their log head (at an interval and at an ordered stop). */
const SIGNED: readonly string[] = ["consult", "identity", "pharmacy", "prescription"];
const MESSAGES = 16;

describe("distributed mode on PostgreSQL event stores: two consult replicas on one log, the whole clinical flow", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-dist-pg-"));
  const keyDir = mkdtempSync(join(tmpdir(), "ihp-dist-pg-keys-"));
  const transitKeyFile = writeTransitKeyFile(["e2e-1"], keyDir);
  let db: FreshDatabase;
  let nats: NatsServerHandle;
  let procs: Proc[] = [];
  let urlA: string;
  let urlB: string;
  let demo: DemoSeed;

  const ready = async (url: string): Promise<boolean> => {
    try {
      return (await fetch(url.replace(/\/graphql$/, "/readyz"))).status === 200;
    } catch {
      return false;
    }
  };
  const waitReady = (url: string, what: string): Promise<void> =>
    waitFor(() => ready(url), 90_000, what).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${procs.flatMap((proc) => proc.output).join("")}`);
    });

  beforeAll(async () => {
    [db, nats] = await Promise.all([freshDatabase("e2e_pg"), startNatsServer()]);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query("CREATE SCHEMA identity_rm; CREATE SCHEMA consult_rm; CREATE SCHEMA prescription_rm; CREATE SCHEMA pharmacy_rm; CREATE SCHEMA reporting_rm");
    await setup.end();
    await openBuiltinIssuer(dataDir);
    const ports = await Promise.all(Array.from({ length: 9 }, () => freePort()));
    const [identity, reporting, consultA, consultB, prescription, pharmacy, gatewayA, gatewayB] = ports.map(String);
    const common = {
      DATA_DIR: dataDir,
      NATS_URL: nats.url,
      BUS_TRANSIT_KEY_FILE: transitKeyFile,
      METRICS_PORT: "0",
      AUTH_MODE: "builtin",
      CHECKPOINT_KEY_DIR: keyDir,
      EVENT_STORE_URL: db.url,
    };
    const readModels = (schema: string) => ({ READ_MODEL_URL: db.url, READ_MODEL_SCHEMA: schema });
    const address = (port: string | undefined) => `127.0.0.1:${String(port)}`;
    // Both replicas as one Deployment would run them: the same configuration (one read-model schema, whose name also
    // scopes the data keys both must share), only the port differs.
    const consult = (port: string | undefined) =>
      runProcess("services/consult/src/main.ts", {
        ...common,
        ...readModels("consult_rm"),
        SERVICE_NAME: "consult",
        GRPC_PORT: String(port),
        IDENTITY_GRPC_ADDRESS: address(identity),
      });
    const gateway = (port: string | undefined, consultPort: string | undefined) =>
      runProcess("gateway/src/main.ts", {
        ...common,
        SERVICE_NAME: "gateway",
        GATEWAY_PORT: String(port),
        IDENTITY_GRPC_URL: address(identity),
        REPORTING_GRPC_URL: address(reporting),
        CONSULT_GRPC_URL: address(consultPort),
        PRESCRIPTION_GRPC_URL: address(prescription),
        PHARMACY_GRPC_URL: address(pharmacy),
      });
    procs = [
      runProcess("services/identity/src/main.ts", { ...common, ...readModels("identity_rm"), SERVICE_NAME: "identity", GRPC_PORT: String(identity) }),
      // Reporting's read models (the feed index, the supervision statistics) on PostgreSQL too.
      runProcess("services/reporting/src/main.ts", {
        ...common,
        ...readModels("reporting_rm"),
        SERVICE_NAME: "reporting",
        GRPC_PORT: String(reporting),
        IDENTITY_GRPC_ADDRESS: address(identity),
      }),
      consult(consultA),
      runProcess("services/prescription/src/main.ts", {
        ...common,
        ...readModels("prescription_rm"),
        SERVICE_NAME: "prescription",
        GRPC_PORT: String(prescription),
        IDENTITY_GRPC_ADDRESS: address(identity),
        // The second consult replica: prescription's calls to consult go there, the gateways' to either.
        CONSULT_GRPC_ADDRESS: address(consultB),
      }),
      runProcess("services/pharmacy/src/main.ts", {
        ...common,
        ...readModels("pharmacy_rm"),
        SERVICE_NAME: "pharmacy",
        GRPC_PORT: String(pharmacy),
        IDENTITY_GRPC_ADDRESS: address(identity),
      }),
      gateway(gatewayA, consultA),
    ];
    urlA = `http://127.0.0.1:${String(gatewayA)}/graphql`;
    urlB = `http://127.0.0.1:${String(gatewayB)}/graphql`;
    await waitReady(urlA, "the first gateway and every service to be ready");
    // The second replica joins a running system (its schema and checkpoint key exist by then, as after a scale-up).
    procs.push(consult(consultB), gateway(gatewayB, consultB));
    await waitReady(urlB, "the second consult replica and its gateway to be ready");
    demo = await seedDemo(urlA, await openBuiltinIssuer(dataDir), new Date());
  }, 150_000);

  afterAll(async () => {
    if (process.env["E2E_PROCESS_LOG"] !== undefined) writeFileSync(process.env["E2E_PROCESS_LOG"], procs.map((proc, i) => `== ${i}\n${proc.output.join("")}`).join("\n"));
    await stopProcesses([...procs].reverse());
    await nats?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(keyDir, { recursive: true, force: true });
  }, 60_000);

  const actorsAt = async (url: string): Promise<FlowActors> => (await demoActors(url, demo));

  it("XC-01, REP-03, PHA-01, PHA-05: consult → signed prescription → approval → dispensing → delivery → regulator feed, every log on PostgreSQL", async () => {
    const actors = await actorsAt(urlA);
    const flow = await runClinicalFlow(actors, "pg-flow-1", { prescribe: true });
    const reviewStatus = async () =>
      (
        await graphql<{ prescription: { reviewStatus: string } | null }>(
          urlA,
          `query ($id: ID!) { prescription(id: $id) { reviewStatus } }`,
          { id: flow.prescriptionId },
          actors.physicianToken,
        )
      ).data?.prescription?.reviewStatus;
    await waitFor(async () => (await reviewStatus()) === "APPROVED", 20_000, "the approval back at the prescription service");
    const categories = async () =>
      new Set(
        (
          await graphql<{ regulatorFeed: { edges: Array<{ node: { category: string } }> } }>(
            urlA,
            `{ regulatorFeed(first: 100) { edges { node { category } } } }`,
            {},
            demo.tokens["regulator"],
          )
        ).data?.regulatorFeed.edges.map((edge) => edge.node.category),
      );
    const wanted = ["INSTITUTION_LICENCE", "STAFF_RECORD", "CONSULT", "PRESCRIPTION", "PRESCRIPTION_REVIEW", "DISPENSING", "DELIVERY"];
    await waitFor(async () => {
      const seen = await categories();
      return wanted.every((category) => seen.has(category));
    }, 30_000, "every kind of feed entry from the flow");
    // Each service wrote its log into its own schema of this run's database, nothing into SQLite files.
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    const { rows } = await reader.query<{ schema: string; events: string }>(
      CONTEXTS.map((context) => `SELECT '${context}' AS schema, count(*) AS events FROM ${context}_events.events`).join(" UNION ALL "),
    );
    await reader.end();
    for (const row of rows) expect(Number(row.events), row.schema).toBeGreaterThan(0);
    // REP-04: the supervision statistics, read from reporting's PostgreSQL read model, count the flow.
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const statistics = async () =>
      (
        await graphql<{ supervisionDashboard: { prescriptionsIssued: number; prescriptionsApproved: number; consultsByType: { key: string; count: number }[] } }>(
          urlA,
          `query ($id: ID!, $day: String!) { supervisionDashboard(institutionId: $id, from: $day, to: $day) { prescriptionsIssued prescriptionsApproved consultsByType { key count } } }`,
          { id: demo.institutionId, day },
          demo.tokens["regulator"],
        )
      ).data?.supervisionDashboard;
    await waitFor(async () => (await statistics())?.prescriptionsApproved === 1, 20_000, "the statistics to count the approval");
    expect(await statistics()).toEqual({ prescriptionsIssued: 1, prescriptionsApproved: 1, consultsByType: [{ key: "FOLLOW_UP", count: 1 }] });
  }, 90_000);

  it("XC-01, CON-05: both consult replicas append to one consult's stream at once (through two gateways); every message lands once, revisions without a gap", async () => {
    // One login (a second one would supersede the first session); the tokens work through either gateway.
    const viaA = await actorsAt(urlA);
    const viaB = { ...viaA, url: urlB };
    const consultId = await startFollowUp(viaB, "pg-replicas", new Date());
    const send = (actors: FlowActors, i: number) =>
      graphql<{ sendMessage: { id: string } }>(
        actors.url,
        `mutation ($input: SendConsultMessageInput!) { sendMessage(input: $input) { id } }`,
        { input: { requestId: `pg-replicas-message-${i}`, consultId, kind: "TEXT", text: `第${i}条消息` } },
        i % 2 === 0 ? actors.patientToken : actors.physicianToken,
      );
    // Both replicas write the same stream at once; a write that keeps losing the race is refused with the
    // documented CONCURRENT_UPDATE (gRPC ABORTED) and nothing of it is stored, so the client sends it again, same
    // request id. Anything else is a failure.
    let conflicts = 0;
    const deliver = async (i: number): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const answer = await send(i % 4 < 2 ? viaA : viaB, i);
        const code = answer.errors?.[0]?.extensions?.["code"];
        if (answer.data?.sendMessage.id !== undefined) return;
        expect(code, JSON.stringify(answer.errors)).toBe("CONCURRENT_UPDATE");
        expect(attempt).toBeLessThan(10);
        conflicts++;
      }
    };
    await Promise.all(Array.from({ length: MESSAGES }, (_, i) => deliver(i)));
    process.stdout.write(`two consult replicas, one stream: ${MESSAGES} messages, ${conflicts} CONCURRENT_UPDATE refusals retried\n`);
    await completeFollowUp(viaA, "pg-replicas", consultId);

    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    const { rows } = await reader.query<{ revision: number; type: string; request_id: string | null }>(
      `SELECT revision, type, metadata::jsonb ->> 'requestId' AS request_id FROM consult_events.events
       WHERE stream_id LIKE '%' || $1 ORDER BY position`,
      [consultId],
    );
    await reader.end();
    expect(rows.map((row) => row.revision)).toEqual(rows.map((_, i) => i));
    const messages = rows.filter((row) => row.type === "MessageSent").map((row) => row.request_id);
    const sent = Array.from({ length: MESSAGES }, (_, i) => `pg-replicas-message-${i}`);
    for (const requestId of sent) expect(messages.filter((id) => id === requestId), requestId).toHaveLength(1);
    expect(rows.at(-1)?.type).toBe("ConsultCompleted");
  }, 60_000);

  it("XC-01: after an ordered stop every service's PostgreSQL log verifies, chain and its signed checkpoints (both replicas signed consult's)", async () => {
    await stopProcesses([...procs].reverse());
    for (const context of CONTEXTS) {
      const store = await PostgresEventStore.open({ connectionString: db.url, schema: `${context}_events`, listen: false });
      try {
        const head = await store.head();
        expect(head.position, context).toBeGreaterThan(0n);
        if (!SIGNED.includes(context)) {
          // reporting starts without the service host and signs no checkpoints of its log (yet): its chain only.
          expect(await store.verify(), context).toEqual({ ok: true, checked: Number(head.position), lastPosition: head.position });
          continue;
        }
        const checkpoints = await readCheckpoints(join(dataDir, `${context}-log-checkpoints.jsonl`));
        const trustedPublicKey = readFileSync(join(keyDir, `${context}-checkpoint-p256.pem.pub`), "utf8").trim();
        expect(await store.verify({ checkpoints, trustedPublicKey, log: context }), context).toEqual({
          ok: true,
          checked: Number(head.position),
          lastPosition: head.position,
          anchoredPosition: head.position,
        });
      } finally {
        await store.close();
      }
    }
  }, 60_000);
});
