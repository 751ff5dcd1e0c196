import type { Principal, TraceFields } from "@ihp/platform";

/** Who is asking, in which request and trace: what every handler records on events and refusals. */
export interface Caller {
  readonly principal: Principal;
  readonly correlationId: string;
  readonly trace: TraceFields;
}
