import {
  type ChannelOptions,
  Server,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { serverCredentials, type TlsFiles } from "./credentials.js";
import { type HealthService, OVERALL } from "./healthService.js";

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
  for (const { definition, implementation } of options.services) server.addService(definition, implementation);
  const { health } = options;
  if (health !== undefined) server.addService(health.definition, health.implementation);

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

  let stopping: Promise<void> | undefined;
  return {
    server,
    port,
    stop(graceMs) {
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
