import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  jwtVerify,
  type CryptoKey,
} from "jose";
import { AuthenticationError, type AuthenticationFailure } from "../errors/authenticationError.js";
import { principalFromClaims } from "./claims.js";
import type { Principal } from "./principal.js";

export interface TokenVerifierOptions {
  /** Expected `iss`. */
  readonly issuer: string;
  /** Expected `aud`: the token must name at least one. */
  readonly audience: string | readonly string[];
  /** Asymmetric algorithms accepted; ES256 by default. HMAC and "none" are never accepted. */
  readonly algorithms?: readonly string[];
  /** Slack for clock drift between issuer and verifier, in seconds. */
  readonly clockToleranceSeconds?: number;
  readonly now?: () => Date;
}

export interface RemoteJwksOptions {
  /** Abort a JWKS fetch after this long. */
  readonly timeoutMs?: number;
  /** Refetch keys at most this often when a token names an unknown kid (key rotation). */
  readonly cooldownMs?: number;
  /** Keys are refetched when older than this. */
  readonly cacheMaxAgeMs?: number;
}

/** Anything that turns a bearer token into a Principal; what the gRPC helpers need. */
export interface PrincipalResolver {
  verify(token: string): Promise<Principal>;
}

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** Thrown by the key resolver when the key source itself failed, as opposed to the token naming an unknown key. */
class KeySourceUnavailable extends Error {}

const SYMMETRIC_OR_NONE = /^(HS\d+|none)$/i;

/**
 * Verifies access tokens: signature against a JWKS (local for the builtin issuer, remote for OIDC), algorithm,
 * issuer, audience, expiry and not-before with a small tolerance. Every refusal is an AuthenticationError with a
 * stable code; the library's reason is kept as its cause for logs.
 */
export class TokenVerifier implements PrincipalResolver {
  private readonly algorithms: string[];

  private constructor(
    private readonly keys: KeyResolver,
    private readonly options: TokenVerifierOptions,
  ) {
    this.algorithms = [...(options.algorithms ?? ["ES256"])];
    const weak = this.algorithms.filter((algorithm) => SYMMETRIC_OR_NONE.test(algorithm));
    if (weak.length > 0) throw new Error(`token algorithms ${weak.join(", ")} are not allowed`);
  }

  static fromJwks(jwks: JSONWebKeySet, options: TokenVerifierOptions): TokenVerifier {
    return new TokenVerifier(createLocalJWKSet(jwks), options);
  }

  static fromRemoteJwks(url: URL | string, options: TokenVerifierOptions & RemoteJwksOptions): TokenVerifier {
    const remote = createRemoteJWKSet(new URL(url), {
      timeoutDuration: options.timeoutMs ?? 5_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    });
    const keys: KeyResolver = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw new KeySourceUnavailable("JWKS could not be fetched", { cause: error });
      }
    };
    return new TokenVerifier(keys, options);
  }

  async verify(token: string): Promise<Principal> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: typeof this.options.audience === "string" ? this.options.audience : [...this.options.audience],
        algorithms: this.algorithms,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        currentDate: this.options.now?.() ?? new Date(),
        requiredClaims: ["sub", "exp"],
      }));
    } catch (error) {
      throw new AuthenticationError(failureOf(error), { cause: error });
    }
    return principalFromClaims(payload);
  }
}

function failureOf(error: unknown): AuthenticationFailure {
  if (error instanceof KeySourceUnavailable) return "AUTH_UNAVAILABLE";
  if (error instanceof errors.JWTExpired) return "TOKEN_EXPIRED";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "nbf" ? "TOKEN_NOT_YET_VALID" : "TOKEN_CLAIMS_INVALID";
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return "TOKEN_ALGORITHM_NOT_ALLOWED";
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return "TOKEN_SIGNATURE_INVALID";
  }
  return "TOKEN_MALFORMED";
}
