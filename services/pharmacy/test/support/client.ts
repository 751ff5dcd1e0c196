import { credentials } from "@grpc/grpc-js";
import { PharmacyServiceService } from "@ihp/contracts/pharmacy";
import { type CallScope, fromGrpcError, type RemoteError, serviceClient } from "@ihp/platform";

type Methods = typeof PharmacyServiceService;
type RequestOf<K extends keyof Methods> = Parameters<Methods[K]["requestSerialize"]>[0];
type ResponseOf<K extends keyof Methods> = ReturnType<Methods[K]["responseDeserialize"]>;
type UnaryName = { readonly [K in keyof Methods]: Methods[K]["responseStream"] extends true ? never : K }[keyof Methods];
type Calls = { readonly [K in UnaryName]: (request: RequestOf<K>, scope: CallScope) => Promise<ResponseOf<K>> };

/** The typed client of PharmacyService (no error mapping: refusalOf reads the gRPC error), with the token per call. */
export class PharmacyClient {
  private readonly client;

  constructor(port: number) {
    this.client = serviceClient(PharmacyServiceService, `127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends UnaryName>(name: K, request: RequestOf<K>, token?: string): Promise<ResponseOf<K>> {
    const calls: Calls = this.client;
    return calls[name](request, { token, timeoutMs: 10_000 });
  }

  /** Opens StreamReviewQueue; collects what arrives until cancelled. */
  streamQueue(institutionId: string, token: string): { readonly received: ResponseOf<"streamReviewQueue">[]; cancel(): void } {
    const messages = this.client.streamReviewQueue({ institutionId }, { token });
    const received: ResponseOf<"streamReviewQueue">[] = [];
    void (async () => {
      try {
        for await (const message of messages) received.push(message);
      } catch {
        // The test reads what arrived; how the stream ended is not its concern.
      }
    })();
    return { received, cancel: () => void messages.return?.() };
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
