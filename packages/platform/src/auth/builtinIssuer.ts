import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readOrCreateKeyFile } from "@ihp/eventsourcing";
import {
  calculateJwkThumbprint,
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from "jose";
import { CLAIMS } from "./claims.js";
import { defaultKindOf, type PrincipalKind, type Role } from "./principal.js";

export const TOKEN_ALGORITHM = "ES256";

export interface BuiltinIssuerOptions {
  /** `iss` of issued tokens, e.g. "urn:ihp:builtin" or the gateway's URL. */
  readonly issuer: string;
  /** Default `aud` of issued tokens. */
  readonly audience: string;
  /** JSON file holding the private key; created on first start. In memory only when omitted (tests). */
  readonly keyFile?: string | undefined;
  readonly defaultTtlSeconds?: number;
  /** Clock, injected so tests can issue tokens in the past instead of waiting for them to expire. */
  readonly now?: () => Date;
}

export interface TokenRequest {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly tenantId: string;
  readonly kind?: PrincipalKind;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** Seconds since the epoch of the person's last active authentication. */
  readonly authTime?: number;
  /** Login session id (`sid`). */
  readonly sessionId?: string;
  readonly ttlSeconds?: number;
  readonly audience?: string;
}

/** Where the embedded mode keeps the issuer key, under DATA_DIR. */
export function defaultIssuerKeyFile(dataDir: string): string {
  return join(dataDir, "auth", "issuer-es256.jwk.json");
}

/**
 * Issues ES256 access tokens in the embedded mode and in tests, where no OIDC provider runs. Its public keys are
 * served as a JWKS that TokenVerifier checks against, the same path production tokens take.
 */
export class BuiltinIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly kid: string,
    private readonly options: BuiltinIssuerOptions,
  ) {}

  static async create(options: BuiltinIssuerOptions): Promise<BuiltinIssuer> {
    const privateJwk = options.keyFile === undefined ? await generatePrivateJwk() : await loadOrCreate(options.keyFile);
    const { d: _d, ...publicFields } = privateJwk;
    const kid = await calculateJwkThumbprint(publicFields);
    const publicJwk: JWK = { ...publicFields, kid, alg: TOKEN_ALGORITHM, use: "sig" };
    const privateKey = await importJWK(privateJwk, TOKEN_ALGORITHM);
    if (privateKey instanceof Uint8Array) throw new Error("issuer key is not an EC key");
    return new BuiltinIssuer(privateKey, publicJwk, kid, options);
  }

  get issuer(): string {
    return this.options.issuer;
  }

  get audience(): string {
    return this.options.audience;
  }

  /** Public keys, for TokenVerifier.fromJwks and for a /.well-known/jwks.json route. */
  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk }] };
  }

  async issue(request: TokenRequest): Promise<string> {
    const nowSeconds = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    const ttl = request.ttlSeconds ?? this.options.defaultTtlSeconds ?? 900;
    const claims: Record<string, unknown> = {
      [CLAIMS.roles]: [...request.roles],
      [CLAIMS.tenant]: request.tenantId,
      [CLAIMS.kind]: request.kind ?? defaultKindOf(request.roles),
    };
    if (request.acr !== undefined) claims[CLAIMS.acr] = request.acr;
    if (request.amr !== undefined) claims[CLAIMS.amr] = [...request.amr];
    if (request.authTime !== undefined) claims[CLAIMS.authTime] = request.authTime;
    if (request.sessionId !== undefined) claims[CLAIMS.sessionId] = request.sessionId;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: this.kid, typ: "JWT" })
      .setSubject(request.subject)
      .setIssuer(this.options.issuer)
      .setAudience(request.audience ?? this.options.audience)
      .setIssuedAt(nowSeconds)
      .setNotBefore(nowSeconds)
      .setExpirationTime(nowSeconds + ttl)
      .sign(this.privateKey);
  }
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  return exportJWK(privateKey);
}

function isEcPrivateJwk(value: unknown): value is JWK {
  if (typeof value !== "object" || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return jwk["kty"] === "EC" && jwk["crv"] === "P-256" && ["x", "y", "d"].every((k) => typeof jwk[k] === "string");
}

async function loadOrCreate(keyFile: string): Promise<JWK> {
  const existing = await readKeyFile(keyFile);
  if (existing !== undefined) return existing;
  const jwk = await generatePrivateJwk();
  // Written aside, fsynced and hard-linked into place (readOrCreateKeyFile): the file appears complete or not at all,
  // and when two processes race on first start the loser adopts the winner's key instead of signing with one nobody
  // can verify. Read back through the checks below, whichever key won.
  await readOrCreateKeyFile(keyFile, () => JSON.stringify(jwk));
  const stored = await readKeyFile(keyFile);
  if (stored === undefined) throw new Error("issuer key file vanished after creation");
  return stored;
}

async function readKeyFile(keyFile: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(keyFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // Messages name the file, never its content (JSON.parse quotes the text it chokes on): it is a private key.
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${keyFile} is not valid JSON`);
  }
  if (!isEcPrivateJwk(parsed)) throw new Error(`${keyFile} does not hold an ES256 private key`);
  return { kty: parsed.kty, crv: parsed.crv, x: parsed.x, y: parsed.y, d: parsed.d };
}
