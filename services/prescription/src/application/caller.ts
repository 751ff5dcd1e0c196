import type { Principal, TraceFields } from "@ihp/platform";

/** Who is asking, in which request and trace, with the token forwarded to consult and identity. */
export interface Caller {
  readonly principal: Principal;
  readonly correlationId: string;
  readonly trace: TraceFields;
  /** The caller's own bearer token: downstream services authorize the same person (ARCHITECTURE §2). */
  readonly token: string;
  /** Deadline of the call being served, if any. */
  readonly deadline?: Date | undefined;
}
