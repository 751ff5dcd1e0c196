import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from "@ihp/contracts";
import { HospitalGrade, InstitutionServiceService } from "@ihp/contracts/identity";
import { type BusMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityConfigSchema, startIdentityService } from "../src/index.js";
import { ServiceClient } from "./support/client.js";

let dataDir: string;
let issuer: BuiltinIssuer;
let verifier: TokenVerifier;
const logger = createLogger({ name: "identity", level: "silent" });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "identity-svc-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function start(dir: string) {
  const bus = new InProcessBus();
  const published: BusMessage[] = [];
  const consumer = await bus.consume({ durable: "t", subjects: ["ihp.identity.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });
  const env = { SERVICE_NAME: "identity", DATA_DIR: dir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000" };
  const config = loadConfig(identityConfigSchema, env);
  const service = await startIdentityService({ config, bus, verifier, logger });
  const client = new ServiceClient(InstitutionServiceService, service.grpcPort);
  return {
    service,
    client,
    published,
    async stop() {
      client.close();
      await service.stop();
      await consumer.stop();
      await bus.close();
    },
  };
}

describe("startIdentityService", () => {
  it("serves health, and after a restart keeps its log and does not publish an event twice", async () => {
    const first = await start(dataDir);
    const health = new HealthClient(`127.0.0.1:${first.service.grpcPort}`, credentials.createInsecure());
    const status = await new Promise<Serving>((resolve, reject) =>
      health.check({ service: "ihp.identity.v1.InstitutionService" }, (error, response) =>
        error === null ? resolve(response.status) : reject(error),
      ),
    );
    health.close();
    expect(status).toBe(Serving.SERVING);

    const system = await issuer.issue({ subject: "svc", roles: ["system"], tenantId: "platform" });
    const { institution } = await first.client.call(
      "registerInstitution",
      {
        requestId: "restart-test-0001",
        name: "重启测试医院",
        grade: HospitalGrade.HOSPITAL_GRADE_SECONDARY_A,
        licence: { number: "PDY00001X50010217A1001", validFrom: "2025-01-01", validUntil: "2030-01-01" },
        subjectCodes: ["02"],
        jurisdiction: "chongqing",
        hostInstitutionName: "重启测试实体医院",
        hostLicenceNumber: "PDY00001X50010217A0001",
      },
      system,
    );
    await waitFor(() => first.published.length === 1, 5_000, "the registration on the bus");
    await first.stop();
    await first.stop(); // idempotent

    const second = await start(dataDir);
    try {
      const got = await second.client.call("getInstitution", { institutionId: institution!.institutionId }, system);
      expect(got.institution).toEqual(institution);
      const directory = await second.client.call("listPublicInstitutions", { page: undefined });
      expect(directory.institutions.map((entry) => entry.institutionId)).toEqual([institution!.institutionId]);
      // The relay resumed from its checkpoint: once a new event is through, it is the only one the new bus saw.
      await second.client.call(
        "setRegulatorConnection",
        { requestId: "restart-test-0002", institutionId: institution!.institutionId, connected: true, platformReference: "CQ-1" },
        system,
      );
      await waitFor(() => second.published.length > 0, 5_000, "the connection change on the bus");
      expect(second.published.map((message) => message.subject)).toEqual(["ihp.identity.v1.RegulatorConnectionChanged"]);
    } finally {
      await second.stop();
    }
  });

  it("runs entirely in memory with DATA_DIR=:memory:", async () => {
    const run = await start(":memory:");
    const page = await run.client.call("listPublicInstitutions", { page: { first: 5, after: "" } });
    expect(page).toEqual({ institutions: [], pageInfo: { endCursor: "", hasNextPage: false } });
    await run.stop();
  });
});
