import { callDeadline, outgoingMetadata } from "@ihp/platform";
import type { TraceContext } from "../http/requestTrace.js";

// grpc-js types, taken from the platform helpers that build them (the gateway does not depend on grpc-js itself).
type Metadata = ReturnType<typeof outgoingMetadata>;
type CallOptions = ReturnType<typeof callDeadline>;

/** What every downstream call carries (ARCHITECTURE §6 step 1). */
export interface CallScope {
  /** The caller's original token; services verify it themselves. Undefined for anonymous public calls. */
  readonly token: string | undefined;
  readonly trace: TraceContext;
  /** Deadline from now, in ms. */
  readonly timeoutMs: number;
}

/**
 * A unary gRPC call as a promise, with the caller's token and trace context in the metadata and a deadline. The
 * error is the grpc-js ServiceError untouched: the error formatter reads its status and ihp-error-bin trailer.
 */
export function unary<Res>(
  scope: CallScope,
  invoke: (metadata: Metadata, options: CallOptions, done: (error: Error | null, response: Res) => void) => unknown,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    invoke(outgoingMetadata({ token: scope.token, context: scope.trace }), callDeadline(scope.timeoutMs), (error, response) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  });
}
