import { HealthCheckResponse_ServingStatus, HealthClient } from "@ihp/contracts";
import { InstitutionServiceClient, InstitutionServiceService } from "@ihp/contracts/identity";
import { RegulatorFeedServiceClient, RegulatorFeedServiceService } from "@ihp/contracts/reporting";
import { callDeadline, channelCredentials, inProcessChannel, outgoingMetadata, type ServiceClient, serviceClient, serviceName } from "@ihp/platform";
import { GatewayError } from "../errors/gatewayError.js";
import { degradeWhenDown, whenDown } from "./degraded.js";

/** TLS for the gateway's gRPC client channels (XC-05: required in the distributed mode). */
export interface ClientTls {
  readonly caFile: string;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
}

/** A service, as a ready client (the embedded runner shares its channels) or as an address the gateway dials. */
export type ServiceTarget<C> = C | string;

/** The services behind the gateway. identity and reporting are always there; the others when configured. */
export type BackendName = "identity" | "consult" | "prescription" | "pharmacy" | "reporting" | "integration" | "records";

/** A ts-proto grpc-js client class (e.g. ConsultServiceClient). */
export type ClientClass<C> = new (address: string, credentials: Credentials, options?: { channelOverride?: Channel }) => C;
type Credentials = ReturnType<typeof channelCredentials>;
type Channel = ReturnType<InstitutionServiceClient["getChannel"]>;

export interface Downstream {
  readonly identity: InstitutionServiceClient;
  readonly reporting: RegulatorFeedServiceClient;
  /**
   * A client of one of a backend's gRPC services, on the backend's one channel (created once, then cached).
   * GatewayError SERVICE_NOT_CONFIGURED when the backend has no address; its calls fail with SERVICE_UNAVAILABLE
   * (extensions.context = the backend) while the backend cannot be reached.
   */
  client<C>(backend: BackendName, Client: ClientClass<C>): C;
  /**
   * The typed promise client of one of a backend's gRPC services (`XServiceService` from @ihp/contracts), on the
   * backend's one channel, created once. Same errors as `client`: SERVICE_NOT_CONFIGURED without an address,
   * SERVICE_UNAVAILABLE naming the backend while it cannot be reached; any other failure is the service's own.
   */
  service<S extends ServiceDefinitionOf>(backend: BackendName, definition: S): ServiceClient<S>;
  /** grpc.health.v1 Check of each configured service, on the service's own channel. */
  health(timeoutMs: number): Promise<Partial<Record<BackendName, HealthState>>>;
  /** Closes the clients the gateway created itself; clients passed in belong to the caller. */
  close(): void;
}

export type HealthState = "SERVING" | "NOT_SERVING" | "UNREACHABLE";

/** A generated grpc-js service definition (the gateway does not depend on grpc-js itself). */
type ServiceDefinitionOf = Parameters<typeof serviceClient>[0];

