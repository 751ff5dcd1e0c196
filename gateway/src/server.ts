import { readFileSync } from "node:fs";
import type { InstitutionServiceClient } from "@ihp/contracts/identity";
import type { RegulatorFeedServiceClient } from "@ihp/contracts/reporting";
import type { Bus, Consumer } from "@ihp/messaging";
import type { ErrorDescription, Logger, PrincipalResolver } from "@ihp/platform";
import Fastify, { LogController } from "fastify";
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from "./graphqlJs.js";
import mercurius, { type IResolvers } from "mercurius";
import { Caller } from "./auth/caller.js";
import { createPublicErrors } from "./errors/errorFormatter.js";
import { GatewayError } from "./errors/gatewayError.js";
import { createGatewayCatalog } from "./errors/publicError.js";
import { type ClientTls, connectDownstream, type ServiceTarget } from "./grpc/downstream.js";
import { healthRoutes } from "./http/healthRoutes.js";
import { requestTrace } from "./http/requestTrace.js";
import { admitSource } from "./limits/admitSource.js";
import { complexityRule } from "./limits/complexityRule.js";
import { DEFAULT_LIMITS, type Limits } from "./limits/limits.js";
import type { HttpContext, ResolverDeps, WsContext } from "./resolvers/context.js";
import { feedQueries, feedSubscription } from "./resolvers/feed.js";
import { institutionMutations, institutionQueries } from "./resolvers/institutions.js";
import { loadSchemaText } from "./schema.js";
import { MODULES } from "./contexts/index.js";
import { type GatewayModule, loadModuleSchema, mergeResolvers } from "./contexts/module.js";
import { consumeFeed } from "./subscriptions/feedConsumer.js";
import { FeedHub } from "./subscriptions/feedHub.js";
import { webSocketSupport } from "./subscriptions/websocket.js";

export interface GatewayOptions {
  /** The identity service: a client (embedded runner, tests) or a `host:port` to dial. */
  readonly identity: ServiceTarget<InstitutionServiceClient>;
  /** The reporting service: a client or a `host:port` to dial. */
  readonly reporting: ServiceTarget<RegulatorFeedServiceClient>;
  /** `host:port` of the consult, prescription and pharmacy services; their fields answer SERVICE_NOT_CONFIGURED without. */
  readonly consult?: string | undefined;
  readonly prescription?: string | undefined;
  readonly pharmacy?: string | undefined;
  /** TLS for the channels the gateway dials itself (addresses above). Plaintext without it. */
  readonly grpcTls?: ClientTls | undefined;
  /** Verifies bearer tokens into principals (TokenVerifier). */
  readonly verifier: PrincipalResolver;
  /** Source of live regulator feed entries for subscriptions; without it subscriptions receive nothing. */
  readonly bus?: Bus | undefined;
  /** Durable name of this gateway's feed consumer: unique per gateway process (default "gateway-feed"). */
  readonly feedDurable?: string | undefined;
  readonly logger: Logger;
  /** TLS for the HTTP/WebSocket listener (XC-05, distributed mode); plain HTTP without it (embedded loopback, tests). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Serve GraphiQL at /graphiql (embedded mode, development). */
  readonly graphiql: boolean;
  /** Allow introspection queries; defaults to `graphiql`, which needs them. */
  readonly introspection?: boolean | undefined;
  readonly limits?: Partial<Limits> | undefined;
  /** Deadline of each downstream gRPC call (default 5 s). */
  readonly callTimeoutMs?: number | undefined;
  /** Deadline of each /readyz health check (default 1 s). */
  readonly readinessTimeoutMs?: number | undefined;
  /** Entries a subscriber may fall behind by before it is disconnected (default 1,000). */
  readonly subscriptionQueue?: number | undefined;
  /** API modules of the other contexts (default: all of contexts/index.ts). */
  readonly modules?: readonly GatewayModule[] | undefined;
  /** Error texts of the services' own codes (their README tables), merged with the platform's and the gateway's. */
  readonly errorTables?: readonly Readonly<Record<string, ErrorDescription>>[] | undefined;
}

const GRAPHQL_PATH = "/graphql";

// Live subscription counts by gateway, readable without widening FastifyInstance's type for every user of fastify.
const hubs = new WeakMap<object, FeedHub>();

