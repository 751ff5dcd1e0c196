import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  OperationTypeNode,
  specifiedRules,
  validate,
  type ValidationRule,
} from "../graphqlJs.js";
import type { Failure } from "../errors/requestFailures.js";
import { GatewayError } from "../errors/gatewayError.js";
import { admitSource } from "../limits/admitSource.js";
import type { Limits } from "../limits/limits.js";

/** The parts of a `ws` WebSocket the guard uses. */
export interface GuardedSocket {
  emit(event: string | symbol, ...args: unknown[]): boolean;
  send(data: string): void;
}

export interface SubscriptionGuard {
  readonly schema: () => GraphQLSchema;
  readonly limits: Limits;
  /** The gateway's validation rules, the same as over HTTP. */
  readonly rules: readonly ValidationRule[];
  readonly format: (failures: readonly Failure[]) => GraphQLFormattedError[];
}

// Client → server "run this operation" messages of graphql-transport-ws and of the legacy graphql-ws protocol.
const OPERATION_MESSAGES = new Set(["subscribe", "start"]);

/**
 * Checks each subscription request on a WebSocket before mercurius sees it, with the same limits, rules and error
 * codes as over HTTP. mercurius parses a subscription query without limits (a deeply nested one overflows the
 * stack in graphql-js's parser) and does not validate it at all, and its error frames carry no code. A refused
 * request gets an `error` frame for its id; everything else passes through untouched.
 *
 * It works by intercepting the socket's "message" events, because mercurius offers no hook before its parse.
 */
export function guardSocket(socket: GuardedSocket, guard: SubscriptionGuard): void {
  const emit = socket.emit.bind(socket);
  socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "message") {
      const refusal = inspect(args[0], guard);
      if (refusal !== undefined) {
        socket.send(JSON.stringify({ type: "error", id: refusal.id, payload: guard.format(refusal.failures) }));
        return true;
      }
    }
    return emit(event, ...args);
  };
}

interface Refusal {
  readonly id: unknown;
  readonly failures: readonly Failure[];
}

interface OperationMessage {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly payload?: { readonly query?: unknown; readonly variables?: unknown; readonly operationName?: unknown };
}

function inspect(data: unknown, guard: SubscriptionGuard): Refusal | undefined {
  const bytes = toBuffer(data);
  if (bytes === undefined) return undefined;
  let message: OperationMessage;
  try {
    message = JSON.parse(bytes.toString("utf8")) as OperationMessage;
  } catch {
    return undefined; // mercurius answers malformed frames itself
  }
  if (typeof message !== "object" || message === null || !OPERATION_MESSAGES.has(message.type as string)) return undefined;
  const refuse = (failures: readonly Failure[]): Refusal => ({ id: message.id, failures });
  if (bytes.byteLength > guard.limits.bodyLimitBytes) {
    return refuse([requestFailure(new GatewayError("PAYLOAD_TOO_LARGE", { limit: guard.limits.bodyLimitBytes }))]);
  }
  const { query, variables, operationName } = message.payload ?? {};
  if (typeof query !== "string") return refuse([requestFailure(new GatewayError("BAD_REQUEST"))]);
  try {
    const document = admitSource(query, guard.limits);
    const schema = guard.schema();
    const errors = validate(schema, document, [...specifiedRules, ...guard.rules]);
    if (errors.length > 0) return refuse(errors.map(locatedFailure));
    const operation = getOperationAST(document, typeof operationName === "string" ? operationName : undefined);
    if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) {
      const detail = new GraphQLError("Only subscriptions are served over WebSocket; send queries and mutations over HTTP.");
      return refuse([requestFailure(new GatewayError("GRAPHQL_VALIDATION_FAILED", { detail }))]);
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], isRecord(variables) ? variables : {});
    if (coerced.errors !== undefined) return refuse(coerced.errors.map(locatedFailure));
    return undefined;
  } catch (error) {
    return refuse([requestFailure(error)]);
  }
}

function requestFailure(cause: unknown): Failure {
  return { phase: "request", located: undefined, cause };
}

function locatedFailure(error: GraphQLError): Failure {
  return { phase: "request", located: error, cause: error.originalError ?? error };
}

function toBuffer(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (Array.isArray(data) && data.every((part) => Buffer.isBuffer(part))) return Buffer.concat(data);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
