import type { Principal, TraceFields } from "@ihp/platform";

/** Who is asking, in which request and trace: what handlers record on events and refusals and forward to identity. */
export interface Caller {
  readonly principal: Principal;
  /** The caller's own bearer token, forwarded to identity (services verify it themselves). */
  readonly token: string;
  readonly correlationId: string;
  readonly trace: TraceFields;
  /** The deadline of the call being served; downstream calls never outlive it. */
  readonly deadline?: Date | undefined;
}
