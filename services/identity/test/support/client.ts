import { credentials, type MethodDefinition, type ServiceDefinition } from "@grpc/grpc-js";
import { type CallScope, fromGrpcError, type OwnedServiceClient, type RemoteError, serviceClient } from "@ihp/platform";

type RequestOf<M> = M extends MethodDefinition<infer Request, infer _Response> ? Request : never;
type ResponseOf<M> = M extends MethodDefinition<infer _Request, infer Response> ? Response : never;

/**
 * The typed client of one of identity's services (no error mapping: refusalOf reads the gRPC error), with the token
 * and any extra metadata per call.
 */
export class ServiceClient<S extends ServiceDefinition> {
  private readonly client: OwnedServiceClient<S>;

  constructor(definition: S, port: number) {
    this.client = serviceClient(definition, `127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof S & string>(name: K, request: RequestOf<S[K]>, token?: string, headers?: Readonly<Record<string, string>>): Promise<ResponseOf<S[K]>> {
    const method = this.client[name] as (request: RequestOf<S[K]>, scope: CallScope) => Promise<ResponseOf<S[K]>>;
    return method(request, { token, headers, timeoutMs: 10_000 });
  }

  close(): void {
    this.client.close();
  }
}

/** The refusal a call ended with, as a gateway would read it (code from the ihp-error-bin trailer). */
export async function refusalOf(call: Promise<unknown>): Promise<RemoteError> {
  try {
    await call;
  } catch (error) {
    return fromGrpcError(error);
  }
  throw new Error("expected the call to be refused");
}
