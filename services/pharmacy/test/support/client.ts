import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { PharmacyServiceService } from "@ihp/contracts/pharmacy";
import { fromGrpcError, type RemoteError, withBearerToken } from "@ihp/platform";

type Methods = typeof PharmacyServiceService;
type RequestOf<K extends keyof Methods> = Parameters<Methods[K]["requestSerialize"]>[0];
type ResponseOf<K extends keyof Methods> = ReturnType<Methods[K]["responseDeserialize"]>;

/** A plain gRPC client of PharmacyService returning promises; one token per call. */
export class PharmacyClient {
  private readonly client: Client;

  constructor(port: number) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof Methods>(name: K, request: RequestOf<K>, token?: string): Promise<ResponseOf<K>> {
    const definition = PharmacyServiceService[name] as unknown as {
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
        (error, value) => (error !== null ? reject(error) : resolve(value as ResponseOf<K>)),
      );
    });
  }

  /** Opens StreamReviewQueue; collects what arrives until cancelled. */
  streamQueue(institutionId: string, token: string): { readonly received: ResponseOf<"streamReviewQueue">[]; cancel(): void } {
    const definition = PharmacyServiceService.streamReviewQueue;
    const received: ResponseOf<"streamReviewQueue">[] = [];
    const stream = this.client.makeServerStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      { institutionId },
      withBearerToken(token),
    );
    stream.on("data", (message: ResponseOf<"streamReviewQueue">) => received.push(message));
    stream.on("error", () => undefined);
    return { received, cancel: () => stream.cancel() };
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
