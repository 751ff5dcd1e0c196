import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultServiceService } from "@ihp/contracts/consult";
import { CONSULT_ERRORS, consultConfigSchema, type ConsultService, startConsultService } from "@ihp/consult";
import { IDENTITY_ERRORS } from "@ihp/identity";
import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
// The consult service's own test doubles: its identity port answered from tables, and a plain gRPC client.
import { TestClient } from "../../../services/consult/test/support/client.js";
import { InMemoryIdentity } from "../../../services/consult/test/support/inMemoryIdentity.js";
import { consultModule } from "../../src/contexts/consult/resolvers.js";
import { createGateway, type Gateway } from "../../src/index.js";
import { type FakeServices, startFakeServices } from "./fakeServices.js";
import type { GraphQLBody } from "./harness.js";

/** Guangxi: prior records at most one calendar month old (CON-04). */
export const GUANGXI = "0195b000-0000-7000-8000-0000000000a1";
/** National profile: no window on prior records. */
export const NATIONAL = "0195b000-0000-7000-8000-0000000000a2";
/** Not connected to the supervision platform (REP-01). */
export const UNCONNECTED = "0195b000-0000-7000-8000-0000000000a3";

export const PATIENT = "patient-0001";
export const OTHER_PATIENT = "patient-0002";
export const CHILD = "child-0001";
export const GUARDIAN = "guardian-0001";
/** Guangxi physician with a fresh step-up. */
export const PHYSICIAN = "physician-0001";
/** National physician with a fresh step-up. */
export const NATIONAL_PHYSICIAN = "physician-0002";
/** Guangxi physician without a step-up (IDN-03). */
export const UNSTEPPED_PHYSICIAN = "physician-0003";
export const ADMIN = "admin-0001";

export const DIABETES = { code: "E11.9", name: "2型糖尿病", version: "ICD-10 国家临床版 2.0" };
export const HYPERTENSION = { code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" };

/** 2026-03-15 10:00 in Beijing: the service's clock, fixed. */
export const NOW = new Date("2026-03-15T02:00:00Z");

export interface ConsultHarness {
  readonly app: Gateway;
  /** ws://…/graphql of the listening gateway. */
  readonly wsUrl: string;
  /** The consult service's gRPC API, for checks below the gateway (CON-01's service-level check). */
  readonly direct: TestClient<typeof ConsultServiceService>;
  readonly identity: InMemoryIdentity;
  token(subject: string, roles: readonly Role[], options?: { tenantId?: string; kind?: "human" | "service" }): Promise<string>;
  post(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody }>;
  close(): Promise<void>;
}

/**
 * The REAL consult service (SQLite in a temp dir, an in-process bus, the in-memory identity port) behind a gateway
 * serving only the consult module; identity and reporting addresses are the gateway tests' fakes, unused here. One
 * issuer signs the tokens both the gateway and the service verify.
 */
export async function startConsultHarness(): Promise<ConsultHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-consult-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "test", level: "silent" });
  const bus = new InProcessBus();

  const identity = new InMemoryIdentity();
  identity.institutions.set(GUANGXI, { institutionId: GUANGXI, jurisdiction: "guangxi", subjectCodes: ["03.07", "50"], regulatorConnected: true });
  identity.institutions.set(NATIONAL, { institutionId: NATIONAL, jurisdiction: "national", subjectCodes: ["03"], regulatorConnected: true });
  identity.institutions.set(UNCONNECTED, { institutionId: UNCONNECTED, jurisdiction: "national", subjectCodes: ["03.07"], regulatorConnected: false });
  identity.patients.set(PATIENT, { patientId: PATIENT, birthDate: "1970-05-01", sex: "F", verificationMethod: "ID_CARD_FACE_MATCH" });
  identity.patients.set(OTHER_PATIENT, { patientId: OTHER_PATIENT, birthDate: "1982-01-09", sex: "M", verificationMethod: "ID_CARD_FACE_MATCH" });
  identity.patients.set(CHILD, { patientId: CHILD, birthDate: "2021-06-01", sex: "M", verificationMethod: "GUARDIAN_ID_CARD" });
  identity.guardianships.add(`${GUARDIAN}:${CHILD}`);
  identity.clinicians.set(PHYSICIAN, { institutionId: GUANGXI, departments: ["03.07"], stepUp: true });
  identity.clinicians.set(NATIONAL_PHYSICIAN, { institutionId: NATIONAL, departments: ["03.07"], stepUp: true });
  identity.clinicians.set(UNSTEPPED_PHYSICIAN, { institutionId: GUANGXI, departments: ["03.07"], stepUp: false });

  const config = loadConfig(consultConfigSchema, {
    SERVICE_NAME: "consult",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "1000",
  });
  let service: ConsultService | undefined;
  let fakes: FakeServices | undefined;
  let app: Gateway | undefined;
  try {
    service = await startConsultService({ config, bus, verifier, identity, clock: () => new Date(NOW), logger: silent });
    fakes = await startFakeServices({ verifier, logger: silent });
    app = await createGateway({
      identity: fakes.address,
      reporting: fakes.address,
      consult: `127.0.0.1:${service.grpcPort}`,
      modules: [consultModule],
      errorTables: [CONSULT_ERRORS, IDENTITY_ERRORS],
      verifier,
      logger: silent,
      graphiql: false,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
  } catch (error) {
    await app?.close();
    await fakes?.stop();
    await service?.stop();
    await bus.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const direct = new TestClient(ConsultServiceService, service.grpcPort);
  const gateway = app;
  const running = { service, fakes };

  return {
    app: gateway,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    direct,
    identity,
    // A person's token names their login session, the one the in-memory identity holds current (IDN-08).
    token: (subject, roles, options = {}) => {
      const kind = options.kind ?? "human";
      return issuer.issue({ subject, roles, tenantId: options.tenantId ?? GUANGXI, kind, ...(kind === "human" ? { sessionId: identity.currentSession(subject) } : {}) });
    },
    async post(query, variables, token) {
      const response = await gateway.inject({
        method: "POST",
        url: "/graphql",
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        payload: variables === undefined ? { query } : { query, variables },
      });
      return { status: response.statusCode, body: response.json<GraphQLBody>() };
    },
    async close() {
      direct.close();
      await gateway.close();
      await running.fakes.stop();
      await running.service.stop();
      await bus.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh client request id: the service derives the consult id from requester + request id. */
export const requestId = (): string => randomUUID();