export function connectDownstream(options: {
  readonly identity: ServiceTarget<InstitutionServiceClient>;
  readonly reporting: ServiceTarget<RegulatorFeedServiceClient>;
  /** `host:port` of the other services, when the gateway serves them. */
  readonly consult?: string | undefined;
  readonly prescription?: string | undefined;
  readonly pharmacy?: string | undefined;
  readonly integration?: string | undefined;
  readonly records?: string | undefined;
  readonly tls?: ClientTls | undefined;
  /** Call a service whose server runs in this process through its in-process channel (embedded mode). */
  readonly inProcess?: boolean | undefined;
}): Downstream {
  const owned: { close(): void }[] = [];
  const credentials = channelCredentials(options.tls);
  const channelOf = (address: string): { channelOverride?: Channel } => {
    const channel = options.inProcess === true ? inProcessChannel(address) : undefined;
    return channel === undefined ? {} : { channelOverride: channel };
  };
  const dial = <C extends { close(): void }>(target: ServiceTarget<C>, create: (address: string) => C): C => {
    if (typeof target !== "string") return target;
    const client = create(target);
    owned.push(client);
    return client;
  };
  // Unary calls of a backend that is down answer SERVICE_UNAVAILABLE naming its context (degraded.ts).
  const identity = degradeWhenDown("identity", dial(options.identity, (address) => new InstitutionServiceClient(address, credentials, channelOf(address))));
  const reporting = degradeWhenDown("reporting", dial(options.reporting, (address) => new RegulatorFeedServiceClient(address, credentials, channelOf(address))));
  const healthOf = (client: InstitutionServiceClient | RegulatorFeedServiceClient): HealthClient => {
    // Same channel as the service client, so readiness reflects the connection the resolvers actually use. Not
    // closed separately: closing it would close that shared channel, which may belong to the caller.
    return new HealthClient(client.getChannel().getTarget(), credentials, { channelOverride: client.getChannel() });
  };
  // The first client of a backend owns its channel; every other client of that backend rides on it.
  const channels = new Map<BackendName, { address: string; channel: Channel }>([
    ["identity", { address: identity.getChannel().getTarget(), channel: identity.getChannel() }],
    ["reporting", { address: reporting.getChannel().getTarget(), channel: reporting.getChannel() }],
  ]);
  // Keyed by the client class itself: ts-proto names every generated class ServiceClientImpl.
  const clients = new Map<BackendName, Map<ClientClass<unknown>, unknown>>();
  const probes: Partial<Record<BackendName, { client: HealthClient; service: string }>> = {
    identity: { client: healthOf(identity), service: serviceName(InstitutionServiceService) },
    reporting: { client: healthOf(reporting), service: serviceName(RegulatorFeedServiceService) },
  };
  for (const backend of ["consult", "prescription", "pharmacy", "integration", "records"] as const) {
    const address = options[backend];
    if (address === undefined || address === "") continue;
    const client = new HealthClient(address, credentials, channelOf(address));
    owned.push(client);
    channels.set(backend, { address, channel: client.getChannel() });
    // The empty service name asks for the server as a whole.
    probes[backend] = { client, service: "" };
  }

  function client<C>(backend: BackendName, Client: ClientClass<C>): C {
    const ofBackend = clients.get(backend) ?? new Map<ClientClass<unknown>, unknown>();
    clients.set(backend, ofBackend);
    const cached = ofBackend.get(Client);
    if (cached !== undefined) return cached as C;
    const target = channels.get(backend);
    if (target === undefined) throw new GatewayError("SERVICE_NOT_CONFIGURED");
    const created = degradeWhenDown(backend, new Client(target.address, credentials, { channelOverride: target.channel }) as C & object);
    ofBackend.set(Client, created);
    return created;
  }

  const services = new Map<BackendName, Map<object, unknown>>();
  function service<S extends ServiceDefinitionOf>(backend: BackendName, definition: S): ServiceClient<S> {
    const ofBackend = services.get(backend) ?? new Map<object, unknown>();
    services.set(backend, ofBackend);
    const cached = ofBackend.get(definition);
    if (cached !== undefined) return cached as ServiceClient<S>;
    const target = channels.get(backend);
    if (target === undefined) throw new GatewayError("SERVICE_NOT_CONFIGURED");
    const created = serviceClient(definition, target.address, credentials, { channelOverride: target.channel, mapError: whenDown(backend) });
    ofBackend.set(definition, created);
    return created;
  }

  const check = (probe: { client: HealthClient; service: string }, timeoutMs: number): Promise<HealthState> =>
    new Promise((resolve) => {
      probe.client.check({ service: probe.service }, outgoingMetadata(), callDeadline(timeoutMs), (error, response) => {
        if (error !== null) resolve("UNREACHABLE");
        else resolve(response.status === HealthCheckResponse_ServingStatus.SERVING ? "SERVING" : "NOT_SERVING");
      });
    });

  return {
    identity,
    reporting,
    client,
    service,
    async health(timeoutMs) {
      const entries = Object.entries(probes) as [BackendName, { client: HealthClient; service: string }][];
      const states = await Promise.all(entries.map(async ([name, probe]) => [name, await check(probe, timeoutMs)] as const));
      return Object.fromEntries(states);
    },
    close() {
      for (const client of owned) client.close();
    },
  };
}
