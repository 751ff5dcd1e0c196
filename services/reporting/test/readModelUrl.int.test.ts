import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { InProcessBus } from "@ihp/messaging";
import { postgresReachable, TEST_DATABASE_URL, testQuery, waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { institution, registered } from "./support/identityEvents.js";
import { startHarness } from "./support/harness.js";

// The distributed mode (infra/k8s): reporting's replicas share one DATA_DIR on a network volume, so with READ_MODEL_URL
// the feed relay's position goes to PostgreSQL beside the read models, not to DATA_DIR/reporting-checkpoints.sqlite.
// CI starts PostgreSQL and fails when it is unreachable; elsewhere this is skipped with a printed reason.
const postgresUp = await postgresReachable("reporting on PostgreSQL");

describe.skipIf(!postgresUp)("reporting with READ_MODEL_URL (distributed mode)", () => {
  it("keeps the feed relay's position in PostgreSQL and writes no checkpoint file to DATA_DIR", async () => {
    const schema = `reporting_${randomBytes(4).toString("hex")}`;
    const bus = new InProcessBus();
    await testQuery(`CREATE SCHEMA ${schema}`);
    try {
      const harness = await startHarness({ bus, env: { READ_MODEL_URL: TEST_DATABASE_URL, READ_MODEL_SCHEMA: schema } });
      try {
        await bus.publish(registered(institution()));
        const last = async (): Promise<string> => String((await harness.readLog()).at(-1)?.position);
        const saved = async (): Promise<string | undefined> =>
          (await testQuery<{ position: string }>(`SELECT position FROM ${schema}.relay_checkpoints WHERE name = 'reporting-feed-relay'`))[0]?.position;
        await waitFor(async () => (await harness.readLog()).length > 0 && (await saved()) === (await last()), 10_000, "the feed relay's position");
        expect((await readdir(harness.dataDir)).filter((file) => file.includes("checkpoints.sqlite"))).toEqual([]);
      } finally {
        await harness.close();
      }
    } finally {
      await bus.close();
      await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await testQuery(`DROP SCHEMA IF EXISTS ${schema}_keys CASCADE`);
    }
  }, 30_000);
});
