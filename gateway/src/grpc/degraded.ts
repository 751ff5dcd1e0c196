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
export function whenDown(backend: BackendName): (error: Error) => Error {
  return (error) => (isBackendDown(error) ? new GatewayError("SERVICE_UNAVAILABLE", { context: backend, cause: error }) : error);
}
