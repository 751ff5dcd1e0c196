import { readFileSync } from "node:fs";
import type { Bus, Consumer } from "@ihp/messaging";
import { createMetricsRegistry, type ErrorDescription, type Logger, type MetricsRegistry, type PrincipalResolver } from "@ihp/platform";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyRequest, LogController } from "fastify";
import { getOperationAST, NoSchemaIntrospectionCustomRule, type ValidationRule } from "./graphqlJs.js";
import mercurius, { type IResolvers } from "mercurius";
import { Caller } from "./auth/caller.js";
import { createPublicErrors } from "./errors/errorFormatter.js";
import { GatewayError } from "./errors/gatewayError.js";
import { createGatewayCatalog } from "./errors/publicError.js";
import { type ClientTls, connectDownstream } from "./grpc/downstream.js";
import { clientErrorHandler, errorResponses } from "./http/errorResponses.js";
import { gatewayMetrics } from "./http/gatewayMetrics.js";
import { dashboardRoutes } from "./http/dashboard.js";
import { healthRoutes } from "./http/healthRoutes.js";
import { GRAPHQL_RESPONSE_JSON, responseMediaType } from "./http/mediaType.js";
import { type PersistedQueries, persistedQueryProvider } from "./http/persistedQueries.js";
import { type RateLimit, rateLimitOptions } from "./http/rateLimit.js";
import { requestTrace } from "./http/requestTrace.js";
import { lazyRequestLogger } from "./http/requestLogger.js";
import { applySecurityHeaders, securityHeaders } from "./http/securityHeaders.js";
import { AdmittedDocuments } from "./limits/admittedDocuments.js";
import { complexityRule, operationCostRefusal } from "./limits/complexityRule.js";
import { DEFAULT_LIMITS, type Limits } from "./limits/limits.js";
import type { HttpContext } from "./http/context.js";
import { loadComposedSchemaText } from "./schema.js";
import { describeAccess } from "./access/describeAccess.js";
import { servedModules } from "./contexts/index.js";
import { type ContextDeps, type GatewayModule, mergeResolvers } from "./contexts/module.js";
import { consumeFeed } from "./subscriptions/feedConsumer.js";
import { FeedHub } from "./subscriptions/feedHub.js";
import { webSocketSupport } from "./subscriptions/websocket.js";

export interface GatewayOptions {
  /** `host:port` of the identity service (required). */
  readonly identity: string;
  /** `host:port` of the reporting service (required). */
  readonly reporting: string;
  /** `host:port` of the consult, prescription and pharmacy services; their fields answer SERVICE_NOT_CONFIGURED without. */
  readonly consult?: string | undefined;
  readonly prescription?: string | undefined;
  readonly pharmacy?: string | undefined;
  /** `host:port` of the integration service (patients' lab results and imaging reports). */
  readonly integration?: string | undefined;
  /** `host:port` of the records service (outpatient records, issue 11). */
  readonly records?: string | undefined;
  /** TLS for the channels the gateway dials itself (addresses above). Plaintext without it. */
  readonly grpcTls?: ClientTls | undefined;
  /**
   * Embedded mode: a service whose gRPC server runs in this process is called in process (same clients, handlers and
   * protobuf bytes, no HTTP/2 or socket; issue 15). Addresses with no server in this process are dialled as usual.
   */
  readonly inProcessTransport?: boolean | undefined;
  /** Verifies bearer tokens into principals (TokenVerifier). */
  readonly verifier: PrincipalResolver;
  /** Source of live regulator feed entries for subscriptions; without it subscriptions receive nothing. */
  readonly bus?: Bus | undefined;
  /** Durable name of this gateway's feed consumer: unique per gateway process (default "gateway-feed"). */
  readonly feedDurable?: string | undefined;
  /** The built supervision dashboard served at /dashboard/ (default: the @ihp/dashboard package's dist). */
  readonly dashboardDir?: string | undefined;
  readonly logger: Logger;
  /** TLS for the HTTP/WebSocket listener (XC-05, distributed mode); plain HTTP without it (embedded loopback, tests). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Serve GraphiQL at /graphiql (embedded mode, development). */
  readonly graphiql: boolean;
  /** Allow introspection queries; defaults to `graphiql`, which needs them. */
  readonly introspection?: boolean | undefined;
  /** Browser origins allowed to call the API (CORS), e.g. `https://doctor.example.cn`; none by default. */
  readonly corsOrigins?: readonly string[] | undefined;
  /** Requests per window per account (valid token) or client address; no limit without it (embedded mode). */
  readonly rateLimit?: RateLimit | undefined;
  /** A front-end's persisted queries by SHA-256, optionally the only queries accepted; off without it. */
  readonly persistedQueries?: PersistedQueries | undefined;
  /** fastify's trustProxy (behind an ingress): which proxies' X-Forwarded-For to believe for the client address. */
  readonly trustProxy?: string | undefined;
  readonly limits?: Partial<Limits> | undefined;
  /** Deadline of each downstream gRPC call (default 5 s). */
  readonly callTimeoutMs?: number | undefined;
  /** Deadline of each /readyz health check (default 1 s). */
  readonly readinessTimeoutMs?: number | undefined;
  /** Entries a subscriber may fall behind by before it is disconnected (default 1,000). */
  readonly subscriptionQueue?: number | undefined;
  /** API modules of the other contexts (default: all of contexts/index.ts); institutions and the regulator feed are always served. */
  readonly modules?: readonly GatewayModule[] | undefined;
  /** Error texts of the services' own codes (their README tables), merged with the platform's and the gateway's. */
  readonly errorTables?: readonly Readonly<Record<string, ErrorDescription>>[] | undefined;
  /** Where the ihp_gateway_* series go (the process's /metrics registry); a private registry without it. */
  readonly metricsRegistry?: MetricsRegistry | undefined;
}

