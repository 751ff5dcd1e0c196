import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { InstitutionServiceService } from "@ihp/contracts/identity";
import { fromGrpcError, type RemoteError, withBearerToken } from "@ihp/platform";

type Methods = typeof InstitutionServiceService;
type RequestOf<K extends keyof Methods> = Parameters<Methods[K]["requestSerialize"]>[0];
type ResponseOf<K extends keyof Methods> = ReturnType<Methods[K]["responseDeserialize"]>;

/** A plain gRPC client of InstitutionService that returns promises; token and extra metadata per call. */
export class InstitutionClient {
  private readonly client: Client;

  constructor(port: number) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof Methods>(
    name: K,
    request: RequestOf<K>,
    token?: string,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<ResponseOf<K>> {
    const definition = InstitutionServiceService[name] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<K>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<K>;
    };
    const metadata = token === undefined ? new Metadata() : withBearerToken(token);
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + 10_000 },
        (error, value) => {
          if (error !== null) reject(error);
          else resolve(value as ResponseOf<K>);
        },
      );
    });
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
