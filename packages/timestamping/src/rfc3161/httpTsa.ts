import { TimestampError } from "../errors.js";
import type { Digest, TimestampAuthority, TimestampToken, VerifiedTimestamp } from "../port.js";
import { checkClockSkew } from "../skew.js";
import { newNonce, timeStampRequest, timeStampResponseToken } from "./request.js";
import { readTsaCertificate, type TsaCertificate } from "./tsaCertificate.js";
import { checkDigest, verifyRfc3161Token } from "./verify.js";

export interface HttpTsaOptions {
  /** The TSA's HTTP endpoint (RFC 3161 §3.4: POST application/timestamp-query). */
  readonly url: string;
  /** The TSA's certificate (PEM or DER): the only key whose tokens are accepted. */
  readonly tsaCertificate: string | Uint8Array;
  /** Largest allowed difference between the TSA's time and the local clock (the profile's threshold). */
  readonly maxSkewMs: number;
  /** The local clock (injected in tests). */
  readonly now?: () => Date;
  /** TSA policy OID to request; the TSA's default when absent. */
  readonly policy?: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** RFC 3161 over HTTP. */
export class HttpRfc3161Authority implements TimestampAuthority {
  readonly profile = "RFC3161" as const;
  private readonly cert: TsaCertificate;
  private readonly now: () => Date;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpTsaOptions) {
    this.cert = readTsaCertificate(options.tsaCertificate);
    this.now = options.now ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
    checkClockSkew(new Date(0), new Date(0), options.maxSkewMs); // refuses a nonsensical threshold at start-up
  }

  async stamp(digest: Digest): Promise<TimestampToken> {
    checkDigest(digest);
    const nonce = newNonce();
    const answer = await this.post(timeStampRequest(digest, nonce, this.options.policy));
    const token = timeStampResponseToken(answer);
    const { nonce: echoed, ...verified } = verifyRfc3161Token(token, digest, this.cert);
    if (echoed !== nonce) throw new TimestampError("TIMESTAMP_MISMATCH", "The TSA's token does not carry the request's nonce.");
    checkClockSkew(verified.genTime, this.now(), this.options.maxSkewMs);
    return { ...verified, token };
  }

  verify(token: Uint8Array, digest: Digest): Promise<VerifiedTimestamp> {
    return Promise.resolve().then(() => {
      const { nonce: _nonce, ...verified } = verifyRfc3161Token(token, digest, this.cert);
      return verified;
    });
  }

  private async post(body: Uint8Array): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new TimestampError("TSA_UNAVAILABLE", `The TSA at ${this.options.url} cannot be reached.`, { cause: error });
    }
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !type.toLowerCase().startsWith("application/timestamp-reply")) {
      await response.body?.cancel();
      throw new TimestampError("TSA_UNAVAILABLE", `The TSA at ${this.options.url} answered HTTP ${response.status} (${type || "no content type"}).`);
    }
    return readCapped(response, this.options.url);
  }
}

/** A TimeStampResp is a few kilobytes; an answer over this is refused rather than read into memory. */
const MAX_RESPONSE_BYTES = 256 * 1024;

async function readCapped(response: Response, url: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new TimestampError("TSA_UNAVAILABLE", `The TSA at ${url} sent more than ${MAX_RESPONSE_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
