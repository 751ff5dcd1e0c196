import type { JWTPayload } from "jose";
import { AuthenticationError } from "../errors/authenticationError.js";
import { defaultKindOf, isRole, type Principal, type PrincipalKind } from "./principal.js";

/** Claim names the platform reads beyond the registered ones (sub, iss, aud, exp, iat). */
export const CLAIMS = {
  roles: "roles",
  tenant: "tenant",
  kind: "kind",
  acr: "acr",
  amr: "amr",
  authTime: "auth_time",
  sessionId: "sid",
} as const;

function invalid(): AuthenticationError {
  return new AuthenticationError("TOKEN_CLAIMS_INVALID");
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/**
 * The Principal a verified payload describes. Roles the platform does not know are dropped rather than refused, as an
 * OIDC provider may carry roles of other applications; with none left, authorize() denies. A malformed claim refuses
 * the token.
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const { sub } = payload;
  const roles = payload[CLAIMS.roles] ?? [];
  const tenant = payload[CLAIMS.tenant];
  const kind = payload[CLAIMS.kind];
  const acr = payload[CLAIMS.acr];
  const amr = payload[CLAIMS.amr];
  const authTime = payload[CLAIMS.authTime];
  const sessionId = payload[CLAIMS.sessionId];
  if (typeof sub !== "string" || sub === "") throw invalid();
  if (!isStringArray(roles)) throw invalid();
  if (typeof tenant !== "string" || tenant === "") throw invalid();
  if (kind !== undefined && kind !== "human" && kind !== "service") throw invalid();
  if (acr !== undefined && typeof acr !== "string") throw invalid();
  if (amr !== undefined && !isStringArray(amr)) throw invalid();
  if (authTime !== undefined && (typeof authTime !== "number" || !Number.isFinite(authTime))) throw invalid();
  if (sessionId !== undefined && (typeof sessionId !== "string" || sessionId === "")) throw invalid();
  const knownRoles = roles.filter(isRole);
  const principalKind: PrincipalKind = kind ?? defaultKindOf(knownRoles);
  return {
    subject: sub,
    roles: [...new Set(knownRoles)],
    tenantId: tenant,
    kind: principalKind,
    acr,
    amr,
    authTime,
    sessionId,
  };
}
