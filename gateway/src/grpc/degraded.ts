import { GatewayError } from "../errors/gatewayError.js";
import type { BackendName } from "./downstream.js";

/** grpc-js status UNAVAILABLE (the gateway does not depend on grpc-js itself). */
const UNAVAILABLE = 14;

interface TransportError {
  readonly code?: unknown;
  readonly metadata?: { get(key: string): unknown[] };
}

/**
 * A backend that does not answer (connection refused, reset, no route): UNAVAILABLE without the service's
 * ihp-error-bin detail. A service that itself answers UNAVAILABLE with a detail keeps its own code.
 */
export function isBackendDown(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, metadata } = error as TransportError;
  return code === UNAVAILABLE && (metadata?.get("ihp-error-bin").length ?? 0) === 0;
}

/** The error middleware of the gateway's clients: a backend that is down is SERVICE_UNAVAILABLE naming it. */
export function whenDown(backend: BackendName): (error: unknown) => unknown {
  return (error) => (isBackendDown(error) ? new GatewayError("SERVICE_UNAVAILABLE", { context: backend, cause: error }) : error);
}

/**
 * Per-context degradation: the client's unary calls fail with SERVICE_UNAVAILABLE naming `backend` when the backend
 * is down, so one context's outage is one stable code on that context's fields while every other context keeps
 * answering. Calls without a trailing callback (server streams, getChannel) pass through untouched.
 */
export function degradeWhenDown<C extends object>(backend: BackendName, client: C): C {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]): unknown => {
        const done = args.at(-1);
        if (typeof done === "function") {
          args[args.length - 1] = (error: unknown, ...rest: unknown[]): unknown =>
            (done as (...results: unknown[]) => unknown)(
              isBackendDown(error) ? new GatewayError("SERVICE_UNAVAILABLE", { context: backend, cause: error }) : error,
              ...rest,
            );
        }
        return method.apply(target, args);
      };
    },
  });
}
