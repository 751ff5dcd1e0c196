import { once } from "node:events";
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  status,
} from "@grpc/grpc-js";
import { type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { Logger } from "pino";
import { authenticateCall } from "../auth/grpcAuth.js";
import type { Principal } from "../auth/principal.js";
import type { PrincipalResolver } from "../auth/tokenVerifier.js";
import { readErrorDetail } from "../errors/errorDetailTrailer.js";
import { toGrpcError } from "../errors/toGrpcError.js";
import type { GrpcMetrics } from "../metrics/grpcMetrics.js";
import { extractTraceContext } from "../tracing/propagation.js";
import { outgoingMetadata } from "./callOptions.js";

// The parts of a server call (unary or streaming) the wrapper uses; grpc-js does not export its common base type.
type ServerSurfaceCall = Pick<
  ServerUnaryCall<unknown, unknown>,
  "metadata" | "cancelled" | "getPath" | "getDeadline" | "once" | "off"
>;

export interface GrpcHandlerOptions {
  readonly logger: Logger;
  /** Verifies the bearer token of every call made through `unary` and `serverStream`. */
  readonly verifier: PrincipalResolver;
  readonly metrics?: GrpcMetrics | undefined;
  /** Defaults to the global API's tracer (a no-op until startTracing ran). */
  readonly tracer?: Tracer | undefined;
}

/** What a handler knows about the call it serves. */
export interface PublicCallContext {
  /** Full method path, e.g. /ihp.consult.v1.ConsultService/StartConsult. */
  readonly method: string;
  readonly metadata: Metadata;
  /** Aborted when the client cancels or the deadline passes: stop work that nobody will read. */
  readonly signal: AbortSignal;
  readonly deadline: Date | undefined;
  /** Metadata for a downstream call: the caller's token, if any, and the current trace context. */
  outgoing(): Metadata;
}

export interface CallContext extends PublicCallContext {
  readonly principal: Principal;
  readonly token: string;
}

export interface GrpcHandlers {
  /** An authenticated unary handler: the token is verified before `handle` runs; a refusal is UNAUTHENTICATED. */
  unary<Req, Res>(handle: (request: Req, call: CallContext) => Promise<Res>): handleUnaryCall<Req, Res>;
  /** A unary handler open to callers without a token, e.g. the public price list (XC-06). Use sparingly. */
  publicUnary<Req, Res>(handle: (request: Req, call: PublicCallContext) => Promise<Res>): handleUnaryCall<Req, Res>;
  /** An authenticated server-streaming handler; `send` waits when the client reads slower than we write. */
  serverStream<Req, Res>(
    handle: (request: Req, call: CallContext, send: (message: Res) => Promise<void>) => Promise<void>,
  ): handleServerStreamingCall<Req, Res>;
}

/**
 * Wraps service handlers with what every call needs, in one place: a server span continuing the caller's trace,
 * token verification, a deadline- and cancellation-aware signal, metrics, and the error translation of ARCHITECTURE
 * §7 — refusals reach the caller with their stable code, anything else as INTERNAL, logged once with the trace id.
 */
export function createGrpcHandlers(options: GrpcHandlerOptions): GrpcHandlers {
  const tracer = options.tracer ?? trace.getTracer("@ihp/platform");
  // Span name and attributes of each method path, made once (the SDK copies attributes into its span).
  const spans = new Map<string, { readonly name: string; readonly attributes: Readonly<Record<string, string>> }>();
  const spanOf = (method: string) => {
    let span = spans.get(method);
    if (span === undefined) {
      const name = method.replace(/^\//, "");
      const [service = "", rpc = ""] = name.split("/");
      span = { name, attributes: Object.freeze({ "rpc.system": "grpc", "rpc.service": service, "rpc.method": rpc }) };
      // Only registered methods reach a handler, so the map holds the service's own methods.
      spans.set(method, span);
    }
    return span;
  };

  async function run(
    call: ServerSurfaceCall,
    authenticated: boolean,
    body: (ctx: CallContext | PublicCallContext) => Promise<void>,
    fail: (error: ReturnType<typeof toGrpcError>) => void,
  ): Promise<void> {
    const method = call.getPath();
    const started = process.hrtime.bigint();
    const parent = extractTraceContext(call.metadata);
    const { name, attributes } = spanOf(method);
    await tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      const aborter = new AbortController();
      const abort = (): void => aborter.abort(new Error("call cancelled or deadline exceeded"));
      call.once("cancelled", abort);
      let code: status = status.OK;
      try {
        if (authenticated) {
          const { principal, token } = await authenticateCall(call.metadata, options.verifier);
          await body({ ...publicContext(call, method, aborter.signal, token), principal, token });
        } else {
          await body(publicContext(call, method, aborter.signal, undefined));
        }
      } catch (error) {
        const grpcError = toGrpcError(error);
        code = grpcError.code;
        if (call.cancelled) {
          // Typically the handler noticing its aborted signal: nobody is listening, and it is not a fault.
          options.logger.debug({ method }, "gRPC call cancelled");
        } else {
          report(options.logger, span, method, error, grpcError);
          fail(grpcError);
        }
      } finally {
        call.off("cancelled", abort);
        // The client has gone (cancelled, or its deadline passed); whatever we produced was not delivered.
        if (call.cancelled) code = status.CANCELLED;
        span.setAttribute("rpc.grpc.status_code", code);
        span.end();
        options.metrics?.observe(method, code, Number(process.hrtime.bigint() - started) / 1e9);
      }
    });
  }

  // run() handles every error itself; this is the net for a fault in the wrapper (tracer, metrics), so that the call
  // still ends instead of hanging and the rejection is not left unhandled.
  function guarded(call: ServerSurfaceCall, attempt: Promise<void>, fail: (error: ReturnType<typeof toGrpcError>) => void): void {
    attempt.catch((error: unknown) => {
      options.logger.error({ err: error, method: call.getPath() }, "gRPC handler wrapper failed");
      if (!call.cancelled) fail(toGrpcError(error));
    });
  }

  function unaryHandler<Req, Res>(
    authenticated: boolean,
    handle: (request: Req, call: CallContext) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const fail = (error: ReturnType<typeof toGrpcError>): void => callback(error);
      const body = async (ctx: CallContext | PublicCallContext): Promise<void> => {
        const response = await handle(call.request, ctx as CallContext);
        callback(null, response);
      };
      guarded(call, run(call, authenticated, body, fail), fail);
    };
  }

  return {
    unary: (handle) => unaryHandler(true, handle),
    publicUnary: (handle) => unaryHandler(false, handle),
    serverStream<Req, Res>(
      handle: (request: Req, call: CallContext, send: (message: Res) => Promise<void>) => Promise<void>,
    ): handleServerStreamingCall<Req, Res> {
      return (call) => {
        // grpc-js ends a server stream with a status when 'error' is emitted on it.
        const fail = (error: ReturnType<typeof toGrpcError>): void => void call.emit("error", error);
        const body = async (ctx: CallContext | PublicCallContext): Promise<void> => {
          await handle(call.request, ctx as CallContext, (message) => send(call, message, ctx.signal));
          call.end();
        };
        guarded(call, run(call, true, body, fail), fail);
      };
    },
  };
}

