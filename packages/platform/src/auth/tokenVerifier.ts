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
import { VerifiedTokens } from "./verifiedTokens.js";

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
  /**
   * Verified tokens kept (least recently used out) so that a token is checked in full once, not on every call that
   * carries it; each hit still checks `exp` and `nbf` at `now`. 0 turns the cache off. Default 4,096.
   */
  readonly cachedTokens?: number;
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
  private readonly verified: VerifiedTokens | undefined;

  private constructor(
    private readonly keys: KeyResolver,
    private readonly options: TokenVerifierOptions,
    /** With remote keys: how long they are cached, and so how long a verified token is trusted before a full check. */
    keysMaxAgeMs?: number,
  ) {
    this.algorithms = [...(options.algorithms ?? ["ES256"])];
    const weak = this.algorithms.filter((algorithm) => SYMMETRIC_OR_NONE.test(algorithm));
    if (weak.length > 0) throw new Error(`token algorithms ${weak.join(", ")} are not allowed`);
    const maxEntries = options.cachedTokens ?? 4_096;
    this.verified =
      maxEntries > 0 ? new VerifiedTokens({ maxEntries, clockToleranceSeconds: this.clockTolerance, maxAgeMs: keysMaxAgeMs }) : undefined;
  }

  private get clockTolerance(): number {
    return this.options.clockToleranceSeconds ?? 5;
  }

  static fromJwks(jwks: JSONWebKeySet, options: TokenVerifierOptions): TokenVerifier {
    return new TokenVerifier(createLocalJWKSet(jwks), options);
  }

  static fromRemoteJwks(url: URL | string, options: TokenVerifierOptions & RemoteJwksOptions): TokenVerifier {
    const cacheMaxAge = options.cacheMaxAgeMs ?? 600_000;
    const remote = createRemoteJWKSet(new URL(url), {
      timeoutDuration: options.timeoutMs ?? 5_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      cacheMaxAge,
    });
    const keys: KeyResolver = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw new KeySourceUnavailable("JWKS could not be fetched", { cause: error });
      }
    };
    return new TokenVerifier(keys, options, cacheMaxAge);
  }

  async verify(token: string): Promise<Principal> {
    const now = this.options.now?.() ?? new Date();
    const known = this.verified?.get(token, now);
    if (known !== undefined) return known;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: typeof this.options.audience === "string" ? this.options.audience : [...this.options.audience],
        algorithms: this.algorithms,
        clockTolerance: this.clockTolerance,
        currentDate: now,
        requiredClaims: ["sub", "exp"],
      }));
    } catch (error) {
      throw new AuthenticationError(failureOf(error), { cause: error });
    }
    const principal = principalFromClaims(payload);
    // jwtVerify required a numeric exp (and checked nbf when present).
    if (typeof payload.exp === "number") this.verified?.set(token, principal, { exp: payload.exp, nbf: payload.nbf }, now);
    return principal;
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
