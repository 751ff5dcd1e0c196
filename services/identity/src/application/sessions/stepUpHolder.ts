import type { EventStore } from "@ihp/eventsourcing";
import { JurisdictionError, profileAt, type StepUpFactor, stepUpFactors } from "@ihp/jurisdiction";
import { authorize, CLINICAL_ROLES, denialError } from "@ihp/platform";
import { refusal } from "../../domain/errors.js";
import type { Account } from "../../domain/sessions/index.js";
import type { Caller } from "../caller.js";
import { institutionStreamId } from "../ids.js";
import { loadInstitution } from "../institutionEvents.js";
import { type AccountRead, type AccountScope, readAccount } from "./accountStreams.js";
import type { PractitionerAccess } from "./practitionerAccessPort.js";

export interface HolderDeps {
  readonly store: EventStore;
  readonly practitioners: PractitionerAccess;
  readonly clock: () => Date;
  /** Step-ups are this service's own sessions: only with the builtin issuer (AUTH_MODE=builtin). */
  readonly loginAvailable: boolean;
}

/**
 * IDN-03, IDN-08: who may step up or hold passkeys — a human physician, nurse or pharmacist whose account is open
 * and, for a practitioner, whose status allows clinical work now. The account as it is, and as read (`read`, for the
 * commands that follow not to read its streams again: runAccountCommand).
 */
export async function stepUpHolder(deps: HolderDeps, caller: Caller, scope: AccountScope = {}): Promise<{ account: Account; read: AccountRead }> {
  if (!deps.loginAvailable) throw refusal("LOGIN_NOT_AVAILABLE");
  const { principal } = caller;
  if (principal.kind !== "human") throw refusal("HUMAN_CLINICIAN_REQUIRED");
  const grant = authorize(principal, { roles: CLINICAL_ROLES });
  if (!grant.allowed) throw denialError(grant);
  const { state, own, streams } = await readAccount(deps.store, principal.subject, scope);
  if (state.status !== "open") throw refusal("SESSION_REQUIRED");
  if (state.account.kind === "PRACTITIONER") await deps.practitioners.requireAccountHolder(principal.subject, deps.clock());
  return { account: state.account, read: { own, streams } };
}

/** IDN-03: the factors the jurisdiction profile of the account's institution accepts now. */
export async function acceptedFactors(store: EventStore, institutionId: string, at: Date): Promise<readonly StepUpFactor[]> {
  const { institution } = await loadInstitution(store, institutionStreamId(institutionId));
  try {
    return stepUpFactors(profileAt(institution.jurisdiction, at));
  } catch (error) {
    if (error instanceof JurisdictionError && error.code === "NO_PROFILE_IN_EFFECT") throw refusal("NO_PROFILE_IN_EFFECT");
    throw error;
  }
}
