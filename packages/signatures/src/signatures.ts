import { createHash } from "node:crypto";
import { isSignatureAlgorithm, type SignatureAlgorithmName } from "./algorithms.js";
import { generateP256KeyPair, isP256PublicKey, p256PublicKeyOf, signP256, verifyP256 } from "./ecdsaP256.js";
import { generateSm2KeyPair, isSm2PublicKey, signSm2, sm2PublicKeyOf, verifySm2 } from "./sm2.js";
import { sm3 } from "./sm3.js";

export interface KeyPair {
  readonly algorithm: SignatureAlgorithmName;
  /** Uncompressed point, lower-case hex "04" + x + y (130 characters). */
  readonly publicKey: string;
  /** The private scalar, lower-case hex, 64 characters. */
  readonly privateKey: string;
}

export function generateKeyPair(algorithm: SignatureAlgorithmName): KeyPair {
  const pair = pick(algorithm, generateSm2KeyPair, generateP256KeyPair)();
  return { algorithm, publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** The public key of a private key; throws when the private key is malformed or out of range. */
export function publicKeyOf(algorithm: SignatureAlgorithmName, privateKeyHex: string): string {
  return pick(algorithm, sm2PublicKeyOf, p256PublicKeyOf)(privateKeyHex);
}

/** Whether the hex string is an uncompressed point on the algorithm's curve. */
export function isValidPublicKey(algorithm: SignatureAlgorithmName, publicKeyHex: string): boolean {
  return isSignatureAlgorithm(algorithm) && pick(algorithm, isSm2PublicKey, isP256PublicKey)(publicKeyHex);
}

/**
 * Signs the message (the canonical document bytes): ECDSA-SHA256 over P-256, or SM2 over SM3(Z_A || M) with the
 * default user id. Returns the DER-encoded signature. Throws when the private key is malformed.
 */
export function signMessage(algorithm: SignatureAlgorithmName, privateKeyHex: string, message: Uint8Array): Uint8Array {
  return pick(algorithm, signSm2, signP256)(privateKeyHex, message);
}

/** Never throws: malformed keys, signatures or algorithm names verify as false. */
export function verifyMessage(
  algorithm: SignatureAlgorithmName,
  publicKeyHex: string,
  message: Uint8Array,
  signatureDer: Uint8Array,
): boolean {
  try {
    if (typeof publicKeyHex !== "string" || !(message instanceof Uint8Array) || !(signatureDer instanceof Uint8Array)) return false;
    switch (algorithm) {
      case "SM2_SM3":
        return verifySm2(publicKeyHex, message, signatureDer);
      case "ECDSA_P256_SHA256":
        return verifyP256(publicKeyHex, message, signatureDer);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** SHA-256 (ECDSA) or SM3 (SM2) of the message: the "document hash" recorded on events. */
export function documentHash(algorithm: SignatureAlgorithmName, message: Uint8Array): Uint8Array {
  return pick(algorithm, sm3, sha256)(message);
}

function sha256(message: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(message).digest());
}

// Values from outside the type system (JSON, gRPC) may carry any string: an unknown name must not fall through to
// some default algorithm.
function pick<T>(algorithm: SignatureAlgorithmName, sm2Choice: T, p256Choice: T): T {
  switch (algorithm) {
    case "SM2_SM3":
      return sm2Choice;
    case "ECDSA_P256_SHA256":
      return p256Choice;
    default:
      throw new TypeError(`unknown signature algorithm ${String(algorithm)}`);
  }
}
