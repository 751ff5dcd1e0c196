import type { BaseConfig } from "../config/baseConfig.js";
import { BuiltinIssuer, defaultIssuerKeyFile } from "./builtinIssuer.js";
import { TokenVerifier, type PrincipalResolver } from "./tokenVerifier.js";

/** iss and aud of the builtin issuer's tokens (AUTH_MODE=builtin): one value for every service and the gateway. */
export const BUILTIN_ISSUER = "urn:ihp:builtin";
export const BUILTIN_AUDIENCE = "ihp";

/**
 * The builtin issuer of the embedded mode: its key lives in DATA_DIR (created on first start), so every service of
 * one process, and the runner that hands out demo tokens, share it. ":memory:" gives a key that dies with the process.
 */
export function openBuiltinIssuer(dataDir: string): Promise<BuiltinIssuer> {
  return BuiltinIssuer.create({
    issuer: BUILTIN_ISSUER,
    audience: BUILTIN_AUDIENCE,
    keyFile: dataDir === ":memory:" ? undefined : defaultIssuerKeyFile(dataDir),
  });
}

/**
 * How a service or the gateway checks callers' tokens itself (ARCHITECTURE §8): the OIDC provider's published keys,
 * or the builtin issuer's key in DATA_DIR.
 */
export async function verifierFromConfig(
  config: Pick<BaseConfig, "AUTH_MODE" | "OIDC_ISSUER" | "OIDC_AUDIENCE" | "OIDC_JWKS_URL" | "DATA_DIR">,
): Promise<PrincipalResolver> {
  if (config.AUTH_MODE === "oidc") {
    const { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience, OIDC_JWKS_URL: jwks } = config;
    // The config schema requires all three with AUTH_MODE=oidc; this guards a config built by hand.
    if (issuer === undefined || audience === undefined || jwks === undefined) throw new Error("OIDC settings missing");
    return TokenVerifier.fromRemoteJwks(jwks, { issuer, audience });
  }
  const issuer = await openBuiltinIssuer(config.DATA_DIR);
  return TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
}