async function send<Req, Res>(call: ServerWritableStream<Req, Res>, message: Res, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (!call.write(message)) await once(call, "drain", { signal });
}

function publicContext(
  call: ServerSurfaceCall,
  method: string,
  signal: AbortSignal,
  token: string | undefined,
): PublicCallContext {
  const raw = call.getDeadline();
  const deadline = raw instanceof Date ? raw : Number.isFinite(raw) ? new Date(raw) : undefined;
  return {
    method,
    metadata: call.metadata,
    signal,
    deadline,
    outgoing: () => outgoingMetadata({ token }),
  };
}

// Refusals are expected outcomes, logged by code only; faults are logged once, in full, with the trace id (the log
// mixin adds it from the active span). Span status follows OpenTelemetry's rule for gRPC servers.
function report(
  logger: Logger,
  span: Span,
  method: string,
  error: unknown,
  grpcError: ReturnType<typeof toGrpcError>,
): void {
  const code = readErrorDetail(grpcError.metadata)?.code ?? "INTERNAL";
  if (grpcError.code === status.INTERNAL) {
    logger.error({ err: error, method }, "gRPC handler failed");
    // No recordException: exception texts may hold personal data; the log line, found by trace id, has the detail.
    span.setStatus({ code: SpanStatusCode.ERROR, message: "INTERNAL" });
    return;
  }
  logger.info({ method, code, status: status[grpcError.code] }, "gRPC call refused");
  if (grpcError.code === status.UNAVAILABLE || grpcError.code === status.DEADLINE_EXCEEDED) {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.setAttribute("ihp.error.code", code);
}