const GRAPHQL_PATH = "/graphql";
/**
 * mercurius's document cache (valid documents by text, parsed, validated and graphql-jit compiled on their second
 * run; issue 15). It once also kept every refused document with its errors and filled with hostile texts (issue 13,
 * item 11): AdmittedDocuments now refuses invalid documents before mercurius sees them, so only valid ones enter, at
 * most twice this many (quick-lru keeps two generations). A front-end's documents take a few KB each; a document at
 * the 2,000-token limit, parsed with locations, up to ~1 MB: the worst case is bounded at ~64 MB.
 */
const DOCUMENT_CACHE = 32;
/** Texts the gateway remembers as admitted (their operation names only), and the longest one it remembers. */
const ADMITTED_TEXTS = 512;
const ADMITTED_TEXT_LENGTH = 16 * 1024;
/** graphql-js stops validating after this many errors (its default, 100, is kept per cached refused document). */
const MAX_VALIDATION_ERRORS = 10;

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
  const modules = servedModules(options.modules);
  const schema = describeAccess(await loadComposedSchemaText(modules));
  const downstream = connectDownstream({
    identity: options.identity,
    reporting: options.reporting,
    consult: options.consult,
    prescription: options.prescription,
    pharmacy: options.pharmacy,
    integration: options.integration,
    records: options.records,
    tls: options.grpcTls,
    inProcess: options.inProcessTransport === true,
  });
  const hub = new FeedHub({
    maxQueue: options.subscriptionQueue ?? 1_000,
    overflowError: () => errors.publish({ phase: "execution", located: undefined, cause: new GatewayError("SUBSCRIPTION_OVERFLOW") }, undefined).graphql,
  });
  const deps: ContextDeps = {
    downstream,
    limits,
    callTimeoutMs: options.callTimeoutMs ?? 5_000,
    publicError: (error, context) => errors.publish({ phase: "execution", located: undefined, cause: error }, context.trace?.traceId).graphql,
    feedHub: hub,
  };
  const rules: ValidationRule[] = [complexityRule(limits)];
  if (!(options.introspection ?? options.graphiql)) rules.push(NoSchemaIntrospectionCustomRule);

  const app = Fastify({
    https: options.tls === undefined ? null : { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
    loggerInstance: logger,
    bodyLimit: limits.bodyLimitBytes,
    clientErrorHandler: clientErrorHandler(errors),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    // fastify's request lines carry the URL, and a GET query string can carry personal data; see onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    // request.log's child logger (reqId) is made when something logs through it, not for every request.
    childLoggerFactory: (parent, bindings, childOptions) => lazyRequestLogger(parent as Logger, bindings, childOptions),
  });
  hubs.set(app, hub);
  errorResponses(app, errors, ["/readyz"]);

  // One Caller per request: the rate limiter and the resolvers share its verification of the token.
  const callers = new WeakMap<FastifyRequest, Caller>();
  const callerOf = (request: FastifyRequest): Caller => {
    let caller = callers.get(request);
    if (caller === undefined) {
      caller = new Caller(request.headers.authorization, verifier);
      callers.set(request, caller);
    }
    return caller;
  };

  // helmet's headers on every answer, worked out once (securityHeaders). GraphiQL's page loads its scripts and styles
  // from a CDN, which a content security policy would block.
  app.addHook("onRequest", applySecurityHeaders(securityHeaders({ contentSecurityPolicy: !options.graphiql })));
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) {
    await app.register(cors, { origin: [...options.corsOrigins], methods: ["GET", "POST"], maxAge: 600 });
  }
  if (options.rateLimit !== undefined) await app.register(rateLimit, rateLimitOptions(options.rateLimit, callerOf));

  // GraphQL over HTTP: a null `extensions` is allowed; mercurius's body schema only takes an object.
  app.addHook("preValidation", (request, _reply, done) => {
    const body = request.body as { extensions?: unknown } | undefined;
    if (request.url.split("?")[0] === GRAPHQL_PATH && typeof body === "object" && body !== null && body.extensions === null) delete body.extensions;
    done();
  });
  // Answers in the media type the client asked for (mercurius only knows application/json).
  app.addHook("onSend", (request, reply, payload, done) => {
    const contentType = String(reply.getHeader("content-type") ?? "");
    if (request.url.split("?")[0] === GRAPHQL_PATH && contentType.startsWith("application/json") && responseMediaType(request.headers.accept) === GRAPHQL_RESPONSE_JSON) {
      reply.header("content-type", `${GRAPHQL_RESPONSE_JSON}; charset=utf-8`);
    }
    done(null, payload);
  });

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

  const resolvers = mergeResolvers(modules.map((module) => module.resolvers(deps)));

  await app.register(mercurius, {
    schema,
    // Typed per resolver above; mercurius's own resolver type is a loose map.
    resolvers: resolvers as unknown as IResolvers,
    graphiql: options.graphiql,
    path: GRAPHQL_PATH,
    queryDepth: limits.maxDepth,
    validationRules: rules,
    cache: DOCUMENT_CACHE,
    // Compiled on a document's second run, when it is cached (the first run would pay the compile for nothing).
    jit: 1,
    graphql: { validateOptions: { maxErrors: MAX_VALIDATION_ERRORS } },
    persistedQueryProvider: options.persistedQueries === undefined ? undefined : persistedQueryProvider(options.persistedQueries),
    errorFormatter: (execution, context) => errors.format(execution, context),
    context: (request): HttpContext => ({
      caller: callerOf(request),
      trace: requestTrace(request.headers),
      clientAddress: request.ip,
    }),
    subscription: websocket.subscription,
  });

  // Every HTTP query passes the linear pre-parse check, its operation name and validation before mercurius's own
  // parse (see admitSource and AdmittedDocuments for why); a text admitted before is not checked again.
  // WebSocket subscription requests pass the same checks in the guard above.
  const admitted = new AdmittedDocuments({
    limits,
    rules,
    maxValidationErrors: MAX_VALIDATION_ERRORS,
    maxEntries: ADMITTED_TEXTS,
    maxSourceLength: ADMITTED_TEXT_LENGTH,
  });
  app.graphql.addHook("preParsing", (schema, source, context) => {
    admitted.admit(schema, source, requestedOperationName(context.reply.request));
    return Promise.resolve();
  });
  // The cost again, with the request's variables: validation (cached per text) priced page-size variables at 1.
  app.graphql.addHook("preExecution", (schema, document, context, variables) => {
    const operation = getOperationAST(document, requestedOperationName(context.reply.request));
    const refusal = operation === null || operation === undefined ? undefined : operationCostRefusal(schema, document, operation, variables, limits);
    return refusal === undefined ? Promise.resolve() : Promise.reject(refusal);
  });

  await app.register(healthRoutes(downstream, options.readinessTimeoutMs ?? 1_000));
  await app.register(dashboardRoutes(options.dashboardDir));
  gatewayMetrics(app, {
    registry: options.metricsRegistry ?? createMetricsRegistry({ serviceName: "gateway", defaultMetrics: false }),
    catalog,
    path: GRAPHQL_PATH,
    operationName: requestedOperationName,
  });

  app.addHook("onResponse", (request, reply, done) => {
    // Path only: the query string of a GET /graphql may hold variables with personal data.
    // Through the gateway's logger, with the reqId request.log would bind: the same line, without a child per request.
    logger.info(
      { reqId: request.id, method: request.method, path: request.url.split("?")[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request completed",
    );
    done();
  });

  let consumer: Consumer | undefined;
  const { bus } = options;
  if (bus !== undefined) {
    app.addHook("onReady", async () => {
      consumer = await consumeFeed({
        bus,
        durable: options.feedDurable ?? "gateway-feed",
        logger,
        publish: (entry) => hub.publish(entry),
        listening: () => hub.size > 0,
      });
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

/** `operationName` of a GET query string or POST body (batched queries are off); undefined when absent or null. */
function requestedOperationName(request: { readonly query?: unknown; readonly body?: unknown; readonly method: string }): string | undefined {
  const parameters = (request.method === "GET" ? request.query : request.body) as { operationName?: unknown } | undefined;
  const name = parameters?.operationName;
  return typeof name === "string" && name !== "" ? name : undefined;
}
