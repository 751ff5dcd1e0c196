import { readdirSync } from "node:fs";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { awaitDraftRecord, demoActors, type DemoSeed, graphql, runClinicalFlow } from "@ihp/runner";
import { filesContaining, waitFor, type NatsServerHandle } from "@ihp/testing";

import { type DistributedCluster, startDistributedCluster, stopDistributedCluster } from "./support/distributedCluster.js";
import { DATABASE_URL } from "./support/serviceProcesses.js";

// The distributed mode (ARCHITECTURE §3), each service its own process: health, the regulator feed and the clinical
// flow across the processes over NATS, and what NATS stores. SIGTERM and the log's checkpoints:
// distributedSlice.sigterm.e2e.test.ts.

describe("first slice end to end, distributed mode: separate processes, real NATS, PostgreSQL read models", () => {
  let cluster: DistributedCluster | undefined;
  let schema: string;
  let nats: NatsServerHandle;
  let graphqlUrl: string;
  let demo: DemoSeed;

  beforeAll(async () => {
    cluster = await startDistributedCluster();
    ({ schema, nats, graphqlUrl, demo } = cluster);
  }, 120_000);

  afterAll(() => stopDistributedCluster(cluster), 60_000);

  it("every service runs from its own main.ts and answers its health check through the gateway's /readyz", async () => {
    const response = await fetch(graphqlUrl.replace(/\/graphql$/, "/readyz"));
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { identity: "SERVING", reporting: "SERVING", consult: "SERVING", prescription: "SERVING", pharmacy: "SERVING", records: "SERVING" },
    });
  });

  it("REP-01, REP-04, IDN-10: registration and connection reach the regulator feed over NATS; the directory reads PostgreSQL", async () => {
    const feed = async () =>
      (
        await graphql<{ regulatorFeed: { edges: Array<{ node: { category: string; institutionId: string } }> } }>(
          graphqlUrl,
          `{ regulatorFeed(first: 100) { edges { node { category institutionId } } } }`,
          {},
          demo.tokens["regulator"],
        )
      ).data?.regulatorFeed.edges.filter((edge) => ["INSTITUTION_LICENCE", "REGULATOR_CONNECTION"].includes(edge.node.category)) ?? [];
    await waitFor(async () => (await feed()).length === 2, 20_000, "two institution feed entries");
    expect((await feed()).map((e) => e.node.category)).toEqual(["INSTITUTION_LICENCE", "REGULATOR_CONNECTION"]);

    const reader = new pg.Client({ connectionString: DATABASE_URL });
    await reader.connect();
    const tables = await reader.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
      [schema],
    );
    await reader.end();
    expect(tables.rows.map((row) => row.table_name)).toContain("projection_checkpoints");
    const directory = await graphql<{ publicInstitutions: { edges: Array<{ node: { id: string } }> } }>(
      graphqlUrl,
      `{ publicInstitutions(first: 10) { edges { node { id } } } }`,
    );
    expect(directory.data?.publicInstitutions.edges.map((e) => e.node.id)).toEqual([demo.institutionId]);
  });

  it("REP-03, PHA-01, PHA-05: the clinical flow runs across the processes; every hop between services goes over NATS", async () => {
    const url = graphqlUrl;
    const actors = await demoActors(url, demo);
    // Signed prescription → pharmacy (NATS) → approval → prescription (NATS): the flow itself waits for the first hop.
    const flow = await runClinicalFlow(actors, "dist-flow-1", { prescribe: true });
    const reviewStatus = async () =>
      (
        await graphql<{ prescription: { reviewStatus: string } | null }>(
          url,
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
            url,
            `{ regulatorFeed(first: 100) { edges { node { category } } } }`,
            {},
            demo.tokens["regulator"],
          )
        ).data?.regulatorFeed.edges.map((edge) => edge.node.category),
      );
    const wanted = ["STAFF_RECORD", "CONSULT", "PRESCRIPTION", "PRESCRIPTION_REVIEW", "DISPENSING", "DELIVERY"];
    await waitFor(async () => {
      const seen = await categories();
      return wanted.every((category) => seen.has(category));
    }, 20_000, "staff, consult, prescription, review, dispensing and delivery entries in the feed");
    // REC-01 (issue 11): the records service, its own process, drafted the closed consult's record — ConsultCompleted
    // over NATS, the record source from consult over gRPC with its own credential — and serves it through the gateway.
    const draft = await awaitDraftRecord(url, actors.physicianToken, flow.consultId);
    expect(draft).toMatchObject({ status: "DRAFT", version: 1, authorId: demo.staff.physicianId });
  });

  it("XC-01 (issue 10): no NATS stream's storage holds what was typed into the flow or a person's identity in clear", async () => {
    // Typed through GraphQL by runner/src/clinicalFlow.ts, or registered by the demo seed; the signed prescription's
    // canonical document (names, ID number, birth date) and the staff registrations travel on NATS.
    const typed = ["最近空腹血糖7.2", "病情稳定，续用二甲双胍", "陈示例", "19700312", "1970-03-12", "王示范", "110105198001010016", "赵药师"];
    const files = readdirSync(nats.storeDir, { recursive: true }).map(String);
    expect(files.some((file) => file.endsWith(".blk"))).toBe(true);
    expect(await filesContaining(nats.storeDir, typed)).toEqual([]);
  });

});
