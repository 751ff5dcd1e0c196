import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { PrescriptionServiceService } from "@ihp/contracts/prescription";
import { fromGrpcError, type RemoteError, withBearerToken } from "@ihp/platform";

type Methods = typeof PrescriptionServiceService;
type RequestOf<K extends keyof Methods> = Parameters<Methods[K]["requestSerialize"]>[0];
type ResponseOf<K extends keyof Methods> = ReturnType<Methods[K]["responseDeserialize"]>;

/** A plain gRPC client of PrescriptionService returning promises, with the token per call. */
export class PrescriptionClient {
  private readonly client: Client;

  constructor(port: number) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof Methods>(name: K, request: RequestOf<K>, token?: string): Promise<ResponseOf<K>> {
    const definition = PrescriptionServiceService[name] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<K>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<K>;
    };
    const metadata = token === undefined ? new Metadata() : withBearerToken(token);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, metadata, { deadline: Date.now() + 10_000 }, (error, value) => {
        if (error !== null) reject(error);
        else resolve(value as ResponseOf<K>);
      });
    });
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
