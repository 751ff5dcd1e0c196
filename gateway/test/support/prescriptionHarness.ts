import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BusMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { PRESCRIPTION_ERRORS, prescriptionConfigSchema, type PrescriptionService, startPrescriptionService } from "@ihp/prescription";
// The prescription service's own in-memory consult and signature ports: its consult facts and a real P-256 signer.
import { consult } from "../../../services/prescription/test/support/fixtures.js";
import { InMemoryConsults, InMemorySessions, InMemorySignatures } from "../../../services/prescription/test/support/ports.js";
import { prescriptionModule } from "../../src/contexts/prescription/resolvers.js";
import { createGateway, type Gateway } from "../../src/index.js";
import { type FakeServices, startFakeServices } from "./fakeServices.js";
import type { GraphQLBody } from "./harness.js";

export const INSTITUTION_ID = "0195a000-0000-7000-8000-0000000012ab";
export const OTHER_INSTITUTION_ID = "0195a000-0000-7000-8000-0000000034cd";
export const PHYSICIAN_ID = "phys-0001";
export const PATIENT_ID = "pat-0001";

/** Consults the in-memory consult service knows; each belongs to PHYSICIAN_ID unless said otherwise. */
export const CONSULTS = {
  adult: "0195a000-0000-7000-8000-00000000c001",
  /** 6 years 11 months on the service's day, with a verified guardian (RX-05). */
  child6y11m: "0195a000-0000-7000-8000-00000000c002",
  /** 7 years 0 months: the day after the 7th birthday (RX-05: no guardian needed). */
  child7y0m: "0195a000-0000-7000-8000-00000000c003",
  /** Assigned to another physician; the same patient. */
  othersConsult: "0195a000-0000-7000-8000-00000000c004",
} as const;

const ASTHMA = [{ code: "J45.9", name: "哮喘", version: "ICD-10 国家临床版 2.0" }];

/** The service's clock starts at 10:00 on 2026-03-02 in Beijing and advances a millisecond per reading. */
const START = Date.parse("2026-03-02T02:00:00Z");
export const ISSUE_DAY = "2026-03-02";

export interface PrescriptionHarness {
  readonly app: Gateway;
  readonly bus: InProcessBus;
  /** Every message the prescription service published. */
  readonly published: BusMessage[];
  token(subject: string, roles: readonly Role[], options?: { tenantId?: string; kind?: "human" | "service" }): Promise<string>;
  post(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody }>;
  close(): Promise<void>;
}

/**
 * The REAL prescription service (SQLite in a temp dir, an in-process bus, the in-memory consult and signature
 * ports) behind a gateway serving only the prescription module; identity and reporting are the gateway tests'
 * fakes, unused here. One issuer signs the tokens both the gateway and the service verify.
 */
export async function startPrescriptionHarness(): Promise<PrescriptionHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-prescription-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const silent = createLogger({ name: "test", level: "silent" });
  const bus = new InProcessBus();
  const published: BusMessage[] = [];
  await bus.consume({ durable: "test-prescription-events", subjects: ["ihp.prescription.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });

  const consults = new InMemoryConsults();
  const sessions = new InMemorySessions();
  consults.contexts.set(CONSULTS.adult, consult({ consultId: CONSULTS.adult }));
  consults.contexts.set(
    CONSULTS.child6y11m,
    consult({ consultId: CONSULTS.child6y11m, patientBirthDate: "2019-04-02", confirmedDiagnoses: ASTHMA, guardianId: "guardian-1", guardianVerified: true }),
  );
  consults.contexts.set(CONSULTS.child7y0m, consult({ consultId: CONSULTS.child7y0m, patientBirthDate: "2019-03-01", confirmedDiagnoses: ASTHMA }));
  consults.contexts.set(CONSULTS.othersConsult, consult({ consultId: CONSULTS.othersConsult, physicianId: "phys-0002" }));

  let reading = START;
  const config = loadConfig(prescriptionConfigSchema, { SERVICE_NAME: "prescription", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000" });
  let service: PrescriptionService | undefined;
  let fakes: FakeServices | undefined;
  let app: Gateway | undefined;
  try {
    service = await startPrescriptionService({
      config,
      bus,
      verifier,
      logger: silent,
      clock: () => new Date(reading++),
      consults,
      signatures: new InMemorySignatures(),
      sessions,
    });
    fakes = await startFakeServices({ verifier, logger: silent });
    app = await createGateway({
      identity: fakes.address,
      reporting: fakes.address,
      prescription: `127.0.0.1:${service.grpcPort}`,
      modules: [prescriptionModule],
      errorTables: [PRESCRIPTION_ERRORS],
      verifier,
      logger: silent,
      graphiql: false,
    });
    await app.ready();
  } catch (error) {
    await app?.close();
    await fakes?.stop();
    await service?.stop();
    await bus.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const gateway = app;
  const started = { service, fakes };

  return {
    app: gateway,
    bus,
    published,
    // A person's token names their login session, the one the in-memory identity holds current (IDN-08).
    token: (subject, roles, options = {}) =>
      issuer.issue({ subject, roles, tenantId: options.tenantId ?? INSTITUTION_ID, kind: options.kind, ...(options.kind === "service" ? {} : { sessionId: sessions.currentSession(subject) }) }),
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
      await gateway.close();
      await started.fakes.stop();
      await started.service.stop();
      await bus.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
