import { isDomainError } from "@ihp/eventsourcing";
import {
  AuthenticationError,
  createErrorCatalog,
  type ErrorDescription,
  type ErrorKind,
  fromGrpcError,
  isPlatformErrorCode,
  RemoteError,
} from "@ihp/platform";
import { GatewayError } from "./gatewayError.js";
import { GATEWAY_ERRORS, gatewayErrorTexts } from "./gatewayErrors.js";

/** What a client may learn about a failure: a stable code and plain texts, never a stack or a server's free text. */
export interface PublicError {
  readonly code: string;
  /** English: the GraphQL `message`. */
  readonly message: string;
  /** Chinese: `extensions.messageZh`, the text to show users. */
  readonly messageZh: string;
  /** HTTP status when the whole request is refused for this reason (field errors keep 200). */
  readonly status: number;
  /** For UNAUTHENTICATED: the precise platform code (TOKEN_EXPIRED, TOKEN_MISSING, …). */
  readonly reason?: string | undefined;
  /** The REQUIREMENTS.md rule a service refusal enforces, e.g. IDN-03. */
  readonly ruleId?: string | undefined;
  readonly limit?: number | undefined;
  /** For SERVICE_UNAVAILABLE: the context whose service does not answer. */
  readonly context?: string | undefined;
  /** A fault rather than a refusal: logged once with the trace id, and the caller learns nothing more. */
  readonly internal: boolean;
}

/** Texts for every code the gateway can return: its own, the platform's and the services' tables. */
export interface ErrorCatalog {
  describe(code: string, fallbackCode?: string): ErrorDescription;
  /** Whether a code has texts of its own (otherwise a service's own English message is used). */
  knows(code: string): boolean;
}

export function createGatewayCatalog(serviceTables: readonly Readonly<Record<string, ErrorDescription>>[] = []): ErrorCatalog {
  const describe = createErrorCatalog(gatewayErrorTexts(), ...serviceTables);
  const known = new Set<string>([...Object.keys(GATEWAY_ERRORS), ...serviceTables.flatMap((table) => Object.keys(table))]);
  return { describe, knows: (code) => known.has(code) || isPlatformErrorCode(code) };
}

// Only reached when a whole request fails for such a reason, which service refusals normally do not (they are field
// errors); kept so that every kind has a sensible status.
const STATUS_BY_KIND: Record<ErrorKind, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 409,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  ABORTED: 409,
  UNAUTHENTICATED: 401,
  DEADLINE_EXCEEDED: 504,
  UNAVAILABLE: 503,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 400,
  INTERNAL: 500,
};

export function internalError(catalog: ErrorCatalog): PublicError {
  const { en, zh } = catalog.describe("INTERNAL");
  return { code: "INTERNAL", message: en, messageZh: zh, status: 500, internal: true };
}

/**
 * THE mapping of ARCHITECTURE §7 on the gateway side: anything a resolver, hook or limit threw → a PublicError.
 * Service refusals arrive as gRPC errors whose ihp-error-bin trailer carries the stable code; authentication
 * failures are reported as UNAUTHENTICATED with the precise reason; anything unrecognised is INTERNAL.
 */
export function describePublic(error: unknown, catalog: ErrorCatalog): PublicError {
  if (error instanceof GatewayError) {
    const { zh } = catalog.describe(error.code);
    // Parse and validation refusals keep graphql-js's English text: it is what a front-end developer needs, and it
    // only quotes the caller's own request back to them.
    const message = error.detail?.message ?? error.message;
    return { code: error.code, message, messageZh: zh, status: error.status, limit: error.limit, context: error.context, internal: false };
  }
  if (error instanceof AuthenticationError) return authenticationFailure(error.code, catalog);
  if (isDomainError(error)) return refusal(error.code, error.kind, error.message, error.ruleId, catalog);
  if (error instanceof RemoteError || isGrpcStatus(error)) {
    const remote = fromGrpcError(error);
    if (remote.kind === "INTERNAL") return internalError(catalog);
    if (remote.kind === "UNAUTHENTICATED") return authenticationFailure(remote.code, catalog);
    return refusal(remote.code, remote.kind, remote.message, remote.ruleId, catalog);
  }
  return internalError(catalog);
}

function authenticationFailure(reason: string, catalog: ErrorCatalog): PublicError {
  const { en, zh } = catalog.describe(reason, "UNAUTHENTICATED");
  // Keys could not be fetched: the token was not judged, so the client should retry rather than sign in again.
  if (reason === "AUTH_UNAVAILABLE") return { code: reason, message: en, messageZh: zh, status: 503, internal: false };
  return { code: "UNAUTHENTICATED", message: en, messageZh: zh, status: 401, reason, internal: false };
}

function refusal(
  code: string,
  kind: ErrorKind,
  serviceMessage: string,
  ruleId: string | undefined,
  catalog: ErrorCatalog,
): PublicError {
  const generic = catalog.describe(kind);
  // A code nobody described for the gateway yet still gets the service's message, which ErrorDetail defines as
  // plain language safe to show; the Chinese text falls back to the generic one of its kind.
  const texts = catalog.knows(code) ? catalog.describe(code, kind) : { en: serviceMessage || generic.en, zh: generic.zh };
  return { code, message: texts.en, messageZh: texts.zh, status: STATUS_BY_KIND[kind], ruleId, internal: false };
}

function isGrpcStatus(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "number" &&
    typeof (error as { details?: unknown }).details === "string"
  );
}
