import { describeError } from "./platformErrors.js";

/** Why a caller could not be authenticated. Stable codes, documented in ERRORS.md. */
export type AuthenticationFailure =
  | "TOKEN_MISSING"
  | "TOKEN_MALFORMED"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_SIGNATURE_INVALID"
  | "TOKEN_ALGORITHM_NOT_ALLOWED"
  | "TOKEN_CLAIMS_INVALID"
  | "AUTH_UNAVAILABLE";

/**
 * The caller's token was refused (gRPC UNAUTHENTICATED), or the keys to check it could not be fetched
 * (AUTH_UNAVAILABLE → UNAVAILABLE). The message is the public text; the library's reason stays in `cause`, for
 * logs only.
 */
export class AuthenticationError extends Error {
  override readonly name = "AuthenticationError";
  constructor(
    readonly code: AuthenticationFailure,
    options?: { cause?: unknown },
  ) {
    super(describeError(code).en, options);
  }
}
