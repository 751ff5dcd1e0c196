import { EventEmitter } from "node:events";
import {
  type ChannelInterface as Channel,
  connectivityState,
  Metadata,
  type MethodDefinition,
  type ServiceDefinition,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { Deadlines } from "./deadlines.js";

/**
 * The embedded mode's in-process transport (issue 15 item 3): a grpc-js Channel that hands a call straight to the
 * handler a server in the same process registered for that method — no HTTP/2, no socket, no TLS. Clients stay the
 * ordinary generated ones (`new XClient(target, credentials, { channelOverride })`), handlers stay the ordinary ones,
 * and every message still crosses as protobuf bytes, so what a handler sees is what it would see over the network:
 * a fresh decoded request, the call's metadata (a copy), its path and deadline, cancellation. The distributed mode
 * keeps real gRPC; tests/contracts run the same calls both ways. The platform's own client (serviceClient) hands its
 * unary calls to the channel directly (`inProcessUnary`), past grpc-js's client stack, with the same outcomes.
 *
 * `serveGrpc` registers every server it binds under its address; `inProcessChannel(address)` answers the channel of
 * the server at that address in this process, or undefined when there is none (then the caller dials it).
 */

type Handler = (...args: never[]) => void;
interface Route {
  readonly method: MethodDefinition<unknown, unknown>;
  readonly handler: Handler;
}

const servers = new Map<string, Map<string, Route>>();

/** Called by serveGrpc for each bound server (and on stop, with `undefined`). */
export function registerInProcess(address: string, services: readonly (readonly [ServiceDefinition, UntypedServiceImplementation])[] | undefined): void {
  if (services === undefined) {
    servers.delete(address);
    return;
  }
  const routes = new Map<string, Route>();
  for (const [definition, implementation] of services) {
    for (const [name, method] of Object.entries(definition)) {
      const handler = implementation[name];
      if (handler !== undefined && !method.requestStream) routes.set(method.path, { method, handler: handler as Handler });
    }
  }
  servers.set(address, routes);
}

let enabled = false;

/**
 * The embedded runner's switch (its composition root): from then on, clients built with `inProcessClientOptions`
 * call servers of this process in process. Off by default, so a service process never changes transport by itself.
 * Answers the setting it replaced, for the runner to put back when it stops.
 */
export function enableInProcessTransport(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Client constructor options for `address`: its in-process channel when switched on and its server runs here. */
export function inProcessClientOptions(address: string): { channelOverride?: Channel } {
  const channel = enabled ? inProcessChannel(address) : undefined;
  return channel === undefined ? {} : { channelOverride: channel };
}

/** The in-process channel of the server bound at `address` in this process, if there is one. */
export function inProcessChannel(address: string): Channel | undefined {
  const routes = servers.get(address);
  return routes === undefined ? undefined : new InProcessChannel(address, routes);
}

type Listener = Parameters<ReturnType<Channel["createCall"]>["start"]>[1];
type GrpcStatus = { code: number; details: string; metadata: Metadata };
type CallError = { code?: number; details?: string; message?: string; metadata?: Metadata };

let callNumber = 0;
const deadlines = new Deadlines();

/**
 * serviceClient's unary call on an in-process channel, or undefined for any other channel. It skips grpc-js's client
 * stack (interceptors, call emitter, a captured caller stack per call) and drives the same call half, with the same
 * outcomes: the request serialized and decoded afresh for the handler, its deadline and the status the handler (or
 * the deadline) gave, as a ServiceError-shaped Error (code, details, metadata, "<code> <NAME>: <details>") passed
 * through `mapError`. The metadata must be the call's own (built for it and not kept): the handler gets it without a
 * further copy.
 */
export function inProcessUnary(channel: Channel): InProcessChannel["unary"] | undefined {
  return channel instanceof InProcessChannel ? channel.unary : undefined;
}

class InProcessChannel implements Channel {
  constructor(
    private readonly address: string,
    private readonly routes: Map<string, Route>,
  ) {}

  close(): void {}
  getTarget(): string {
    return this.address;
  }
  getConnectivityState(): ReturnType<Channel["getConnectivityState"]> {
    return servers.has(this.address) ? connectivityState.READY : connectivityState.SHUTDOWN;
  }
  watchConnectivityState(current: ReturnType<Channel["getConnectivityState"]>, _deadline: Date | number, callback: (error?: Error) => void): void {
    if (this.getConnectivityState() !== current) setImmediate(callback);
  }
  getChannelzRef(): ReturnType<Channel["getChannelzRef"]> {
    return { kind: "channel", id: 0, name: `in-process:${this.address}` } as ReturnType<Channel["getChannelzRef"]>;
  }
  createCall(path: string, deadline: Date | number): InProcessCall {
    const route = servers.has(this.address) ? (this.routes.get(path) ?? "unimplemented") : "stopped";
    return new InProcessCall(route, path, deadline);
  }

  /** See inProcessUnary; what grpc-js's makeUnaryRequest and its interceptors would do, for one unary call. */
  readonly unary = <Req, Res>(
    method: MethodDefinition<Req, Res>,
    request: Req,
    metadata: Metadata,
    deadline: Date | number,
    mapError: (error: Error) => Error,
  ): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      const call = this.createCall(method.path, deadline);
      call.start(metadata, new UnaryListener(call, method, resolve, reject, mapError), false);
      let bytes: Buffer;
      try {
        bytes = method.requestSerialize(request);
      } catch (error) {
        call.cancelWithStatus(status.INTERNAL, `Request message serialization failure: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      call.sendMessageWithContext({}, bytes);
      call.halfClose();
      call.startRead();
    });
}

/** The client side of inProcessUnary: one response message, then the status settles the promise. */
class UnaryListener<Res> implements Listener {
  private response: { value: Res } | undefined;
  private readError: GrpcStatus | undefined;

  constructor(
    private readonly call: InProcessCall,
    private readonly method: Pick<MethodDefinition<unknown, Res>, "responseDeserialize">,
    private readonly resolve: (response: Res) => void,
    private readonly reject: (error: Error) => void,
    private readonly mapError: (error: Error) => Error,
  ) {}

  onReceiveMetadata(): void {}
  onReceiveMessage(bytes: Buffer): void {
    if (this.response !== undefined) {
      this.call.cancelWithStatus(status.UNIMPLEMENTED, "Too many responses received");
      return;
    }
    try {
      this.response = { value: this.method.responseDeserialize(bytes) };
    } catch (error) {
      const details = `Response message parsing error: ${error instanceof Error ? error.message : String(error)}`;
      this.readError = { code: status.INTERNAL, details, metadata: new Metadata() };
      this.call.cancelWithStatus(status.INTERNAL, details);
    }
  }
  onReceiveStatus(result: GrpcStatus): void {
    const final = this.readError ?? result;
    if (final.code !== (status.OK as number)) this.reject(this.mapError(serviceError(final)));
    else if (this.response === undefined) this.reject(this.mapError(serviceError({ code: status.UNIMPLEMENTED, details: "No message received", metadata: final.metadata })));
    else this.resolve(this.response.value);
  }
}

/** The error grpc-js's client gives for a status (callErrorFromStatus), without the caller's stack. */
function serviceError(result: GrpcStatus): Error {
  return Object.assign(new Error(`${result.code} ${status[result.code]}: ${result.details}`), result);
}

/** The client half of one call; `server` is the handler's half. */
class InProcessCall {
  private listener: Listener | undefined;
  private metadata: Metadata | undefined;
  private request: Buffer | undefined;
  private readonly inbox: Buffer[] = [];
  private reads = 0;
  private finalStatus: GrpcStatus | undefined;
  private done = false;
  private server: ServerCall | undefined;
  /** The deadline in ms since the epoch (Infinity for none), watched by `deadlines` from start to status. */
  deadlineAt = Number.POSITIVE_INFINITY;
  private readonly number = ++callNumber;

  constructor(
    private readonly route: Route | "unimplemented" | "stopped",
    private readonly path: string,
    private readonly deadline: Date | number,
  ) {}

  /** `copy` false: the metadata is the call's own (inProcessUnary), handed to the handler as it is. */
  start(metadata: Metadata, listener: Listener, copy = true): void {
    this.metadata = copy ? metadata.clone() : metadata;
    this.listener = listener;
    const at = this.deadline instanceof Date ? this.deadline.getTime() : this.deadline;
    if (Number.isFinite(at)) {
      this.deadlineAt = at;
      deadlines.watch(this);
    }
  }
  sendMessageWithContext(context: { callback?: (error?: Error | null) => void }, message: Buffer): void {
    this.request = message;
    if (context.callback !== undefined) setImmediate(context.callback);
  }
  halfClose(): void {
    // Dispatched on the next turn, as a network call would be: the caller finishes its synchronous work first.
    setImmediate(() => this.dispatch());
  }
  startRead(): void {
    this.reads += 1;
    this.flush();
  }
  cancelWithStatus(code: number, details: string): void {
    if (this.done) return;
    this.server?.cancel();
    this.finish({ code, details, metadata: new Metadata() }, true);
  }
  /** Called by `deadlines` once the deadline has passed. */
  expire(): void {
    this.cancelWithStatus(status.DEADLINE_EXCEEDED, "Deadline exceeded");
  }
  getPeer(): string {
    return "in-process";
  }
  getCallNumber(): number {
    return this.number;
  }
  setCredentials(): void {}
  getAuthContext(): null {
    return null;
  }

  /** Called by the server half. */
  receive(message: Buffer): void {
    this.inbox.push(message);
    this.flush();
  }
  end(result: GrpcStatus): void {
    this.finish(result, false);
  }
  /** Messages written and not yet read by the client. */
  get backlog(): number {
    return this.inbox.length;
  }

  private dispatch(): void {
    if (this.done) return;
    // A stopped server is unreachable, as a refused connection would be.
    if (this.route === "stopped") return this.finish({ code: status.UNAVAILABLE, details: "The server is not running", metadata: new Metadata() }, true);
    if (this.route === "unimplemented") {
      return this.finish({ code: status.UNIMPLEMENTED, details: `The server does not implement the method ${this.path}`, metadata: new Metadata() }, true);
    }
    const { method, handler } = this.route;
    let request: unknown;
    try {
      request = method.requestDeserialize(this.request ?? Buffer.alloc(0));
    } catch {
      this.finish({ code: status.INTERNAL, details: "Request message parsing error", metadata: new Metadata() }, true);
      return;
    }
    this.listener?.onReceiveMetadata(new Metadata());
    const server = new ServerCall(this, method, request, this.metadata!, this.path, this.deadline);
    this.server = server;
    if (method.responseStream) (handler as (call: ServerCall) => void)(server);
    else {
      (handler as (call: ServerCall, callback: (error: CallError | null, response?: unknown, trailer?: Metadata) => void) => void)(server, (error, response, trailer) =>
        server.answer(error, response, trailer),
      );
    }
  }

  /** One message per read the client asked for; the status once every message was read. */
  private flush(): void {
    while (this.reads > 0 && this.inbox.length > 0 && this.listener !== undefined) {
      this.reads -= 1;
      this.listener.onReceiveMessage(this.inbox.shift());
      this.server?.drained();
    }
    if (this.finalStatus !== undefined && this.inbox.length === 0 && !this.done) {
      this.done = true;
      if (Number.isFinite(this.deadlineAt)) deadlines.unwatch(this);
      this.listener?.onReceiveStatus(this.finalStatus);
    }
  }

  private finish(result: GrpcStatus, now: boolean): void {
    if (this.finalStatus !== undefined) return;
    if (now) this.inbox.length = 0;
    this.finalStatus = result;
    this.flush();
  }
}


/** The handler's half: what grpc-js gives a unary or server-streaming handler, as far as handlers here use it. */
class ServerCall extends EventEmitter {
  cancelled = false;
  private ended = false;
  private static readonly HIGH_WATER = 16;

  constructor(
    private readonly client: InProcessCall,
    private readonly method: MethodDefinition<unknown, unknown>,
    readonly request: unknown,
    readonly metadata: Metadata,
    private readonly path: string,
    private readonly deadline: Date | number,
  ) {
    super();
    // grpc-js server calls swallow 'error' into the call's status; an unhandled one must not crash the process.
    this.on("error", () => undefined);
  }

  getPath(): string {
    return this.path;
  }
  getDeadline(): Date | number {
    return this.deadline;
  }
  getPeer(): string {
    return "in-process";
  }
  sendMetadata(): void {}

  /** Unary: the handler's callback. */
  answer(error: CallError | null, response: unknown, trailer?: Metadata): void {
    if (this.ended) return;
    if (error !== null && error !== undefined) return this.fail(error);
    this.ended = true;
    this.client.receive(this.method.responseSerialize(response));
    this.client.end({ code: status.OK, details: "OK", metadata: trailer ?? new Metadata() });
  }

  /** Server stream: false asks the handler to wait for 'drain', like a full HTTP/2 window. */
  write(message: unknown): boolean {
    if (this.ended || this.cancelled) return false;
    this.client.receive(this.method.responseSerialize(message));
    return this.client.backlog < ServerCall.HIGH_WATER;
  }
  end(): void {
    if (this.ended || this.cancelled) return;
    this.ended = true;
    this.client.end({ code: status.OK, details: "OK", metadata: new Metadata() });
    this.emit("finish");
  }
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "error" && !this.ended) this.fail(args[0] as CallError);
    return super.emit(event, ...args);
  }

  drained(): void {
    this.emit("drain");
  }
  cancel(): void {
    if (this.ended || this.cancelled) return;
    this.cancelled = true;
    this.emit("cancelled", "cancelled");
  }

  private fail(error: CallError): void {
    this.ended = true;
    const code = typeof error.code === "number" ? error.code : status.UNKNOWN;
    this.client.end({ code, details: error.details ?? error.message ?? "", metadata: error.metadata ?? new Metadata() });
  }
}
