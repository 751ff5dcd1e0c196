import { type ServiceError, status } from "@grpc/grpc-js";
import { isDomainError } from "@ihp/eventsourcing";
import { AuthenticationError } from "./authenticationError.js";
import { errorDetailMetadata } from "./errorDetailTrailer.js";
import { fromGrpcError } from "./fromGrpcError.js";
import { statusForKind } from "./grpcStatus.js";
import { describeError } from "./platformErrors.js";
import { RemoteError } from "./remoteError.js";

function isServiceError(error: unknown): boolean {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === "number" &&
    typeof (error as { details?: unknown }).details === "string"
  );
}

/** Whether toGrpcError will report this error as INTERNAL, i.e. whether it is a fault to log rather than a refusal. */
export function isUnexpectedError(error: unknown): boolean {
  return toGrpcError(error).code === status.INTERNAL;
}

/**
 * The one translation from a thrown error to what a gRPC caller receives: the status for its kind, the public
 * message as details and the stable code in the ihp-error-bin trailer. Anything unrecognised becomes INTERNAL with a
 * generic message, so no stack, SQL or personal data reaches a caller.
 */
export function toGrpcError(error: unknown): ServiceError {
  if (isDomainError(error)) {
    return serviceError(statusForKind(error.kind), error.code, error.message, error.ruleId);
  }
  if (error instanceof AuthenticationError) {
    const code = error.code === "AUTH_UNAVAILABLE" ? status.UNAVAILABLE : status.UNAUTHENTICATED;
    return serviceError(code, error.code, error.message, undefined);
  }
  if (error instanceof RemoteError || isServiceError(error)) {
    const remote = fromGrpcError(error);
    if (remote.kind !== "INTERNAL") return serviceError(remote.status, remote.code, remote.message, remote.ruleId);
  }
  return serviceError(status.INTERNAL, "INTERNAL", describeError("INTERNAL").en, undefined);
}

function serviceError(code: status, stableCode: string, message: string, ruleId: string | undefined): ServiceError {
  const metadata = errorDetailMetadata({ code: stableCode, message, ruleId: ruleId ?? "" });
  return Object.assign(new Error(message), { code, details: message, metadata });
}
