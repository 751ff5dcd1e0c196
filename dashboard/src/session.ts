// The signed-in user's bearer token: in memory and in this tab's sessionStorage only (never localStorage or cookies).
import { LOGIN_MUTATION, type Scope } from "./contract.js";
import { graphql } from "./graphql.js";

const KEY = "ihp.dashboard.token";

let current: string | undefined;

export function token(): string | undefined {
  if (current === undefined) current = sessionStorage.getItem(KEY) ?? undefined;
  return current;
}

export function useToken(value: string): void {
  current = value.trim();
  sessionStorage.setItem(KEY, current);
}

export function signOut(): void {
  current = undefined;
  sessionStorage.removeItem(KEY);
}

/** Signs in with the `login` mutation (institution administrators and staff with a password login). */
export async function logIn(loginName: string, password: string): Promise<void> {
  const data = await graphql<{ login: { accessToken: string } }>(LOGIN_MUTATION, { input: { loginName, password } }, undefined);
  useToken(data.login.accessToken);
}

/**
 * The scope to offer first, read from the token's (unverified) claims: an institution admin's own institution, a
 * regulator's own jurisdiction. Only a convenience for the form: the gateway and the services decide what the token
 * may see.
 */
export function defaultScope(bearer: string): Scope | undefined {
  const claims = claimsOf(bearer);
  if (claims === undefined || typeof claims.tenant !== "string") return undefined;
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  if (roles.includes("regulator")) return { jurisdiction: claims.tenant };
  return { institutionId: claims.tenant };
}

function claimsOf(bearer: string): { tenant?: unknown; roles?: unknown[] } | undefined {
  const payload = bearer.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
