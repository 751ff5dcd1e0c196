import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { withBearerToken } from "@ihp/platform";

interface MethodDefinition {
  readonly path: string;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (value: Buffer) => unknown;
}

type RequestOf<M> = M extends { requestSerialize: (value: infer R) => Buffer } ? R : never;
type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer R } ? R : never;

/** A promise-returning gRPC client for any generated service definition; a token per call. */
export class ServiceClient<Definition extends Record<string, MethodDefinition>> {
  private readonly client: Client;

  constructor(
    private readonly definition: Definition,
    port: number,
  ) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof Definition & string>(
    name: K,
    request: RequestOf<Definition[K]>,
    token?: string,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<ResponseOf<Definition[K]>> {
    const method = this.definition[name] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<Definition[K]>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<Definition[K]>;
    };
    const metadata = token === undefined ? new Metadata() : withBearerToken(token);
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, { deadline: Date.now() + 10_000 }, (error, value) => {
        if (error !== null) reject(error);
        else resolve(value as ResponseOf<Definition[K]>);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
