import { DomainError } from "@ihp/eventsourcing";
import { AuthenticationError } from "../errors/authenticationError.js";
import { describeError } from "../errors/platformErrors.js";
import type { Principal, Role } from "./principal.js";

/** What an action needs. Relationship checks (care relationship, own record, queue) stay with the caller. */
export interface Requirement {
  /** Roles that may act; empty allows nobody (deny by default). */
  readonly roles: readonly Role[];
  /** The institution the data belongs to; when given the caller must act for it. */
  readonly tenantId?: string | undefined;
  /** Step-up: the caller's `acr` must be one of these (e.g. a CA-certificate login before signing a prescription). */
  readonly acr?: readonly string[] | undefined;
  /** Step-up: the caller must have authenticated at most this long before `now`. */
  readonly maxAuthAge?: { readonly seconds: number; readonly now: Date } | undefined;
}

export type DenyReason = "UNAUTHENTICATED" | "ROLE_NOT_ALLOWED" | "TENANT_MISMATCH" | "STEP_UP_REQUIRED";

/**
 * Allow, or deny with a stable reason code and a public message, so callers can record the refused attempt as an
 * event (who, what, when, why) before refusing (ARCHITECTURE §8, XC-02).
 */
export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: DenyReason; readonly message: string };

const ALLOW: Decision = { allowed: true };

function deny(reason: DenyReason): Decision {
  return { allowed: false, reason, message: describeError(reason).en };
}

/** Deny-by-default check of role, tenant and step-up. Every rule must pass; the first failing one is the reason. */
export function authorize(principal: Principal | undefined, requirement: Requirement): Decision {
  if (principal === undefined) return deny("UNAUTHENTICATED");
  if (!principal.roles.some((role) => requirement.roles.includes(role))) return deny("ROLE_NOT_ALLOWED");
  if (requirement.tenantId !== undefined && principal.tenantId !== requirement.tenantId) return deny("TENANT_MISMATCH");
  if (requirement.acr !== undefined && (principal.acr === undefined || !requirement.acr.includes(principal.acr))) {
    return deny("STEP_UP_REQUIRED");
  }
  if (requirement.maxAuthAge !== undefined) {
    const { seconds, now } = requirement.maxAuthAge;
    const age = principal.authTime === undefined ? Infinity : now.getTime() / 1000 - principal.authTime;
    if (!(age <= seconds)) return deny("STEP_UP_REQUIRED");
  }
  return ALLOW;
}

/** The error to throw for a denial: UNAUTHENTICATED (16) without a principal, PERMISSION_DENIED (7) otherwise. */
export function denialError(decision: Extract<Decision, { allowed: false }>): Error {
  if (decision.reason === "UNAUTHENTICATED") return new AuthenticationError("TOKEN_MISSING");
  return new DomainError(decision.reason, "PERMISSION_DENIED", decision.message);
}
