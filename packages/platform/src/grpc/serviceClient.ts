import {
  type CallOptions,
  type ChannelCredentials,
  Client,
  type ClientReadableStream,
  type Metadata,
  type MethodDefinition,
  type ServiceDefinition,
} from "@grpc/grpc-js";
import type { Context } from "@opentelemetry/api";
import { callDeadline, outgoingMetadata } from "./callOptions.js";
import { inProcessClientOptions, inProcessUnary } from "./inProcess.js";

/**
 * Who a call is made for and how long it may take — everything a caller passes besides the request. The client's
 * middleware turns it into the call: metadata (token, trace, extra headers) and a deadline on the wire.
 */
export interface CallScope {
  /** The bearer token to forward (services verify it themselves); undefined for an anonymous call. */
  readonly token?: string | undefined;
  /** Trace context to continue; the active context when absent. */
  readonly trace?: Context | undefined;
  /** Deadline from now, in ms. Server streams ignore it: a live stream lasts as long as its reader. */
  readonly timeoutMs?: number | undefined;
  /** The deadline of the call being served: no downstream call outlives the request that caused it. */
  readonly parentDeadline?: Date | undefined;
  /** Further metadata entries (e.g. the signer's token on SignDocument). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

type Unary<Req, Res> = (request: Req, scope: CallScope) => Promise<Res>;
type ServerStream<Req, Res> = (request: Req, scope: CallScope) => AsyncIterableIterator<Res>;

/**
 * A promise-based client typed from the generated definition (ts-proto's `XServiceService`): each unary method is
 * `(request, scope) => Promise<response>`, each server stream an async iterator. A method that no longer exists, or
 * a request of the wrong shape, is a compile error at the call.
 */
export type ServiceClient<S extends ServiceDefinition> = {
  readonly [K in keyof S]: S[K] extends MethodDefinition<infer Req, infer Res>
    ? S[K]["responseStream"] extends true
      ? ServerStream<Req, Res>
      : Unary<Req, Res>
    : never;
};

export interface ServiceClientOptions {
  /**
   * The error middleware: what a failed call throws instead of grpc-js's ServiceError (services turn it into a
   * RemoteError carrying the callee's stable code; the gateway names the context of a backend that is down).
   */
  readonly mapError?: ((error: Error) => Error) | undefined;
  /** A channel to share (all services of one backend ride on one connection). Default: the in-process channel of a
   * server in this process when the embedded transport is on, else a new connection to `address`. */
  readonly channelOverride?: ReturnType<Client["getChannel"]> | undefined;
}

/** A typed client plus the connection it owns. */
export type OwnedServiceClient<S extends ServiceDefinition> = ServiceClient<S> & {
  readonly channel: ReturnType<Client["getChannel"]>;
  close(): void;
};

/** The metadata middleware: what every outgoing call carries (ARCHITECTURE §6 step 1) — a new Metadata per call. */
function callMetadata(scope: CallScope): Metadata {
  const metadata = outgoingMetadata({ token: scope.token, context: scope.trace });
  const { headers } = scope;
  if (headers !== undefined) for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return metadata;
}

/** The deadline middleware: a unary call's deadline (server streams ignore it), never past the parent call's. */
function callOptions(scope: CallScope): CallOptions {
  return scope.timeoutMs === undefined ? NO_OPTIONS : callDeadline(scope.timeoutMs, scope.parentDeadline);
}
const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * One typed, promise-based client of one gRPC service over grpc-js: the only place a call is built, so the
 * middleware (metadata, deadline, errors) is the same for the gateway and for service-to-service calls.
 */
export function serviceClient<S extends ServiceDefinition>(
  definition: S,
  address: string,
  credentials: ChannelCredentials,
  options: ServiceClientOptions = {},
): OwnedServiceClient<S> {
  const channelOptions = options.channelOverride === undefined ? inProcessClientOptions(address) : { channelOverride: options.channelOverride };
  const client = new Client(address, credentials, channelOptions);
  const mapError = options.mapError ?? ((error: Error) => error);
  // The embedded mode's channel takes unary calls directly, past grpc-js's client stack (inProcess.ts).
  const inProcess = inProcessUnary(client.getChannel());
  const methods: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    if (method.requestStream) continue;
    if (method.responseStream) {
      methods[name] = (request: unknown, scope: CallScope) => {
        const call = client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, callMetadata(scope), NO_OPTIONS);
        return streamIterator(call, mapError);
      };
    } else if (inProcess !== undefined) {
      methods[name] = (request: unknown, scope: CallScope) =>
        inProcess(method, request, callMetadata(scope), callOptions(scope).deadline ?? Number.POSITIVE_INFINITY, mapError);
    } else {
      methods[name] = (request: unknown, scope: CallScope) =>
        new Promise((resolve, reject) => {
          client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, callMetadata(scope), callOptions(scope), (error, response) => {
            if (error === null) resolve(response);
            else reject(mapError(error));
          });
        });
    }
  }
  return Object.assign(methods as ServiceClient<S>, { channel: client.getChannel(), close: () => client.close() });
}

/**
 * A server stream as an async iterator: messages in order, the stream's error (mapped) thrown to the reader, and
 * the call cancelled when the reader leaves (`return()`); the CANCELLED that follows is the end, not a failure.
 */
function streamIterator<T>(call: ClientReadableStream<T>, mapError: (error: Error) => Error): AsyncIterableIterator<T> {
  const queue: T[] = [];
  const waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }[] = [];
  let failure: unknown;
  let ended = false;

  const settle = (): void => {
    for (let next = waiting[0]; next !== undefined; next = waiting[0]) {
      if (queue.length > 0) next.resolve({ value: queue.shift() as T, done: false });
      else if (failure !== undefined) next.reject(failure);
      else if (ended) next.resolve({ value: undefined, done: true });
      else return;
      waiting.shift();
    }
  };
  call.on("data", (message: T) => {
    queue.push(message);
    settle();
  });
  call.on("error", (error: Error) => {
    if (!ended) failure = mapError(error);
    settle();
  });
  call.on("end", () => {
    ended = true;
    settle();
  });

  const iterator: AsyncIterableIterator<T> = {
    next: () =>
      new Promise<IteratorResult<T>>((resolve, reject) => {
        waiting.push({ resolve, reject });
        settle();
      }),
    return: () => {
      ended = true;
      call.cancel();
      settle();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
