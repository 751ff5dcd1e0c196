import type { BaseConfig } from "../config/baseConfig.js";
import type { Role } from "./principal.js";
import { openBuiltinIssuer } from "./verifierFromConfig.js";

/**
 * Tokens a service presents when it calls another service on its own behalf — a consumer reacting to an event, a
 * scheduled sweep — rather than forwarding a person's token. They carry the `system` role (or the service's own role,
 * e.g. `records`) and kind "service", so they can never pass for a clinician (IDN-03).
 */
export interface ServiceTokenSource {
  token(): Promise<string>;
}

const TTL_SECONDS = 600;
/** Renew this long before expiry, so a token never expires in flight. */
const MARGIN_MS = 60_000;

type TokenConfig = Pick<
  BaseConfig,
  "AUTH_MODE" | "DATA_DIR" | "OIDC_TOKEN_URL" | "OIDC_CLIENT_ID" | "OIDC_CLIENT_SECRET" | "OIDC_AUDIENCE" | "SERVICE_NAME"
>;

/**
 * Builtin mode: the service mints its own token with the issuer key in DATA_DIR (the embedded mode shares one).
 * OIDC: the client-credentials grant at OIDC_TOKEN_URL. Either way the token is cached until shortly before expiry.
 */
export function serviceTokenSource(config: TokenConfig, fetchImpl: typeof fetch = fetch, roles: readonly Role[] = ["system"]): ServiceTokenSource {
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function mint(): Promise<{ token: string; expiresInMs: number }> {
    if (config.AUTH_MODE === "builtin") {
      const issuer = await openBuiltinIssuer(config.DATA_DIR);
      const token = await issuer.issue({
        subject: `svc:${config.SERVICE_NAME}`,
        roles: [...roles],
        tenantId: "platform",
        kind: "service",
        ttlSeconds: TTL_SECONDS,
      });
      return { token, expiresInMs: TTL_SECONDS * 1000 };
    }
    const { OIDC_TOKEN_URL: url, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: secret } = config;
    if (url === undefined || clientId === undefined || secret === undefined) {
      throw new Error("OIDC_TOKEN_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed for service-to-service calls");
    }
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    if (config.OIDC_AUDIENCE !== undefined) body.set("audience", config.OIDC_AUDIENCE);
    const response = await fetchImpl(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`token endpoint answered HTTP ${response.status}`);
    const json = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof json.access_token !== "string" || json.access_token === "") throw new Error("token endpoint sent no access_token");
    const seconds = typeof json.expires_in === "number" && json.expires_in > 0 ? json.expires_in : 300;
    return { token: json.access_token, expiresInMs: seconds * 1000 };
  }

  return {
    async token() {
      if (cached !== undefined && Date.now() < cached.renewAt) return cached.token;
      pending ??= mint()
        .then(({ token, expiresInMs }) => {
          cached = { token, renewAt: Date.now() + Math.max(0, expiresInMs - MARGIN_MS) };
          return token;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}

/** serviceTokenSource as the token getter that gRPC clients take. */
export function serviceTokenGetter(config: TokenConfig): () => Promise<string> {
  const source = serviceTokenSource(config);
  return () => source.token();
}
