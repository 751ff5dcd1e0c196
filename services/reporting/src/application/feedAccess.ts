import { DomainError } from "@ihp/eventsourcing";
import { JURISDICTIONS, type JurisdictionCode } from "@ihp/jurisdiction";
import { authorize, type Logger, type Principal } from "@ihp/platform";
import type { FeedFilter } from "./feedQueries.js";
import type { FeedRefusal, RefusalRecorder } from "./refusals.js";

export interface FeedReadAttempt {
  readonly principal: Principal;
  readonly action: string;
  /** What the request asked for: a jurisdiction code, or "" for everything the caller may see. */
  readonly jurisdiction: string;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/** A denial, recorded before it is returned. */
type Denial = { readonly code: string; readonly message: string };

function asJurisdiction(code: string): JurisdictionCode | undefined {
  return JURISDICTIONS.find((known) => known === code);
}

/**
 * Who may read which part of the feed (REP-04: regulators get the minimized feed; deny by default). The regulator
 * role reads the jurisdiction its token's tenant claim names — "national" reads every jurisdiction. No other role,
 * `system` included: the feed carries staff ID numbers (REP-03) and clinical facts, and no platform job reads it over
 * the API (the gateway's live subscription comes from the bus). Returns the filter to apply, or records the refusal and throws
 * PERMISSION_DENIED with a stable code. A malformed request (an unknown jurisdiction) is INVALID_ARGUMENT, not
 * recorded: it is not an access attempt on anything.
 */
export async function authorizeFeedRead(
  attempt: FeedReadAttempt,
  recorder: RefusalRecorder,
  logger: Logger,
): Promise<FeedFilter> {
  const outcome = decide(attempt);
  if ("filter" in outcome) return outcome.filter;
  const refusal: FeedRefusal = {
    principal: attempt.principal,
    action: attempt.action,
    reason: outcome.code,
    requestedJurisdiction: attempt.jurisdiction,
    traceparent: attempt.traceparent,
    tracestate: attempt.tracestate,
  };
  try {
    await recorder.refused(refusal);
  } catch (error) {
    // Still refused: deny by default does not depend on the record being written.
    logger.error({ err: error, action: attempt.action, code: outcome.code }, "could not record a refused feed read");
  }
  throw new DomainError(outcome.code, "PERMISSION_DENIED", outcome.message, "REP-04");
}

function decide(attempt: FeedReadAttempt): { readonly filter: FeedFilter } | Denial {
  const { principal } = attempt;
  const decision = authorize(principal, { roles: ["regulator"] });
  if (!decision.allowed) return { code: decision.reason, message: decision.message };
  const requested = attempt.jurisdiction === "" ? undefined : asJurisdiction(attempt.jurisdiction);
  if (attempt.jurisdiction !== "" && requested === undefined) {
    const message = "The jurisdiction is not one the platform knows.";
    throw new DomainError("INVALID_JURISDICTION", "INVALID_ARGUMENT", message);
  }
  const everything = principal.tenantId === "national";
  if (everything) return { filter: { jurisdiction: requested } };
  const own = asJurisdiction(principal.tenantId);
  if (own === undefined) {
    const message = "Your account is not assigned to a supervised jurisdiction.";
    return { code: "REGULATOR_JURISDICTION_UNKNOWN", message };
  }
  if (requested !== undefined && requested !== own) {
    return { code: "JURISDICTION_NOT_ALLOWED", message: "You may only read the feed of your own jurisdiction." };
  }
  return { filter: { jurisdiction: own } };
}
