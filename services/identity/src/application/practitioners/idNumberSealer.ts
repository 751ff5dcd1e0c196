import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Keeps practitioners' ID numbers out of the log in clear (ARCHITECTURE §5): AES-256-GCM under one local key, the
 * practitioner id bound in as associated data so a sealed value cannot be moved to another practitioner.
 *
 * A stop-gap, not the platform's envelope encryption: one key for all practitioners (no per-subject erasure) and a
 * key file next to the data. Replace with the PII helper once identity has one (per-subject keys, KMS in production).
 */
export interface IdNumberSealer {
  seal(idNumber: string, practitionerId: string): string;
  open(sealed: string, practitionerId: string): string;
}

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;

export function createIdNumberSealer(key: Buffer): IdNumberSealer {
  if (key.length !== KEY_BYTES) throw new Error("the practitioner ID-number key must be 32 bytes");
  return {
    seal(idNumber, practitionerId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(practitionerId, "utf8"));
      const body = Buffer.concat([cipher.update(idNumber, "utf8"), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
    },
    open(sealed, practitionerId) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
        throw new Error("not a sealed ID number");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(practitionerId, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/**
 * The key from `file` (hex), created with mode 0600 when missing. `undefined` (DATA_DIR=:memory:) keeps a fresh key in
 * memory: such data does not outlive the process anyway.
 */
export async function openIdNumberSealer(file: string | undefined): Promise<IdNumberSealer> {
  if (file === undefined) return createIdNumberSealer(randomBytes(KEY_BYTES));
  try {
    return createIdNumberSealer(Buffer.from((await readFile(file, "utf8")).trim(), "hex"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(KEY_BYTES);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, key.toString("hex"), { mode: 0o600, flag: "wx" });
  await chmod(file, 0o600);
  return createIdNumberSealer(key);
}
