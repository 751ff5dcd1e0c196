import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { postgresReachable, TEST_DATABASE_URL, testQuery } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { recordsConfigSchema, startRecordsService } from "../../src/index.js";
import { consultDouble, identityDouble } from "./doubles.js";

// The distributed mode (infra/k8s): replicas share one DATA_DIR claim, so READ_MODEL_URL must move the read models,
// the key ring's wrapped data keys and the relay's position out of SQLite files there into PostgreSQL. The schema once dropped the variable
// (zod strips keys it does not name), and the service silently kept both in DATA_DIR. CI starts PostgreSQL and fails
// when it is unreachable; elsewhere this is skipped with a printed reason.
const postgresUp = await postgresReachable("records on PostgreSQL");

describe.skipIf(!postgresUp)("records with READ_MODEL_URL (distributed mode)", () => {
  it("keeps its read models, wrapped data keys and relay position in PostgreSQL, not in SQLite files in DATA_DIR", async () => {
    const schema = `records_${randomBytes(4).toString("hex")}`;
    const dataDir = await mkdtemp(join(tmpdir(), "records-pg-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
    const bus = new InProcessBus();
    await testQuery(`CREATE SCHEMA ${schema}`);
    try {
      const config = loadConfig(recordsConfigSchema, {
        SERVICE_NAME: "records",
        DATA_DIR: dataDir,
        GRPC_PORT: "0",
        SHUTDOWN_GRACE_MS: "500",
        READ_MODEL_URL: TEST_DATABASE_URL,
        READ_MODEL_SCHEMA: schema,
      });
      expect([config.READ_MODEL_URL, config.READ_MODEL_SCHEMA]).toEqual([TEST_DATABASE_URL, schema]);
      const service = await startRecordsService({
        config,
        bus,
        verifier,
        identity: identityDouble({}),
        consult: consultDouble(new Map()),
        logger: createLogger({ name: "records", level: "silent" }),
      });
      await service.stop("test done");
      const files = await readdir(dataDir);
      expect(files.filter((file) => file.includes("data-keys") || file.includes("read-models") || file.includes("relay-checkpoints"))).toEqual([]);
      // The relay's checkpoint table is beside the read models.
      const relayTable = await testQuery<{ found: string | null }>("SELECT to_regclass($1) AS found", [`${schema}.relay_checkpoints`]);
      expect(relayTable[0]?.found).not.toBeNull();
      // The key ring's check key, written at the first start, is in the service's key schema.
      const tables = await testQuery<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [`${schema}_keys`]);
      expect(tables.length).toBeGreaterThan(0);
    } finally {
      await bus.close();
      await testQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await testQuery(`DROP SCHEMA IF EXISTS ${schema}_keys CASCADE`);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
