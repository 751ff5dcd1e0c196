import { LATENCY_BUCKETS, type MetricsRegistry, scrapeGauge, sharedCounter, sharedHistogram } from "@ihp/platform";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { describePublic, type ErrorCatalog } from "../errors/publicError.js";
import { type DocumentNode, getOperationAST, type GraphQLError, Kind } from "../graphqlJs.js";

/** What a request ran: "<type> <first root field>", bounded by the schema (never the client's operation name). */
export function operationLabel(document: DocumentNode, operationName: string | undefined): string {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined) return "none";
  const first = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  return `${operation.operation} ${first?.kind === Kind.FIELD ? first.name.value : "fragment"}`;
}

/** The parts of the gateway's fastify instance this needs (its logger type differs from fastify's default). */
interface MetricsHost {
  readonly graphql: FastifyInstance["graphql"];
  addHook(name: "onResponse", hook: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void): unknown;
}

interface RequestOutcome {
  operation: string;
  outcome: string;
}

/**
 * ihp_gateway_requests_total{operation,outcome}, ihp_gateway_request_seconds{operation} and
 * ihp_gateway_subscriptions (live GraphQL subscriptions, read at scrape time). The outcome is "ok" or the public
 * code of the first error (SERVICE_UNAVAILABLE, ROLE_NOT_ALLOWED…); a request refused before execution (parse,
 * validation, limits, authentication at the door) counts as operation "none" with outcome "not_executed".
 */
export function gatewayMetrics(
  app: MetricsHost,
  options: { readonly registry: MetricsRegistry; readonly catalog: ErrorCatalog; readonly path: string; readonly operationName: (request: FastifyRequest) => string | undefined },
): void {
  const { registry, catalog } = options;
  const requests = sharedCounter(registry, { name: "ihp_gateway_requests_total", help: "GraphQL requests by operation and outcome", labelNames: ["operation", "outcome"] });
  const seconds = sharedHistogram(registry, {
    name: "ihp_gateway_request_seconds",
    help: "GraphQL request duration in seconds, by operation",
    labelNames: ["operation"],
    buckets: LATENCY_BUCKETS,
  });
  const live = new Map<object, Set<string | number>>();
  scrapeGauge(registry, { name: "ihp_gateway_subscriptions", help: "GraphQL subscriptions currently open", labelNames: [] }).watch(() => [
    { labels: {}, value: [...live.values()].reduce((sum, ids) => sum + ids.size, 0) },
  ]);
  const outcomes = new WeakMap<FastifyRequest, RequestOutcome>();

  app.graphql.addHook("preExecution", (_schema, document, context) => {
    const request = context.reply.request;
    outcomes.set(request, { operation: operationLabel(document, options.operationName(request)), outcome: "ok" });
  });
  app.graphql.addHook("onResolution", (execution, context) => {
    const recorded = outcomes.get(context.reply.request);
    const first: GraphQLError | undefined = execution.errors?.[0];
    if (recorded !== undefined && first !== undefined) recorded.outcome = outcomeOf(first, catalog);
    return Promise.resolve();
  });
  app.addHook("onResponse", (request, reply, done) => {
    if (request.url.split("?")[0] === options.path) {
      const recorded = outcomes.get(request) ?? { operation: "none", outcome: "not_executed" };
      requests.inc(recorded);
      seconds.observe({ operation: recorded.operation }, reply.elapsedTime / 1_000);
    }
    done();
  });

  app.graphql.addHook("preSubscriptionExecution", (_schema, _document, context, id) => {
    const ids = live.get(context) ?? new Set();
    ids.add(id);
    live.set(context, ids);
    return Promise.resolve();
  });
  app.graphql.addHook("onSubscriptionEnd", (context, id) => {
    live.get(context)?.delete(id);
    return Promise.resolve();
  });
  app.graphql.addHook("onSubscriptionConnectionClose", (context) => {
    live.delete(context);
    return Promise.resolve();
  });
}

function outcomeOf(error: GraphQLError, catalog: ErrorCatalog): string {
  const code = error.extensions["code"];
  if (typeof code === "string") return code;
  return describePublic(error.originalError ?? error, catalog).code;
}
