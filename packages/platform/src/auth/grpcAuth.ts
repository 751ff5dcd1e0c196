import { Metadata } from "@grpc/grpc-js";
import { AuthenticationError } from "../errors/authenticationError.js";
import type { Principal } from "./principal.js";
import type { PrincipalResolver } from "./tokenVerifier.js";

const AUTHORIZATION = "authorization";
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The bearer token of a call's `authorization` metadata, or undefined when absent or not a bearer credential. */
export function bearerToken(metadata: Metadata): string | undefined {
  const [value] = metadata.get(AUTHORIZATION);
  if (typeof value !== "string") return undefined;
  return BEARER.exec(value)?.[1];
}

export interface AuthenticatedCall {
  readonly principal: Principal;
  /** The caller's token, forwarded on the calls this one makes (services verify it themselves, ARCHITECTURE §8). */
  readonly token: string;
}

/** Verifies the caller's bearer token. Throws AuthenticationError (→ UNAUTHENTICATED) when missing or refused. */
export async function authenticateCall(metadata: Metadata, verifier: PrincipalResolver): Promise<AuthenticatedCall> {
  const token = bearerToken(metadata);
  if (token === undefined) throw new AuthenticationError("TOKEN_MISSING");
  const principal = await verifier.verify(token);
  return { principal, token };
}

/** Sets the bearer token on outgoing metadata (a new Metadata when none is given). */
export function withBearerToken(token: string, metadata: Metadata = new Metadata()): Metadata {
  metadata.set(AUTHORIZATION, `Bearer ${token}`);
  return metadata;
}
