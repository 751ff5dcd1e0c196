import { isSignatureAlgorithm, type SignatureAlgorithmName } from "./algorithms.js";
import { checkCertificate, type Certificate, type TrustAnchor } from "./certificate.js";
import { CertificateAuthorityError, type CertificateAuthority, type IssueRequest } from "./certificateAuthority.js";
import { assertValidIssueRequest, certifiesRequest } from "./issueRequest.js";
import { isValidPublicKey } from "./signatures.js";

export interface HttpCertificateAuthorityOptions {
  /** E.g. "https://ca.example.cn/api/v1"; the paths below are appended to it. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The CA's certificate-signing key, from configuration: every returned certificate is checked against it. */
  readonly anchor: { name: string; algorithm: SignatureAlgorithmName; publicKey: string };
  /** Per HTTP request; default 10 s. */
  readonly timeoutMs?: number;
}

interface CachedToken {
  readonly value: string;
  readonly refreshAt: number;
}

const DEFAULT_TOKEN_LIFETIME_S = 300;

/**
 * Adapter to a production CA over HTTPS (protocol in README.md): OAuth 2.0 client-credentials token from
 * POST {baseUrl}/oauth/token, then POST {baseUrl}/certificates and POST {baseUrl}/certificates/{serial}/revocation
 * with the bearer token. Nothing the CA returns is trusted before it verifies against the configured anchor and
 * certifies exactly what was requested. No automatic retries of issue (it is not idempotent); a 401 is retried
 * once with a fresh token, as the CA did not act on it.
 */
export class HttpCertificateAuthority implements CertificateAuthority {
  readonly name: string;
  readonly #baseUrl: string;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #anchor: TrustAnchor;
  readonly #timeoutMs: number;
  #token: Promise<CachedToken> | undefined;

  constructor(options: HttpCertificateAuthorityOptions) {
    const { anchor } = options;
    if (!isSignatureAlgorithm(anchor.algorithm) || !isValidPublicKey(anchor.algorithm, anchor.publicKey)) {
      throw new TypeError("HttpCertificateAuthority: the trust anchor's public key is not valid for its algorithm");
    }
    this.name = anchor.name;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#anchor = { name: anchor.name, algorithm: anchor.algorithm, publicKey: anchor.publicKey.toLowerCase() };
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  trustAnchor(): TrustAnchor {
    return this.#anchor;
  }

  async issue(request: IssueRequest): Promise<Certificate> {
    assertValidIssueRequest(request);
    const response = await this.#authorized("POST", "/certificates", {
      subjectId: request.subjectId,
      subjectName: request.subjectName,
      algorithm: request.algorithm,
      publicKey: request.publicKey.toLowerCase(),
      notBefore: request.notBefore.toISOString(),
      notAfter: request.notAfter.toISOString(),
    });
    if (response.status !== 200 && response.status !== 201) throw await failure(response, "issue");
    const body = await readJson(response);
    const cert = body as Certificate;
    const check = typeof body === "object" && body !== null ? checkCertificate(cert, this.#anchor, request.notBefore) : "not an object";
    if (check !== "OK") throw new CertificateAuthorityError("CA_RESPONSE_INVALID", `CA returned a certificate that fails its check: ${check}`);
    if (!certifiesRequest(cert, request)) {
      throw new CertificateAuthorityError("CA_RESPONSE_INVALID", "CA returned a certificate for other subject, key or validity");
    }
    return cert;
  }

  async revoke(serial: string, reason: string, at: Date): Promise<void> {
    if (typeof serial !== "string" || serial === "" || Number.isNaN(at.getTime())) {
      throw new CertificateAuthorityError("CA_REQUEST_INVALID", "revocation needs a serial and a valid time");
    }
    const path = `/certificates/${encodeURIComponent(serial)}/revocation`;
    const response = await this.#authorized("POST", path, { reason, revokedAt: at.toISOString() });
    await response.body?.cancel();
    // 409: already revoked, which is what the caller wants.
    if (response.ok || response.status === 409) return;
    throw await failure(response, "revoke");
  }

  async #authorized(method: string, path: string, body: unknown): Promise<Response> {
    const first = await this.#accessToken();
    const response = await this.#send(method, path, body, first.value);
    if (response.status !== 401) return response;
    await response.body?.cancel();
    // Drop the rejected token unless a concurrent call already replaced it; then share one new token.
    if (this.#token === first.source) this.#token = undefined;
    return this.#send(method, path, body, (await this.#accessToken()).value);
  }

  #send(method: string, path: string, body: unknown, token: string): Promise<Response> {
    return this.#fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
  }

  async #accessToken(): Promise<{ value: string; source: Promise<CachedToken> }> {
    const cached = this.#token ?? this.#startTokenRequest();
    const token = await cached;
    if (Date.now() < token.refreshAt) return { value: token.value, source: cached };
    if (this.#token === cached) this.#token = undefined;
    // A fresh token is used even if the CA grants a lifetime too short to cache it.
    const source = this.#token ?? this.#startTokenRequest();
    return { value: (await source).value, source };
  }

  /** One token request at a time: concurrent callers share it; a failed request is not cached. */
  #startTokenRequest(): Promise<CachedToken> {
    const pending = this.#requestToken();
    this.#token = pending;
    pending.catch(() => {
      if (this.#token === pending) this.#token = undefined;
    });
    return pending;
  }

  async #requestToken(): Promise<CachedToken> {
    const basic = Buffer.from(`${encodeURIComponent(this.#clientId)}:${encodeURIComponent(this.#clientSecret)}`).toString("base64");
    const response = await this.#fetch(`${this.#baseUrl}/oauth/token`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials" }).toString(),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new CertificateAuthorityError("CA_UNAVAILABLE", `CA token request failed with HTTP ${response.status}`);
    }
    const body = (await readJson(response)) as { access_token?: unknown; token_type?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== "string" || body.access_token === "" || String(body.token_type).toLowerCase() !== "bearer") {
      throw new CertificateAuthorityError("CA_RESPONSE_INVALID", "CA token response has no bearer access_token");
    }
    const lifetime = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    // Refresh before expiry so a request never leaves with a token that dies in flight.
    return { value: body.access_token, refreshAt: Date.now() + Math.max(lifetime * 500, lifetime * 1000 - 30_000) };
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      throw new CertificateAuthorityError("CA_UNAVAILABLE", `CA unreachable: ${describe(error)}`, { cause: error });
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    throw new CertificateAuthorityError("CA_RESPONSE_INVALID", "CA response is not JSON", { cause: error });
  }
}

/** Maps a non-success status. The CA's own error code is kept; its free text is not (it may echo personal data). */
async function failure(response: Response, operation: string): Promise<CertificateAuthorityError> {
  let code = "";
  try {
    const body = (await response.json()) as { error?: unknown } | null;
    if (typeof body?.error === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(body.error)) code = ` (${body.error})`;
  } catch {
    // no JSON body
  }
  const message = `CA ${operation} failed with HTTP ${response.status}${code}`;
  if (response.status === 404) return new CertificateAuthorityError("CA_CERTIFICATE_NOT_FOUND", message);
  if (response.status === 400 || response.status === 422) return new CertificateAuthorityError("CA_REQUEST_INVALID", message);
  if (response.status === 401 || response.status === 403 || response.status >= 500) {
    return new CertificateAuthorityError("CA_UNAVAILABLE", message);
  }
  return new CertificateAuthorityError("CA_REJECTED", message);
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}
