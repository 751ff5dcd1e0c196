import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";

import { canonicalJson } from "../canonicalJson.js";
import type { LogPosition } from "../types.js";

/**
 * ECDSA P-256 with SHA-256, through Node's OpenSSL. Not SM2: the project's SM2 runs in JavaScript (sm-crypto-v2) and
 * a checkpoint is the service's own integrity seal, not a practitioner's e-signature under the e-signature law;
 * OpenSSL P-256 is fast and any outside party can check it with stock tools.
 */
export const CHECKPOINT_ALGORITHM = "ECDSA_P256_SHA256";

/** The head of a log: its last position and that event's hash (START and GENESIS_HASH when empty). */
export interface LogHead {
  readonly position: LogPosition;
  readonly hash: string;
}

/**
 * A signed statement "log `log` reached `position` with head hash `headHash` at `signedAt`". Kept outside the event
 * table and published, so rewriting or cutting the log before `position` no longer verifies against it.
 */
export interface LogCheckpoint {
  readonly version: 1;
  /** The service's context, e.g. "consult". */
  readonly log: string;
  /** Decimal: positions may exceed 2^53. */
  readonly position: string;
  readonly headHash: string;
  /** RFC 3339, from the service clock. */
  readonly signedAt: string;
  readonly algorithm: typeof CHECKPOINT_ALGORITHM;
  /** Signer's public key, uncompressed point "04"+x+y in hex (the @ihp/signatures format). */
  readonly publicKey: string;
  /** Base64 DER ECDSA signature over checkpointToBeSigned. */
  readonly signature: string;
  /** Optional RFC 3161 TimeStampResp (base64 DER) over timestampDigest: added after signing, outside the signature. */
  readonly timestamp?: string;
}

/** Why a checkpoint is not accepted as evidence. */
export type CheckpointRejection =
  /** Not a version-1 checkpoint of this shape. */
  | "CHECKPOINT_MALFORMED"
  /** Signed by a key other than the one the verifier trusts. */
  | "CHECKPOINT_UNTRUSTED_KEY"
  /** The signature does not verify over the checkpoint's content. */
  | "CHECKPOINT_SIGNATURE_INVALID"
  /** A checkpoint of another service's log. */
  | "CHECKPOINT_OTHER_LOG"
  /** A trusted time-stamp authority was required and the checkpoint's RFC 3161 token is missing or does not verify. */
  | "CHECKPOINT_TIMESTAMP_INVALID";

/** The bytes a checkpoint's signature covers: canonical JSON of every field except the signature. */
export function checkpointToBeSigned(checkpoint: Omit<LogCheckpoint, "signature">): Uint8Array {
  const { version, log, position, headHash, signedAt, algorithm, publicKey } = checkpoint;
  return Buffer.from(canonicalJson({ version, log, position, headHash, signedAt, algorithm, publicKey }), "utf8");
}

/** A service's checkpoint signing key. The private half never leaves this object. */
export class CheckpointSigner {
  readonly publicKey: string;
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
    this.publicKey = publicKeyHex(createPublicKey(key));
  }

  static generate(): CheckpointSigner {
    return new CheckpointSigner(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
  }

  /** From a PKCS#8 PEM private key; throws when it is not a P-256 key. */
  static fromPem(pem: string): CheckpointSigner {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new Error("a checkpoint key must be an ECDSA P-256 private key");
    }
    return new CheckpointSigner(key);
  }

  /** PKCS#8 PEM, for the key file. */
  toPem(): string {
    return this.#key.export({ format: "pem", type: "pkcs8" }).toString();
  }

  sign(log: string, head: LogHead, signedAt: Date): LogCheckpoint {
    const unsigned: Omit<LogCheckpoint, "signature"> = {
      version: 1,
      log,
      position: head.position.toString(),
      headHash: head.hash,
      signedAt: signedAt.toISOString(),
      algorithm: CHECKPOINT_ALGORITHM,
      publicKey: this.publicKey,
    };
    const signature = sign("sha256", checkpointToBeSigned(unsigned), this.#key).toString("base64");
    return { ...unsigned, signature };
  }
}

/**
 * Checks a checkpoint against the one public key the verifier trusts (never against the key the checkpoint names:
 * a forger signs with their own). `log`, when given, must be the checkpoint's log. Never throws.
 */
export function checkCheckpoint(
  value: unknown,
  trustedPublicKey: string,
  log?: string,
): { readonly ok: true; readonly checkpoint: LogCheckpoint } | { readonly ok: false; readonly reason: CheckpointRejection } {
  if (!isCheckpointShape(value)) return { ok: false, reason: "CHECKPOINT_MALFORMED" };
  if (value.publicKey.toLowerCase() !== trustedPublicKey.toLowerCase()) return { ok: false, reason: "CHECKPOINT_UNTRUSTED_KEY" };
  let valid: boolean;
  try {
    const key = createPublicKey({ key: jwkOf(trustedPublicKey), format: "jwk" });
    valid = verify("sha256", checkpointToBeSigned(value), key, Buffer.from(value.signature, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: "CHECKPOINT_SIGNATURE_INVALID" };
  if (log !== undefined && value.log !== log) return { ok: false, reason: "CHECKPOINT_OTHER_LOG" };
  return { ok: true, checkpoint: value };
}

function isCheckpointShape(value: unknown): value is LogCheckpoint {
  if (typeof value !== "object" || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    c["version"] === 1 &&
    c["algorithm"] === CHECKPOINT_ALGORITHM &&
    typeof c["log"] === "string" &&
    typeof c["position"] === "string" &&
    /^[1-9][0-9]*$/.test(c["position"]) &&
    typeof c["headHash"] === "string" &&
    /^[0-9a-f]{64}$/.test(c["headHash"]) &&
    typeof c["signedAt"] === "string" &&
    typeof c["publicKey"] === "string" &&
    /^04[0-9a-fA-F]{128}$/.test(c["publicKey"]) &&
    typeof c["signature"] === "string" &&
    c["signature"].length > 0 &&
    (c["timestamp"] === undefined || typeof c["timestamp"] === "string")
  );
}

function publicKeyHex(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" });
  const coordinate = (value: string | undefined): string => Buffer.from(value ?? "", "base64url").toString("hex").padStart(64, "0");
  return `04${coordinate(jwk.x)}${coordinate(jwk.y)}`;
}

function jwkOf(publicKey: string): { kty: "EC"; crv: "P-256"; x: string; y: string } {
  const b64 = (hex: string): string => Buffer.from(hex, "hex").toString("base64url");
  return { kty: "EC", crv: "P-256", x: b64(publicKey.slice(2, 66)), y: b64(publicKey.slice(66, 130)) };
}
