import { Metadata } from "@grpc/grpc-js";
import { readErrorDetail } from "./errorDetailTrailer.js";
import { kindForStatus } from "./grpcStatus.js";
import { describeError } from "./platformErrors.js";
import { RemoteError } from "./remoteError.js";

interface StatusLike {
  readonly code: number;
  readonly metadata?: unknown;
}

function isStatusLike(error: unknown): error is StatusLike {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "number";
}

/**
 * Reads a client-side call failure. The code and message come only from the ihp-error-bin detail a platform server
 * wrote; a bare status (a proxy, another server, the transport) gets the platform's generic code for its kind, and
 * its `details` text is dropped because nobody vetted it for users.
 */
export function fromGrpcError(error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  if (!isStatusLike(error)) {
    return new RemoteError("INTERNAL", "INTERNAL", describeError("INTERNAL").en, undefined, 13);
  }
  const kind = kindForStatus(error.code);
  const detail = error.metadata instanceof Metadata ? readErrorDetail(error.metadata) : undefined;
  if (detail !== undefined && kind !== "INTERNAL") {
    return new RemoteError(detail.code, kind, detail.message, detail.ruleId === "" ? undefined : detail.ruleId, error.code);
  }
  return new RemoteError(kind, kind, describeError(kind).en, undefined, error.code);
}
