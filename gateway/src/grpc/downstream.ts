import { HealthCheckResponse_ServingStatus, HealthClient } from "@ihp/contracts";
import { InstitutionServiceClient, InstitutionServiceService } from "@ihp/contracts/identity";
import { RegulatorFeedServiceClient, RegulatorFeedServiceService } from "@ihp/contracts/reporting";
import { callDeadline, channelCredentials, outgoingMetadata, serviceName } from "@ihp/platform";

/** TLS for the gateway's gRPC client channels (XC-05: required in the distributed mode). */
export interface ClientTls {
  readonly caFile: string;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
}

/** A service, as a ready client (the embedded runner shares its channels) or as an address the gateway dials. */
export type ServiceTarget<C> = C | string;

export interface Downstream {
  readonly identity: InstitutionServiceClient;
  readonly reporting: RegulatorFeedServiceClient;
  /** grpc.health.v1 Check of each service, on the service's own channel. */
  health(timeoutMs: number): Promise<Record<"identity" | "reporting", HealthState>>;
  /** Closes the clients the gateway created itself; clients passed in belong to the caller. */
  close(): void;
}

export type HealthState = "SERVING" | "NOT_SERVING" | "UNREACHABLE";

export function connectDownstream(options: {
  readonly identity: ServiceTarget<InstitutionServiceClient>;
  readonly reporting: ServiceTarget<RegulatorFeedServiceClient>;
  readonly tls?: ClientTls | undefined;
}): Downstream {
  const owned: { close(): void }[] = [];
  const credentials = channelCredentials(options.tls);
  const dial = <C extends { close(): void }>(target: ServiceTarget<C>, create: (address: string) => C): C => {
    if (typeof target !== "string") return target;
    const client = create(target);
    owned.push(client);
    return client;
  };
  const identity = dial(options.identity, (address) => new InstitutionServiceClient(address, credentials));
  const reporting = dial(options.reporting, (address) => new RegulatorFeedServiceClient(address, credentials));
  const healthOf = (client: InstitutionServiceClient | RegulatorFeedServiceClient): HealthClient => {
    // Same channel as the service client, so readiness reflects the connection the resolvers actually use. Not
    // closed separately: closing it would close that shared channel, which may belong to the caller.
    return new HealthClient(client.getChannel().getTarget(), credentials, { channelOverride: client.getChannel() });
  };
  const probes = {
    identity: { client: healthOf(identity), service: serviceName(InstitutionServiceService) },
    reporting: { client: healthOf(reporting), service: serviceName(RegulatorFeedServiceService) },
  };

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
    async health(timeoutMs) {
      const [identityState, reportingState] = await Promise.all([
        check(probes.identity, timeoutMs),
        check(probes.reporting, timeoutMs),
      ]);
      return { identity: identityState, reporting: reportingState };
    },
    close() {
      for (const client of owned) client.close();
    },
  };
}
