import type { ErrorKind } from "./grpcStatus.js";

/**
 * A failed gRPC call as the caller sees it: the stable code, the kind it maps to and the public message. Thrown
 * again inside a service, toGrpcError passes it on unchanged, so the code reaches the gateway across hops.
 */
export class RemoteError extends Error {
  override readonly name = "RemoteError";
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly ruleId: string | undefined,
    /** The gRPC status the call ended with. */
    readonly status: number,
  ) {
    super(message);
  }
}
