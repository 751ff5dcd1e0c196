import { HealthCheckResponse_ServingStatus, HealthServiceDefinition } from "@ihp/contracts";
import { InstitutionServiceService } from "@ihp/contracts/identity";
import { RegulatorFeedServiceService } from "@ihp/contracts/reporting";
import { channelCredentials, inProcessChannel, type OwnedServiceClient, type ServiceClient, serviceClient, serviceName } from "@ihp/platform";
import { GatewayError } from "../errors/gatewayError.js";
import { whenDown } from "./degraded.js";

/** TLS for the gateway's gRPC client channels (XC-05: required in the distributed mode). */
export interface ClientTls {
  readonly caFile: string;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
}

/** The services behind the gateway. identity and reporting are always there; the others when configured. */
export type BackendName = "identity" | "consult" | "prescription" | "pharmacy" | "reporting" | "integration" | "records";
const BACKENDS: readonly BackendName[] = ["identity", "reporting", "consult", "prescription", "pharmacy", "integration", "records"];

/** A generated grpc-js service definition (the gateway does not depend on grpc-js itself). */
type ServiceDefinitionOf = Parameters<typeof serviceClient>[0];

export interface Downstream {
  /**
   * The typed promise client of one of a backend's gRPC services (`XServiceService` from @ihp/contracts), on the
   * backend's one channel, created once. GatewayError SERVICE_NOT_CONFIGURED when the backend has no address; its
   * calls fail with SERVICE_UNAVAILABLE (extensions.context = the backend) while the backend cannot be reached.
   */
  service<S extends ServiceDefinitionOf>(backend: BackendName, definition: S): ServiceClient<S>;
  /** grpc.health.v1 Check of each configured service, on the service's own channel. */
  health(timeoutMs: number): Promise<Partial<Record<BackendName, HealthState>>>;
  /** Closes the channels. */
  close(): void;
}

export type HealthState = "SERVING" | "NOT_SERVING" | "UNREACHABLE";

/** What the health probe asks: identity and reporting by the service the gateway needs most, others as a whole. */
const PROBED: Partial<Record<BackendName, string>> = {
  identity: serviceName(InstitutionServiceService),
  reporting: serviceName(RegulatorFeedServiceService),
};

export function connectDownstream(options: Partial<Record<BackendName, string>> & {
  readonly identity: string;
  readonly reporting: string;
  readonly tls?: ClientTls | undefined;
  /** Call a service whose server runs in this process through its in-process channel (embedded mode). */
  readonly inProcess?: boolean | undefined;
}): Downstream {
  const credentials = channelCredentials(options.tls);
  // One channel per backend, owned by its health client; every service client of the backend rides on it, so
  // readiness reflects the connection the resolvers use.
  const backends = new Map<BackendName, OwnedServiceClient<typeof HealthServiceDefinition>>();
  for (const backend of BACKENDS) {
    const address = options[backend];
    if (address === undefined || address === "") continue;
    const channel = options.inProcess === true ? inProcessChannel(address) : undefined;
    backends.set(backend, serviceClient(HealthServiceDefinition, address, credentials, { channelOverride: channel, mapError: whenDown(backend) }));
  }
  const clients = new Map<BackendName, Map<object, unknown>>();

  return {
    service<S extends ServiceDefinitionOf>(backend: BackendName, definition: S): ServiceClient<S> {
      const ofBackend = clients.get(backend) ?? new Map<object, unknown>();
      clients.set(backend, ofBackend);
      const cached = ofBackend.get(definition);
      if (cached !== undefined) return cached as ServiceClient<S>;
      const health = backends.get(backend);
      if (health === undefined) throw new GatewayError("SERVICE_NOT_CONFIGURED");
      const created = serviceClient(definition, health.channel.getTarget(), credentials, { channelOverride: health.channel, mapError: whenDown(backend) });
      ofBackend.set(definition, created);
      return created;
    },
    async health(timeoutMs) {
      const states = await Promise.all(
        [...backends].map(async ([backend, probe]): Promise<[BackendName, HealthState]> => {
          try {
            const { status } = await probe.check({ service: PROBED[backend] ?? "" }, { timeoutMs });
            return [backend, status === HealthCheckResponse_ServingStatus.SERVING ? "SERVING" : "NOT_SERVING"];
          } catch {
            return [backend, "UNREACHABLE"];
          }
        }),
      );
      return Object.fromEntries(states);
    },
    close() {
      for (const health of backends.values()) health.close();
    },
  };
}
