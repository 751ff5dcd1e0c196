import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { fromGrpcError, type RemoteError, withBearerToken } from "@ihp/platform";

interface MethodDefinition {
  readonly path: string;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (value: Buffer) => unknown;
}

type RequestOf<D> = D extends { requestSerialize: (value: infer R) => Buffer } ? R : never;
type ResponseOf<D> = D extends { responseDeserialize: (value: Buffer) => infer R } ? R : never;

/** A plain gRPC client of one service definition that returns promises; a token per call. */
export class TestClient<S extends Record<string, MethodDefinition>> {
  private readonly client: Client;

  constructor(
    private readonly service: S,
    port: number,
  ) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof S & string>(name: K, request: RequestOf<S[K]>, token?: string): Promise<ResponseOf<S[K]>> {
    const definition = this.service[name] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<S[K]>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<S[K]>;
    };
    const metadata = token === undefined ? new Metadata() : withBearerToken(token);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, metadata, { deadline: Date.now() + 10_000 }, (error, value) => {
        if (error !== null) reject(error);
        else resolve(value as ResponseOf<S[K]>);
      });
    });
  }

  /** A server stream: collects messages into `into` until it ends; cancel() ends it from this side. */
  stream<K extends keyof S & string>(name: K, request: RequestOf<S[K]>, token: string, into: ResponseOf<S[K]>[]) {
    const definition = this.service[name] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<S[K]>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<S[K]>;
    };
    const call = this.client.makeServerStreamRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, withBearerToken(token));
    const ended = new Promise<unknown>((resolve) => {
      call.on("data", (message: ResponseOf<S[K]>) => into.push(message));
      call.on("error", (error) => resolve(error));
      call.on("end", () => resolve(undefined));
    });
    return { ended, cancel: () => call.cancel() };
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
