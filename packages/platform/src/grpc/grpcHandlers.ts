import { once } from "node:events";
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  status,
} from "@grpc/grpc-js";
import { context, type Span, SpanKind, type SpanOptions, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
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
  // Span name and options of each method path, made once (the SDK copies attributes into its span).
  const spans = new Map<string, { readonly name: string; readonly options: SpanOptions }>();
  const spanOf = (method: string) => {
    let span = spans.get(method);
    if (span === undefined) {
      const name = method.replace(/^\//, "");
      const [service = "", rpc = ""] = name.split("/");
      const attributes = Object.freeze({ "rpc.system": "grpc", "rpc.service": service, "rpc.method": rpc });
      span = { name, options: Object.freeze({ kind: SpanKind.SERVER, attributes }) };
      // Only registered methods reach a handler, so the map holds the service's own methods.
      spans.set(method, span);
    }
    return span;
  };

  // One call: a server span continuing the caller's trace, made active for the handler (what startActiveSpan does,
  // without a closure per call). Everything is caught here: the net for a fault in the wrapper itself (tracer,
  // metrics) ends the call instead of leaving it hanging and the rejection unhandled.
  async function serve(call: ServerSurfaceCall, reply: Reply, kind: HandlerKind): Promise<void> {
    try {
      const method = call.getPath();
      const started = process.hrtime.bigint();
      const parent = extractTraceContext(call.metadata);
      const { name, options: spanOptions } = spanOf(method);
      const span = tracer.startSpan(name, spanOptions, parent);
      await context.with(trace.setSpan(parent, span), run, undefined, call, reply, kind, span, method, started);
    } catch (error) {
      options.logger.error({ err: error, method: call.getPath() }, "gRPC handler wrapper failed");
      if (!call.cancelled) kind.fail(reply, call, toGrpcError(error));
    }
  }

  async function run(call: ServerSurfaceCall, reply: Reply, kind: HandlerKind, span: Span, method: string, started: bigint): Promise<void> {
    let served: ServedCall | undefined;
    let code: status = status.OK;
    try {
      if (kind.authenticated) {
        const { principal, token } = await authenticateCall(call.metadata, options.verifier);
        served = new AuthenticatedServedCall(call, method, principal, token);
      } else {
        served = new ServedCall(call, method, undefined);
      }
      await kind.body(reply, call, served);
    } catch (error) {
      const grpcError = toGrpcError(error);
      code = grpcError.code;
      if (call.cancelled) {
        // Typically the handler noticing its aborted signal: nobody is listening, and it is not a fault.
        options.logger.debug({ method }, "gRPC call cancelled");
      } else {
        report(options.logger, span, method, error, grpcError);
        kind.fail(reply, call, grpcError);
      }
    } finally {
      served?.release();
      // The client has gone (cancelled, or its deadline passed); whatever we produced was not delivered.
      if (call.cancelled) code = status.CANCELLED;
      span.setAttribute("rpc.grpc.status_code", code);
      span.end();
      options.metrics?.observe(method, code, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  // The two kinds of handler, made once per method: how the call's answer and failure reach the client.
  const unaryKind = <Req, Res>(authenticated: boolean, handle: (request: Req, call: CallContext) => Promise<Res>): HandlerKind => ({
    authenticated,
    async body(reply, call, served) {
      const response = await handle((call as ServerUnaryCall<Req, Res>).request, served as CallContext);
      (reply as sendUnaryData<Res>)(null, response);
    },
    fail: (reply, _call, error) => (reply as sendUnaryData<unknown>)(error),
  });

  function unaryHandler<Req, Res>(authenticated: boolean, handle: (request: Req, call: CallContext) => Promise<Res>): handleUnaryCall<Req, Res> {
    const kind = unaryKind(authenticated, handle);
    return (call, callback) => void serve(call, callback as Reply, kind);
  }

  return {
    unary: (handle) => unaryHandler(true, handle),
    publicUnary: (handle) => unaryHandler(false, handle),
    serverStream<Req, Res>(
      handle: (request: Req, call: CallContext, send: (message: Res) => Promise<void>) => Promise<void>,
    ): handleServerStreamingCall<Req, Res> {
      const kind: HandlerKind = {
        authenticated: true,
        async body(_reply, call, served) {
          const stream = call as ServerWritableStream<Req, Res>;
          await handle(stream.request, served as CallContext, (message) => send(stream, message, served.signal));
          stream.end();
        },
        // grpc-js ends a server stream with a status when 'error' is emitted on it.
        fail: (_reply, call, error) => void (call as ServerWritableStream<Req, Res>).emit("error", error),
      };
      return (call) => void serve(call, undefined, kind);
    },
  };
}

/** The unary callback, or undefined for a server stream. */
type Reply = sendUnaryData<unknown> | undefined;

interface HandlerKind {
  readonly authenticated: boolean;
  /** Runs the handler and delivers its answer. */
  body(reply: Reply, call: ServerSurfaceCall, served: CallContext | PublicCallContext): Promise<void>;
  /** Ends the call with an error status. */
  fail(reply: Reply, call: ServerSurfaceCall, error: ReturnType<typeof toGrpcError>): void;
}

async function send<Req, Res>(call: ServerWritableStream<Req, Res>, message: Res, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (!call.write(message)) await once(call, "drain", { signal });
}

/**
 * What a handler knows about its call. The signal is made when first asked for (most unary handlers never ask):
 * aborted at once if the call is cancelled by then, else when it is, until the call is over.
 */
class ServedCall implements PublicCallContext {
  readonly metadata: Metadata;
  readonly deadline: Date | undefined;
  private aborter: AbortController | undefined;
  private onCancelled: (() => void) | undefined;
  private over = false;

  constructor(
    private readonly call: ServerSurfaceCall,
    readonly method: string,
    private readonly forwardedToken: string | undefined,
  ) {
    this.metadata = call.metadata;
    const raw = call.getDeadline();
    this.deadline = raw instanceof Date ? raw : Number.isFinite(raw) ? new Date(raw) : undefined;
  }

  get signal(): AbortSignal {
    if (this.aborter === undefined) {
      const aborter = new AbortController();
      this.aborter = aborter;
      const abort = (): void => aborter.abort(new Error("call cancelled or deadline exceeded"));
      if (this.call.cancelled) abort();
      else if (!this.over) {
        this.onCancelled = abort;
        this.call.once("cancelled", abort);
      }
    }
    return this.aborter.signal;
  }

  outgoing(): Metadata {
    return outgoingMetadata({ token: this.forwardedToken });
  }

  /** The call is over: stop listening for its cancellation. */
  release(): void {
    this.over = true;
    if (this.onCancelled !== undefined) this.call.off("cancelled", this.onCancelled);
  }
}

class AuthenticatedServedCall extends ServedCall implements CallContext {
  constructor(
    call: ServerSurfaceCall,
    method: string,
    readonly principal: Principal,
    readonly token: string,
  ) {
    super(call, method, token);
  }
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
