import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readOrCreateKeyFile } from "@ihp/eventsourcing";
import { isSafeId } from "./ids.js";

// The institution's e-seal for copies (REC-10). Identity keeps clinicians' signing keys and certificates but holds no
// key of an institution (IDN-09's "seal filed with the authorities" is not modelled there), so the records service
// keeps the smallest honest one itself: an ECDSA P-256 key per institution, made on its first copy, the private key
// in a file (PKCS #8 PEM, mode 0600) under the service's seal folder, the public key published through
// GetInstitutionSeal so anyone holding a copy can verify it. Not a CA-issued certificate and not an HSM; a filed
// seal certificate from a CA would replace this key store behind the same port.

export const SEAL_ALGORITHM = "ECDSA_P256_SHA256";

/** The seal over a copy: ECDSA P-256 with SHA-256 over the 32-byte SHA-256 digest of the copy's bytes. */
export interface InstitutionSeal {
  readonly institutionId: string;
  readonly keyId: string;
  readonly algorithm: string;
  /** base64 DER */
  readonly value: string;
  /** hex SHA-256 of the copy's bytes */
  readonly sealedHash: string;
}

export interface SealPublicKey {
  readonly institutionId: string;
  readonly keyId: string;
  readonly algorithm: string;
  /** SPKI PEM */
  readonly publicKey: string;
}

export type SealCheck = { readonly valid: true; readonly reason: "" } | { readonly valid: false; readonly reason: "HASH_MISMATCH" | "UNKNOWN_SEAL_KEY" | "BAD_SIGNATURE" | "MALFORMED" };

export interface SealKeys {
  /** The institution's key, made on first use. */
  seal(institutionId: string, contentHashHex: string): Promise<InstitutionSeal>;
  /** The published key, or undefined when the institution never sealed anything. */
  publicKey(institutionId: string): Promise<SealPublicKey | undefined>;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

export const sha256Hex = (content: string): string => createHash("sha256").update(content, "utf8").digest("hex");

const keyIdOf = (publicKey: KeyObject): string => createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);

const absent = (error: unknown): undefined => {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  return undefined;
};

/** Seal keys in a folder (one PEM per institution), or in memory when `dir` is undefined (tests). */
export function createSealKeys(options: { readonly dir: string | undefined }): SealKeys {
  const memory = new Map<string, KeyObject>();
  async function load(institutionId: string, create: boolean): Promise<KeyObject | undefined> {
    if (!isSafeId(institutionId)) return undefined;
    const cached = memory.get(institutionId);
    if (cached !== undefined || options.dir === undefined) {
      if (cached !== undefined || !create) return cached;
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      memory.set(institutionId, privateKey);
      return privateKey;
    }
    const file = join(options.dir, `${institutionId}.pem`);
    // Replicas share the folder: the key appears whole or not at all, and racing replicas end with one key.
    const newKey = (): string => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const pem = create ? await readOrCreateKeyFile(file, newKey) : await readFile(file, "utf8").catch(absent);
    if (pem === undefined) return undefined;
    const key = createPrivateKey(pem);
    memory.set(institutionId, key);
    return key;
  }
  return {
    async seal(institutionId, contentHashHex) {
      if (!HEX_HASH.test(contentHashHex)) throw new Error("the sealed hash must be SHA-256 hex");
      const privateKey = await load(institutionId, true);
      if (privateKey === undefined) throw new Error("no seal key for an unsafe institution id");
      const value = sign("sha256", Buffer.from(contentHashHex, "hex"), privateKey).toString("base64");
      return { institutionId, keyId: keyIdOf(createPublicKey(privateKey)), algorithm: SEAL_ALGORITHM, value, sealedHash: contentHashHex };
    },
    async publicKey(institutionId) {
      const privateKey = await load(institutionId, false);
      if (privateKey === undefined) return undefined;
      const publicKey = createPublicKey(privateKey);
      return { institutionId, keyId: keyIdOf(publicKey), algorithm: SEAL_ALGORITHM, publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() };
    },
  };
}

/**
 * Anyone's check of a copy (REC-10): the bytes (or their SHA-256) match the sealed hash, the key is the institution's
 * published one, and the signature verifies. Pure apart from the key lookup.
 */
export async function checkSeal(keys: SealKeys, contentHashHex: string, seal: InstitutionSeal): Promise<SealCheck> {
  if (!HEX_HASH.test(contentHashHex) || !HEX_HASH.test(seal.sealedHash) || seal.value === "") return { valid: false, reason: "MALFORMED" };
  if (contentHashHex !== seal.sealedHash) return { valid: false, reason: "HASH_MISMATCH" };
  const published = await keys.publicKey(seal.institutionId);
  if (published === undefined || published.keyId !== seal.keyId || seal.algorithm !== SEAL_ALGORITHM) return { valid: false, reason: "UNKNOWN_SEAL_KEY" };
  const ok = verify("sha256", Buffer.from(contentHashHex, "hex"), createPublicKey(published.publicKey), Buffer.from(seal.value, "base64"));
  return ok ? { valid: true, reason: "" } : { valid: false, reason: "BAD_SIGNATURE" };
}
