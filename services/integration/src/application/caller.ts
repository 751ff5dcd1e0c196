import type { Principal, TraceFields } from "@ihp/platform";

/** Who is asking, with which token (forwarded to identity), in which request and trace. */
export interface Caller {
  readonly principal: Principal;
  readonly token: string | undefined;
  readonly deadline?: Date | undefined;
  readonly correlationId: string;
  readonly trace: TraceFields;
}
