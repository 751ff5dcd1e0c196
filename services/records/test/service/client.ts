import { credentials, type ServiceDefinition } from "@grpc/grpc-js";
import { fromGrpcError, type OwnedServiceClient, serviceClient } from "@ihp/platform";

/**
 * A typed client of one of the records service's gRPC services (`client.getRecord({ recordId }, { token })`); a refused
 * call rejects with the RemoteError carrying the stable code.
 */
export function recordsClient<S extends ServiceDefinition>(definition: S, address: string): OwnedServiceClient<S> {
  return serviceClient(definition, address, credentials.createInsecure(), { mapError: fromGrpcError });
}
