import type { Principal, TraceFields } from "@ihp/platform";
import type { Committer } from "../domain/index.js";

/** Who is asking, with which token (forwarded to identity for care and guardian checks), in which request and trace. */
export interface Caller {
  readonly principal: Principal;
  readonly token: string | undefined;
  readonly deadline?: Date | undefined;
  readonly correlationId: string;
  readonly trace: TraceFields;
}

/** The committer of a write (openEHR contribution): the authenticated subject and the first role it acts in. */
export function committerOf(caller: Caller): Committer {
  return { id: caller.principal.subject, role: caller.principal.roles[0] ?? "", institutionId: caller.principal.tenantId };
}
