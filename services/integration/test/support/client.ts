import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { fromGrpcError, type RemoteError, withBearerToken } from "@ihp/platform";

interface MethodDefinition {
  readonly path: string;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (value: Buffer) => unknown;
}
type Req<M> = M extends { requestSerialize: (value: infer R) => Buffer } ? R : never;
type Res<M> = M extends { responseDeserialize: (value: Buffer) => infer R } ? R : never;

/** A plain gRPC client of one service definition, returning promises; one token per call. */
export class ServiceClient<D extends Record<string, MethodDefinition>> {
  private readonly client: Client;
  constructor(private readonly definition: D, port: number) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof D & string>(name: K, request: Req<D[K]>, token?: string): Promise<Res<D[K]>> {
    const method = this.definition[name]!;
    const metadata = token === undefined ? new Metadata() : withBearerToken(token);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(method.path, method.requestSerialize as (value: Req<D[K]>) => Buffer, method.responseDeserialize, request, metadata, { deadline: Date.now() + 10_000 }, (error, value) =>
        error !== null ? reject(error) : resolve(value as Res<D[K]>),
      );
    });
  }

  /** Opens a server stream; collects what arrives until cancelled. */
  stream<K extends keyof D & string, T>(name: K, request: Req<D[K]>, token: string): { readonly received: T[]; readonly errors: Error[]; cancel(): void } {
    const method = this.definition[name]!;
    const received: T[] = [];
    const errors: Error[] = [];
    const stream = this.client.makeServerStreamRequest(method.path, method.requestSerialize as (value: Req<D[K]>) => Buffer, method.responseDeserialize, request, withBearerToken(token));
    stream.on("data", (message: T) => received.push(message));
    stream.on("error", (error: Error) => errors.push(error));
    return { received, errors, cancel: () => stream.cancel() };
  }

  close(): void {
    this.client.close();
  }
}

export async function refusalOf(call: Promise<unknown>): Promise<RemoteError> {
  try {
    await call;
  } catch (error) {
    return fromGrpcError(error);
  }
  throw new Error("expected the call to be refused");
}
