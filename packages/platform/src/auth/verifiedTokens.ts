import type { Principal } from "./principal.js";

/** A token that passed every check once: its principal, and the window in which the time checks still pass. */
interface Verified {
  readonly principal: Principal;
  /** Seconds since the epoch: the token's `nbf` and `exp` (the time claims the verifier checked). */
  readonly notBefore: number | undefined;
  readonly expires: number;
  /** Milliseconds since the epoch after which the entry is verified again in full (key rotation, see maxAgeMs). */
  readonly recheckAtMs: number;
}

export interface VerifiedTokensOptions {
  /** Most tokens kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** Slack for clock drift, in seconds: the same the verifier applies to `exp` and `nbf`. */
  readonly clockToleranceSeconds: number;
  /**
   * Longest an entry is trusted without verifying the signature again: with a remote JWKS, the age after which its
   * keys are fetched again, so a key withdrawn from the JWKS stops working as soon as it would without this cache.
   */
  readonly maxAgeMs?: number | undefined;
}

/**
 * Verified tokens by their exact compact text (header, payload and signature), bounded, least recently used first
 * out. A hit is only returned while the token's own time claims still pass at the caller's `now`, with the verifier's
 * tolerance: an expired token is dropped and verified again, and so refused exactly as it would be without the cache.
 * Nothing refused is kept, so a bad token always meets the full verification.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Verified>();

  constructor(private readonly options: VerifiedTokensOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The principal of a token verified before, while its time claims hold at `now`; undefined otherwise. */
  get(token: string, now: Date): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    const nowMs = now.getTime();
    const nowSeconds = Math.floor(nowMs / 1000);
    const tolerance = this.options.clockToleranceSeconds;
    const timely = entry.expires > nowSeconds - tolerance && (entry.notBefore === undefined || entry.notBefore <= nowSeconds + tolerance);
    this.entries.delete(token);
    if (!timely || nowMs >= entry.recheckAtMs) return undefined;
    this.entries.set(token, entry); // most recently used last
    return entry.principal;
  }

  /** Keeps a token that has just passed every check. */
  set(token: string, principal: Principal, claims: { readonly exp: number; readonly nbf?: number | undefined }, now: Date): void {
    const recheckAtMs = now.getTime() + (this.options.maxAgeMs ?? Number.POSITIVE_INFINITY);
    this.entries.delete(token);
    this.entries.set(token, { principal: freeze(principal), notBefore: claims.nbf, expires: claims.exp, recheckAtMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** One principal object answers many calls: none of them may change it for the others. */
function freeze(principal: Principal): Principal {
  if (principal.amr !== undefined) Object.freeze(principal.amr);
  Object.freeze(principal.roles);
  return Object.freeze(principal);
}
