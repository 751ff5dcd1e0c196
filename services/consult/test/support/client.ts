import { credentials, type MethodDefinition, type ServiceDefinition } from "@grpc/grpc-js";
import { type CallScope, fromGrpcError, type OwnedServiceClient, type RemoteError, serviceClient } from "@ihp/platform";

type Shapes<M> = M extends MethodDefinition<infer Req, infer Res> ? { readonly request: Req; readonly response: Res } : never;
type RequestOf<M> = Shapes<M>["request"];
type ResponseOf<M> = Shapes<M>["response"];

/** The typed client of one service (no error mapping: refusalOf reads the gRPC error), with the token per call. */
export class TestClient<S extends ServiceDefinition> {
  private readonly client: OwnedServiceClient<S>;

  constructor(service: S, port: number) {
    this.client = serviceClient(service, `127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof S & string>(name: K, request: RequestOf<S[K]>, token?: string): Promise<ResponseOf<S[K]>> {
    const unary = this.client[name] as (request: RequestOf<S[K]>, scope: CallScope) => Promise<ResponseOf<S[K]>>;
    return unary(request, { token, timeoutMs: 10_000 });
  }

  /** A server stream: collects messages into `into`; `ended` is the error it ended with, undefined when it completed. */
  stream<K extends keyof S & string>(name: K, request: RequestOf<S[K]>, token: string, into: ResponseOf<S[K]>[]): { readonly ended: Promise<unknown> } {
    const messages = (this.client[name] as (request: RequestOf<S[K]>, scope: CallScope) => AsyncIterable<ResponseOf<S[K]>>)(request, { token });
    const ended = (async () => {
      try {
        for await (const message of messages) into.push(message);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    return { ended };
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
