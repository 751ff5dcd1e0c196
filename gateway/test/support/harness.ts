import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, type Role, TokenVerifier } from "@ihp/platform";
import { createGateway, type Gateway, type GatewayOptions } from "../../src/index.js";
import { type FakeServices, startFakeServices } from "./fakeServices.js";

/** A GraphQL response as the tests read it. */
export interface GraphQLBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly {
    readonly message: string;
    readonly locations?: readonly unknown[];
    readonly path?: readonly unknown[];
    readonly extensions?: Record<string, unknown>;
  }[];
}

export interface Harness {
  readonly app: Gateway;
  readonly services: FakeServices;
  readonly bus: InProcessBus;
  /** Every line the gateway logged, as written (after masking). */
  readonly logLines: string[];
  token(roles: readonly Role[], tenantId?: string, subject?: string): Promise<string>;
  /** POST /graphql; the status and the parsed body. */
  post(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody }>;
  close(): Promise<void>;
}

/** A gateway on fake services, with real token checks on both sides and an in-process bus. */
export async function startHarness(overrides: Partial<GatewayOptions> = {}): Promise<Harness> {
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "urn:ihp:test-api" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const logLines: string[] = [];
  const logger = createLogger({ name: "gateway", level: "debug", destination: { write: (line: string) => void logLines.push(line) } });
  const services = await startFakeServices({ verifier, logger: createLogger({ name: "fake", level: "silent" }) });
  const bus = new InProcessBus();
  const app = await createGateway({
    identity: services.address,
    reporting: services.address,
    verifier,
    bus,
    logger,
    graphiql: false,
    ...overrides,
  });
  await app.ready();
  return {
    app,
    services,
    bus,
    logLines,
    token: (roles, tenantId = "guangxi", subject = "user-1") => issuer.issue({ subject, roles, tenantId }),
    async post(query, variables, token) {
      const response = await app.inject({
        method: "POST",
        url: "/graphql",
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        payload: variables === undefined ? { query } : { query, variables },
      });
      return { status: response.statusCode, body: response.json<GraphQLBody>() };
    },
    async close() {
      await app.close();
      await bus.close();
      await services.stop();
    },
  };
}
