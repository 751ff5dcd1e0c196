import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrescriptionReviewed } from "@ihp/contracts/pharmacy";
import { PrescriptionSigned } from "@ihp/contracts/prescription";
import { sampleCatalogue } from "@ihp/drug-catalogue";
import { IDENTITY_ERRORS } from "@ihp/identity";
import { type BusMessage, type Consumer, decodeEnvelope, InProcessBus } from "@ihp/messaging";
import { catalogueLookup, PHARMACY_ERRORS, pharmacyConfigSchema, type PharmacyService, startPharmacyService } from "@ihp/pharmacy";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { InMemoryIdentity } from "../../../services/pharmacy/test/support/inMemoryIdentity.js";
import { type SignedOptions, signedEnvelope } from "../../../services/pharmacy/test/support/prescriptionEnvelopes.js";
import { pharmacyModule } from "../../src/contexts/pharmacy/resolvers.js";
import { createGateway, type Gateway } from "../../src/index.js";
import { type FakeServices, startFakeServices } from "./fakeServices.js";
import type { GraphQLBody } from "./harness.js";

export const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
export const OTHER_INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
/** Qualified in the in-memory identity (in-house, 5 years of dispensing). */
export const PHARMACIST = "pharmacist-0001";
/** Not on identity's reviewer list: CheckReviewer refuses them (PHA-02). */
export const NOVICE = "pharmacist-0002";
export const PATIENT = "patient-0001";
export const OTHER_PATIENT = "patient-0002";

export interface PharmacyHarness {
  readonly app: Gateway;
  readonly service: PharmacyService;
  readonly identity: InMemoryIdentity;
  /** ws://…/graphql of the listening gateway. */
  readonly wsUrl: string;
  /** The service's one clock: event times, expiry days (RX-06), roster coverage (PHA-06). */
  now: Date;
  token(role: Role, subject: string, tenantId?: string): Promise<string>;
  post(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLBody>;
  /** Publishes what the prescription service publishes for a signed version; returns the physician's document hash. */
  publishSigned(options: Omit<SignedOptions, "institutionId"> & { readonly institutionId?: string }): Promise<Buffer>;
  /** PrescriptionReviewed events the pharmacy published so far. */
  reviewed(): PrescriptionReviewed[];
  close(): Promise<void>;
}

/**
 * The REAL pharmacy service (SQLite in a temp dir, gRPC on port 0, in-process bus, in-memory identity and the sample
 * drug catalogue) behind a gateway serving only the pharmacy module, with one token issuer trusted by both.
 */
export async function startPharmacyHarness(): Promise<PharmacyHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-pharmacy-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "pharmacy-test", level: "silent" });
  const bus = new InProcessBus();
  const published: BusMessage[] = [];
  let tap: Consumer | undefined;
  let fakes: FakeServices | undefined;
  let service: PharmacyService | undefined;
  let app: Gateway | undefined;

  const stop = async (): Promise<void> => {
    await app?.close();
    await service?.stop();
    await fakes?.stop();
    await tap?.stop();
    await bus.close();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    tap = await bus.consume({ durable: "gateway-test-tap", subjects: ["ihp.pharmacy.v1.>"] }, (message) => {
      published.push(message);
      return Promise.resolve();
    });
    const identity = new InMemoryIdentity(verifier, new Map([[PHARMACIST, { affiliation: "IN_HOUSE", dispensingYears: 5 }]]));
    const config = loadConfig(pharmacyConfigSchema, { SERVICE_NAME: "pharmacy", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
    const harness = {
      now: new Date("2026-03-02T02:00:00Z"),
    };
    service = await startPharmacyService({
      config,
      bus,
      verifier,
      logger: silent,
      clock: () => harness.now,
      identity,
      catalogue: catalogueLookup(await sampleCatalogue()),
    });
    // identity and reporting are not used by this module; the fakes stand in for the gateway's required backends.
    fakes = await startFakeServices({ verifier, logger: silent });
    app = await createGateway({
      identity: fakes.address,
      reporting: fakes.address,
      pharmacy: `127.0.0.1:${service.grpcPort}`,
      modules: [pharmacyModule],
      errorTables: [IDENTITY_ERRORS, PHARMACY_ERRORS],
      verifier,
      logger: silent,
      graphiql: false,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const gateway = app;
    const pharmacy = service;

    return Object.assign(harness, {
      app: gateway,
      service: pharmacy,
      identity,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      // A person's token names their login session, the one the in-memory identity holds current (IDN-08).
      token: (role: Role, subject: string, tenantId = INSTITUTION) => issuer.issue({ subject, roles: [role], tenantId, sessionId: identity.currentSession(subject) }),
      async post(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLBody> {
        const response = await gateway.inject({
          method: "POST",
          url: "/graphql",
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
          payload: variables === undefined ? { query } : { query, variables },
        });
        return response.json<GraphQLBody>();
      },
      async publishSigned(options: Omit<SignedOptions, "institutionId"> & { readonly institutionId?: string }): Promise<Buffer> {
        const message = signedEnvelope({ institutionId: INSTITUTION, ...options });
        await bus.publish(message);
        const { envelope } = decodeEnvelope(message);
        return Buffer.from(PrescriptionSigned.decode(envelope.payload).signature?.documentHash ?? []);
      },
      reviewed: () =>
        published
          .filter((message) => message.subject === "ihp.pharmacy.v1.PrescriptionReviewed")
          .map((message) => PrescriptionReviewed.decode(decodeEnvelope(message).envelope.payload)),
      close: stop,
    });
  } catch (error) {
    await stop();
    throw error;
  }
}
