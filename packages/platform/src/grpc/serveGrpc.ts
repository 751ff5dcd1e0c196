import {
  type ChannelOptions,
  type MethodDefinition,
  Server,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { DomainError } from "@ihp/eventsourcing";
import { PLATFORM_ERRORS } from "../errors/platformErrors.js";
import { toGrpcError } from "../errors/toGrpcError.js";
import { serverCredentials, type TlsFiles } from "./credentials.js";
import { type HealthService, OVERALL } from "./healthService.js";
import { registerInProcess } from "./inProcess.js";

export interface GrpcServiceBinding {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

export interface ServeGrpcOptions {
  /** 0 picks a free port; the bound one is returned. */
  readonly port: number;
  /** "127.0.0.1" (embedded, tests) by default; "0.0.0.0" in a pod. */
  readonly host?: string;
  readonly services: readonly GrpcServiceBinding[];
  /** Registered as grpc.health.v1.Health; every service and the server turn SERVING once bound. */
  readonly health?: HealthService;
  readonly tls?: TlsFiles | undefined;
  readonly channelOptions?: ChannelOptions;
}

export interface RunningGrpcServer {
  readonly server: Server;
  readonly port: number;
  /**
   * Stop accepting, then drain in-flight calls for up to `graceMs` before cancelling what is left. Health turns
   * NOT_SERVING first. Idempotent.
   */
  stop(graceMs: number): Promise<void>;
}

/** Fully qualified service name of a definition, from its method paths (/pkg.Service/Method). */
export function serviceName(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (first === undefined) throw new Error("service definition has no methods");
  return first.path.split("/")[1] ?? "";
}

export async function serveGrpc(options: ServeGrpcOptions): Promise<RunningGrpcServer> {
  const server = new Server(options.channelOptions);
  const { health } = options;
  const bindings = [...options.services, ...(health === undefined ? [] : [health])].map(({ definition, implementation }) => refusingMalformed(definition, implementation));
  for (const binding of bindings) server.addService(...binding);

  const host = options.host ?? "127.0.0.1";
  const address = host.includes(":") ? `[${host}]:${options.port}` : `${host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, serverCredentials(options.tls), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });

  if (health !== undefined) {
    for (const { definition } of options.services) health.setStatus(serviceName(definition), "SERVING");
    health.setStatus(OVERALL, "SERVING");
  }
  // Clients in this process may call it in process (embedded mode, inProcess.ts); plaintext loopback only.
  const inProcessAddress = options.tls === undefined && host === "127.0.0.1" ? `127.0.0.1:${port}` : undefined;
  if (inProcessAddress !== undefined) registerInProcess(inProcessAddress, bindings);

  let stopping: Promise<void> | undefined;
  return {
    server,
    port,
    stop(graceMs) {
      if (inProcessAddress !== undefined) registerInProcess(inProcessAddress, undefined);
      stopping ??= drain(server, health, graceMs);
      return stopping;
    },
  };
}

async function drain(server: Server, health: HealthService | undefined, graceMs: number): Promise<void> {
  health?.shutdown();
  let timer: NodeJS.Timeout | undefined;
  const drained = new Promise<boolean>((resolve) => server.tryShutdown(() => resolve(true)));
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs).unref();
  });
  const clean = await Promise.race([drained, expired]);
  clearTimeout(timer);
  if (!clean) server.forceShutdown();
}

/** Stands in for a request whose bytes did not decode, so that the call can be refused instead of failing. */
const MALFORMED: unique symbol = Symbol("malformed request");

function malformedRequest(): ReturnType<typeof toGrpcError> {
  return toGrpcError(new DomainError("MALFORMED_REQUEST", "INVALID_ARGUMENT", PLATFORM_ERRORS.MALFORMED_REQUEST.en));
}

/**
 * grpc-js answers a request it cannot deserialize with INTERNAL, which reads as our fault and hides a client's bug.
 * The deserializer here never throws: it hands over a marker, and the method answers it with INVALID_ARGUMENT and the
 * stable code MALFORMED_REQUEST before the handler (or token check) runs. Only single-request methods are guarded:
 * a client stream delivers its messages to the handler itself, and no service here has one.
 */
function refusingMalformed(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
): [ServiceDefinition, UntypedServiceImplementation] {
  const guardedDefinition: Record<string, MethodDefinition<unknown, unknown>> = {};
  const guardedImplementation: Record<string, UntypedHandleCall> = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name];
    if (method.requestStream || handler === undefined) {
      guardedDefinition[name] = method;
      if (handler !== undefined) guardedImplementation[name] = handler;
      continue;
    }
    guardedDefinition[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return method.requestDeserialize(bytes);
        } catch {
          return MALFORMED;
        }
      },
    };
    guardedImplementation[name] = method.responseStream
      ? (call: ServerWritableStream<unknown, unknown>): void => {
          if (call.request === MALFORMED) call.emit("error", malformedRequest());
          else (handler as (call: ServerWritableStream<unknown, unknown>) => void)(call);
        }
      : (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
          if (call.request === MALFORMED) callback(malformedRequest());
          else (handler as (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void)(call, callback);
        };
  }
  return [guardedDefinition, guardedImplementation];
}
