import type { Principal, Role } from "@ihp/platform";

/** A call as the gRPC adapter verified it: the caller, and the token they sent, for identity to verify again. */
export interface Caller {
  readonly principal: Principal;
  readonly token: string;
  /** The served call's deadline: identity is asked within it. */
  readonly deadline?: Date | undefined;
}

/** The roles identity keeps one clinical session for (IDN-08): their acts are asked about. */
export const CLINICIAN_ROLES: readonly Role[] = ["physician", "nurse", "pharmacist"];

/**
 * IDN-08: identity's ClinicalAccessService.CheckSession, asked under reporting's own `system` token with the
 * clinician's beside it. Resolves when the clinician's token names their account's current, active session; rejects
 * with identity's refusal (SESSION_SUPERSEDED, SESSION_REQUIRED, SESSION_IDLE_EXPIRED, HUMAN_CLINICIAN_REQUIRED) as a
 * RemoteError carrying identity's code, or with UNAVAILABLE when identity does not answer.
 */
export interface SessionCheck {
  checkSession(caller: Caller): Promise<void>;
}
