import { credentials } from "@grpc/grpc-js";
import { PrescriptionServiceService } from "@ihp/contracts/prescription";
import { type CallScope, fromGrpcError, type RemoteError, serviceClient } from "@ihp/platform";

type Methods = typeof PrescriptionServiceService;
type RequestOf<K extends keyof Methods> = Parameters<Methods[K]["requestSerialize"]>[0];
type ResponseOf<K extends keyof Methods> = ReturnType<Methods[K]["responseDeserialize"]>;
type Calls = { readonly [K in keyof Methods]: (request: RequestOf<K>, scope: CallScope) => Promise<ResponseOf<K>> };

/** The typed client of PrescriptionService (no error mapping: refusalOf reads the gRPC error), with the token per call. */
export class PrescriptionClient {
  private readonly client;

  constructor(port: number) {
    this.client = serviceClient(PrescriptionServiceService, `127.0.0.1:${port}`, credentials.createInsecure());
  }

  call<K extends keyof Methods>(name: K, request: RequestOf<K>, token?: string): Promise<ResponseOf<K>> {
    const calls: Calls = this.client;
    return calls[name](request, { token, timeoutMs: 10_000 });
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
