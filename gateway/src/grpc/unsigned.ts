import { GatewayError } from "../errors/gatewayError.js";

/**
 * GraphQL Int is signed; the contract's counts and versions are uint32, which cannot carry a negative value (encoding
 * it fails the call as INTERNAL). A negative one is the caller's mistake: BAD_USER_INPUT. Zero passes: the service
 * answers it with its own precise code.
 */
export function unsigned(value: number): number {
  if (value < 0) throw new GatewayError("BAD_USER_INPUT");
  return value;
}
