// @ihp/platform: the service kit every service and the gateway share. Exports are listed, never re-exported wholesale.

// config
export { baseConfigSchema, baseConfigShape, serviceConfigSchema } from "./config/baseConfig.js";
export type { BaseConfig } from "./config/baseConfig.js";
export { ConfigError, requiredUnless } from "./config/configError.js";
export type { ConfigProblem } from "./config/configError.js";
export { loadConfig } from "./config/loadConfig.js";
export type { Environment } from "./config/loadConfig.js";

// logging
export { createLogger } from "./logging/createLogger.js";
export type { LoggerOptions, LogLevel } from "./logging/createLogger.js";
export { maskText, maskValue, REDACTED } from "./logging/maskValue.js";
export { isSensitiveKey } from "./logging/sensitiveKeys.js";
export type { Logger } from "pino";

// tracing
export { extractTraceContext, injectTraceContext, remoteTraceContext, traceFields, traceIdOf } from "./tracing/propagation.js";
export type { TraceCarrier, TraceFields } from "./tracing/propagation.js";
export { startTracing } from "./tracing/startTracing.js";
export type { Tracing, TracingOptions } from "./tracing/startTracing.js";

// metrics
export { createGrpcMetrics } from "./metrics/grpcMetrics.js";
export type { GrpcMetrics, GrpcSide } from "./metrics/grpcMetrics.js";
export { metricsHandler, serveMetrics } from "./metrics/metricsHandler.js";
export type { MetricsServer } from "./metrics/metricsHandler.js";
export { createMetricsRegistry } from "./metrics/metricsRegistry.js";
export { mergedMetrics } from "./metrics/mergedMetrics.js";
export type { MetricsSource } from "./metrics/mergedMetrics.js";
export { LATENCY_BUCKETS, scrapeGauge, sharedCounter, sharedHistogram } from "./metrics/scrapeMetrics.js";
export type { GaugeSample, GaugeSource } from "./metrics/scrapeMetrics.js";
export type { MetricsRegistry, MetricsRegistryOptions } from "./metrics/metricsRegistry.js";

// errors
export { AuthenticationError } from "./errors/authenticationError.js";
export type { AuthenticationFailure } from "./errors/authenticationError.js";
export { ERROR_DETAIL_TRAILER, readErrorDetail } from "./errors/errorDetailTrailer.js";
export { fromGrpcError } from "./errors/fromGrpcError.js";
export { isDomainErrorKind, kindForStatus, statusForKind } from "./errors/grpcStatus.js";
export type { ErrorKind } from "./errors/grpcStatus.js";
export {
  createErrorCatalog,
  describeError,
  invalidCursor,
  isPlatformErrorCode,
  PLATFORM_ERRORS,
} from "./errors/platformErrors.js";
export type { ErrorDescription, PlatformErrorCode } from "./errors/platformErrors.js";
export { RemoteError } from "./errors/remoteError.js";
export { isUnexpectedError, toGrpcError } from "./errors/toGrpcError.js";

// auth
export { authorize, denialError } from "./auth/authorize.js";
export { requireHuman } from "./auth/humanPrincipal.js";
export type { Decision, DenyReason, Requirement } from "./auth/authorize.js";
export { BuiltinIssuer, defaultIssuerKeyFile, TOKEN_ALGORITHM } from "./auth/builtinIssuer.js";
export type { BuiltinIssuerOptions, TokenRequest } from "./auth/builtinIssuer.js";
export { CLAIMS, principalFromClaims } from "./auth/claims.js";
export { authenticateCall, bearerToken, withBearerToken } from "./auth/grpcAuth.js";
export type { AuthenticatedCall } from "./auth/grpcAuth.js";
export { CLINICAL_ROLES, defaultKindOf, isHumanClinician, isRole, ROLES, SERVICE_ROLES } from "./auth/principal.js";
export type { Principal, PrincipalKind, Role } from "./auth/principal.js";
export { TokenVerifier } from "./auth/tokenVerifier.js";
export type { PrincipalResolver, RemoteJwksOptions, TokenVerifierOptions } from "./auth/tokenVerifier.js";
export { BUILTIN_AUDIENCE, BUILTIN_ISSUER, openBuiltinIssuer, verifierFromConfig } from "./auth/verifierFromConfig.js";
export { serviceTokenGetter, serviceTokenSource } from "./auth/serviceTokens.js";
export type { ServiceTokenSource } from "./auth/serviceTokens.js";

// gRPC
export { callDeadline, outgoingMetadata } from "./grpc/callOptions.js";
export { CORRELATION_HEADER, correlationIdOf } from "./grpc/correlation.js";
export { channelCredentials, serverCredentials } from "./grpc/credentials.js";
export { enableInProcessTransport, inProcessChannel, inProcessClientOptions } from "./grpc/inProcess.js";
export type { TlsFiles } from "./grpc/credentials.js";
export { serviceClient } from "./grpc/serviceClient.js";
export type { CallScope, OwnedServiceClient, ServiceClient, ServiceClientOptions } from "./grpc/serviceClient.js";
export { createGrpcHandlers } from "./grpc/grpcHandlers.js";
export type { CallContext, GrpcHandlerOptions, GrpcHandlers, PublicCallContext } from "./grpc/grpcHandlers.js";
export { HealthService, OVERALL, watchHealth } from "./grpc/healthService.js";
export type { HealthProbe, HealthState } from "./grpc/healthService.js";
export { serveGrpc, serviceName } from "./grpc/serveGrpc.js";
export type { GrpcServiceBinding, RunningGrpcServer, ServeGrpcOptions } from "./grpc/serveGrpc.js";

// lifecycle
export { createLifecycle } from "./lifecycle/createLifecycle.js";
export type { Component, Lifecycle, LifecycleOptions, SignalTarget, StopOutcome } from "./lifecycle/createLifecycle.js";

// audit
export { ACCESS_RECORDED, ACCESS_REFUSED, ANONYMOUS, auditStreamId, createAuditTrail } from "./audit/auditTrail.js";
export { createAuditQuery, LIST_AUDIT_RECORDS, MAX_RANGE_DAYS } from "./audit/auditQuery.js";
export type { AuditFilter, AuditPage, AuditQuery, AuditQueryCaller, AuditQueryOptions, AuditRecordOutcome, AuditRecordView } from "./audit/auditQuery.js";
export { auditServiceBinding } from "./audit/auditService.js";
export type { AuditServiceOptions } from "./audit/auditService.js";
export { isRefusal, recordingRefusals } from "./audit/recordingRefusals.js";
export type { RefusedCaller } from "./audit/recordingRefusals.js";
export type { AuditTrail, AuditTrailOptions, RecordedAccess, RefusedAttempt } from "./audit/auditTrail.js";
export { eventStoreKind, openEventStore } from "./eventStore/openEventStore.js";
export type { EventStoreSettings } from "./eventStore/openEventStore.js";