/** Live subscriptions on a gateway: for metrics, and for tests to know a subscription is in place. */
export function liveSubscriptions(app: object): number {
  return hubs.get(app)?.size ?? 0;
}

/**
 * The GraphQL gateway: fastify + mercurius, schema-first. Authenticates callers, forwards their original token and
 * trace context to the services on every gRPC call with a deadline, maps every failure to a public error in one place
 * (errors/), enforces the request limits (limits/), and serves the regulator feed subscription from the bus.
 * Not yet listening: call `listen` (see startGateway) or `inject`. Closing it stops the feed consumer and closes the
 * gRPC channels it dialled.
 */
export async function createGateway(options: GatewayOptions) {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { logger, verifier } = options;
  const catalog = createGatewayCatalog(options.errorTables);
  const errors = createPublicErrors({ catalog, logger });
  const modules = options.modules ?? MODULES;
  const schema = [await loadSchemaText(), ...(await Promise.all(modules.map(loadModuleSchema)))].join("\n");
  const downstream = connectDownstream({
    identity: options.identity,
    reporting: options.reporting,
    consult: options.consult,
    prescription: options.prescription,
    pharmacy: options.pharmacy,
    tls: options.grpcTls,
  });
  const hub = new FeedHub({
    maxQueue: options.subscriptionQueue ?? 1_000,
    overflowError: () => errors.publish({ phase: "execution", located: undefined, cause: new GatewayError("SUBSCRIPTION_OVERFLOW") }, undefined).graphql,
  });
  const deps: ResolverDeps = { downstream, limits, callTimeoutMs: options.callTimeoutMs ?? 5_000 };
  const rules: ValidationRule[] = [complexityRule(limits)];
  if (!(options.introspection ?? options.graphiql)) rules.push(NoSchemaIntrospectionCustomRule);

  const app = Fastify({
    https: options.tls === undefined ? null : { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
    loggerInstance: logger,
    bodyLimit: limits.bodyLimitBytes,
    // fastify's request lines carry the URL, and a GET query string can carry personal data; see onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  hubs.set(app, hub);

  const websocket = webSocketSupport({
    path: GRAPHQL_PATH,
    schema: () => app.graphql.schema,
    limits,
    rules,
    errors,
    catalog,
    verifier,
    logger,
  });
  app.addHook("onRoute", websocket.onRoute);

  const publicError = (error: unknown, context: WsContext) =>
    errors.publish({ phase: "execution", located: undefined, cause: error }, context.trace?.traceId).graphql;
  const resolvers = mergeResolvers([
    {
      Query: { ...institutionQueries(deps), ...feedQueries(deps) },
      Mutation: institutionMutations(deps),
      Subscription: feedSubscription(hub, publicError),
    },
    ...modules.map((module) => module.resolvers({ ...deps, publicError })),
  ]);

  await app.register(mercurius, {
    schema,
    // Typed per resolver above; mercurius's own resolver type is a loose map.
    resolvers: resolvers as unknown as IResolvers,
    graphiql: options.graphiql,
    path: GRAPHQL_PATH,
    queryDepth: limits.maxDepth,
    validationRules: rules,
    errorFormatter: (execution, context) => errors.format(execution, context),
    context: (request): HttpContext => ({
      caller: new Caller(request.headers.authorization, verifier),
      trace: requestTrace(request.headers),
    }),
    subscription: websocket.subscription,
  });

  // Every HTTP query passes the linear pre-parse check before mercurius's own parse (see admitSource for why).
  // WebSocket subscription requests pass the same check in the guard above.
  app.graphql.addHook("preParsing", (_schema, source) => {
    admitSource(source, limits);
    return Promise.resolve();
  });

  await app.register(healthRoutes(downstream, options.readinessTimeoutMs ?? 1_000));

  app.addHook("onResponse", (request, reply, done) => {
    // Path only: the query string of a GET /graphql may hold variables with personal data.
    request.log.info({ method: request.method, path: request.url.split("?")[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request completed");
    done();
  });

  let consumer: Consumer | undefined;
  const { bus } = options;
  if (bus !== undefined) {
    app.addHook("onReady", async () => {
      consumer = await consumeFeed({ bus, durable: options.feedDurable ?? "gateway-feed", logger, publish: (entry) => hub.publish(entry) });
    });
  }
  app.addHook("onClose", async () => {
    await consumer?.stop();
    hub.close();
    downstream.close();
  });

  return app;
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;
