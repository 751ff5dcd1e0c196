import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { postgresReachable, TEST_DATABASE_URL, testQuery } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { integrationConfigSchema, startIntegrationService } from "../src/index.js";
import { fakeIdentity } from "./support/ingestFixture.js";

// The distributed mode (infra/k8s): replicas share one DATA_DIR claim, so READ_MODEL_URL must move the read models and
// the key ring's wrapped data keys out of SQLite files there into PostgreSQL. The schema once dropped the variable
// (zod strips keys it does not name), and the service silently kept both in DATA_DIR. CI starts PostgreSQL and fails
// when it is unreachable; elsewhere this is skipped with a printed reason.
const postgresUp = await postgresReachable("integration on PostgreSQL");

describe.skipIf(!postgresUp)("integration with READ_MODEL_URL (distributed mode)", () => {
  it("keeps its read models and wrapped data keys in PostgreSQL, not in SQLite files in DATA_DIR", async () => {
    const schema = `integration_${randomBytes(4).toString("hex")}`;
    const dataDir = await mkdtemp(join(tmpdir(), "integration-pg-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
    const bus = new InProcessBus();
    await testQuery(`CREATE SCHEMA ${schema}`);
    try {
      const config = loadConfig(integrationConfigSchema, {
        SERVICE_NAME: "integration",
        DATA_DIR: dataDir,
        GRPC_PORT: "0",
        SHUTDOWN_GRACE_MS: "500",
        READ_MODEL_URL: TEST_DATABASE_URL,
        READ_MODEL_SCHEMA: schema,
      });
      expect([config.READ_MODEL_URL, config.READ_MODEL_SCHEMA]).toEqual([TEST_DATABASE_URL, schema]);
      const service = await startIntegrationService({ config, bus, verifier, logger: createLogger({ name: "integration", level: "silent" }), identity: fakeIdentity });
      await service.stop("test done");
      const files = await readdir(dataDir);
      expect(files.filter((file) => file.includes("data-keys") || file.includes("read-models"))).toEqual([]);
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
