import { credentials, type ServiceDefinition } from "@grpc/grpc-js";
import { type CallScope, fromGrpcError, type OwnedServiceClient, type RemoteError, serviceClient } from "@ihp/platform";

/** The typed client (serviceClient) of one of the service's gRPC services on this port. */
export function connect<S extends ServiceDefinition>(definition: S, port: number): OwnedServiceClient<S> {
  return serviceClient(definition, `127.0.0.1:${port}`, credentials.createInsecure());
}

/** A call made with this caller's token, within the test's deadline (server streams ignore it). */
export const as = (token: string): CallScope => ({ token, timeoutMs: 10_000 });

/** Reads a server stream in the background: what arrived so far, and what ended it with an error, until cancelled. */
export function collect<T>(stream: AsyncIterableIterator<T>): { readonly received: T[]; readonly errors: unknown[]; cancel(): void } {
  const received: T[] = [];
  const errors: unknown[] = [];
  void (async () => {
    for await (const message of stream) received.push(message);
  })().catch((error: unknown) => errors.push(error));
  return { received, errors, cancel: () => void stream.return?.() };
}

export async function refusalOf(call: Promise<unknown>): Promise<RemoteError> {
  try {
    await call;
  } catch (error) {
    return fromGrpcError(error);
  }
  throw new Error("expected the call to be refused");
}
