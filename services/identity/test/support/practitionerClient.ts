import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { PractitionerServiceService } from "@ihp/contracts/identity";
import { withBearerToken } from "@ihp/platform";

type Methods = typeof PractitionerServiceService;
type RequestOf<K extends keyof Methods> = Parameters<Methods[K]["requestSerialize"]>[0];
type ResponseOf<K extends keyof Methods> = ReturnType<Methods[K]["responseDeserialize"]>;

/** A plain gRPC client of PractitionerService that returns promises; a token per call (none: anonymous). */
export class PractitionerClient {
  private readonly client: Client;

  constructor(port: number) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof Methods>(name: K, request: RequestOf<K>, token?: string): Promise<ResponseOf<K>> {
    const definition = PractitionerServiceService[name] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<K>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<K>;
    };
    const metadata = token === undefined ? new Metadata() : withBearerToken(token);
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
