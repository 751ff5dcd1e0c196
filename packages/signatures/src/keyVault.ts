import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeBase64, encodeBase64 } from "./bytes.js";
import { readOrCreateSecretFile } from "./secretFile.js";

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MASTER_KEY_BYTES = 32;

export interface LocalKeyVaultOptions {
  /** File holding the 32-byte master key, created (mode 0600) on first use; undefined: an in-memory key (tests). */
  readonly masterKeyFile?: string;
}

export class KeyVaultError extends Error {
  override readonly name = "KeyVaultError";
}

/**
 * Private keys at rest: AES-256-GCM under one master key. The associated data binds a sealed value to its owner
 * and purpose (e.g. "signing-key:<practitionerId>:<serial>"), so a sealed key copied to another record does not
 * open there.
 */
export class LocalKeyVault {
  readonly #masterKey: Buffer;

  private constructor(masterKey: Uint8Array) {
    this.#masterKey = Buffer.from(masterKey);
  }

  static async open(options: LocalKeyVaultOptions): Promise<LocalKeyVault> {
    if (options.masterKeyFile === undefined) return new LocalKeyVault(randomBytes(MASTER_KEY_BYTES));
    const key = await readOrCreateSecretFile(options.masterKeyFile, () => randomBytes(MASTER_KEY_BYTES));
    if (key.length !== MASTER_KEY_BYTES) {
      throw new KeyVaultError(`master key file ${options.masterKeyFile} must hold exactly ${MASTER_KEY_BYTES} bytes`);
    }
    return new LocalKeyVault(key);
  }

  /** Base64 of version (1 byte) || iv (12) || tag (16) || ciphertext. */
  seal(plaintext: Uint8Array, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return encodeBase64(Buffer.concat([Buffer.of(FORMAT_VERSION), iv, cipher.getAuthTag(), ciphertext]));
  }

  /** Throws KeyVaultError when the value was altered, sealed under another key, or with other associated data. */
  open(sealed: string, associatedData: string): Uint8Array {
    const bytes = typeof sealed === "string" ? decodeBase64(sealed) : undefined;
    if (bytes === undefined || bytes.length < 1 + IV_BYTES + TAG_BYTES) throw new KeyVaultError("sealed value is malformed");
    if (bytes[0] !== FORMAT_VERSION) throw new KeyVaultError(`unknown sealed format version ${String(bytes[0])}`);
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const ciphertext = bytes.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#masterKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(tag);
      return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
    } catch (error) {
      throw new KeyVaultError("sealed value failed authentication", { cause: error });
    }
  }
}
