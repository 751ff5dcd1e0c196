import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { readOrCreateKeyFileBytes } from "@ihp/eventsourcing";

/**
 * Envelope encryption of patients' identifying fields (ARCHITECTURE §5): one data key per patient, wrapped by a key
 * derived from the master key file and kept outside the event log, so that destroying a patient's key erases their
 * name and ID number everywhere the log is copied, while the hash chain (over the ciphertext) still verifies. The
 * blind index (HMAC under a second derived key) finds a second registration of the same document without storing it.
 */
export interface PatientKeyRing {
  /** Seals `plaintext` with the patient's data key (created on first use); `purpose` is bound as associated data. */
  seal(patientId: string, purpose: string, plaintext: string): Promise<string>;
  /** Opens a sealed value; undefined when the patient's key was destroyed. Throws when the value was tampered with. */
  open(patientId: string, purpose: string, sealed: string): Promise<string | undefined>;
  /** Erases the patient's data key: everything sealed with it becomes unreadable. */
  destroy(patientId: string): Promise<void>;
  /** Keyed blind index (hex HMAC-SHA256) of a normalised value. */
  readonly blindIndex: (value: string) => string;
}

const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const SAFE_ID = /^[0-9a-f-]{36}$/;

/**
 * Keys under `<dataDir>/identity-keys/`: `patient-master.key` (32 random bytes, 0600) and one wrapped data key per
 * patient in `patients/<patientId>.key`. `:memory:` keeps everything in memory (tests).
 */
export async function openPatientKeyRing(dataDir: string): Promise<PatientKeyRing> {
  if (dataDir === ":memory:") return keyRing(randomBytes(KEY_BYTES), memoryStore());
  const root = join(dataDir, "identity-keys");
  const master = await readOrCreate(join(root, "patient-master.key"), () => randomBytes(KEY_BYTES));
  if (master.length !== KEY_BYTES) throw new Error(`${join(root, "patient-master.key")} must hold ${KEY_BYTES} bytes`);
  return keyRing(master, fileStore(join(root, "patients")));
}

interface WrappedKeyStore {
  read(patientId: string): Promise<Buffer | undefined>;
  /** Writes the wrapped key unless one exists; returns what is stored afterwards (the first writer wins). */
  create(patientId: string, wrapped: Buffer): Promise<Buffer>;
  remove(patientId: string): Promise<void>;
}

function keyRing(master: Buffer, store: WrappedKeyStore): PatientKeyRing {
  const wrapKey = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "ihp identity patient key wrap", KEY_BYTES));
  const indexKey = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "ihp identity blind index", KEY_BYTES));

  async function existingKey(patientId: string): Promise<Buffer | undefined> {
    const wrapped = await store.read(requireSafeId(patientId));
    return wrapped === undefined ? undefined : decrypt(wrapKey, wrapped, `patient-data-key:${patientId}`);
  }

  async function dataKey(patientId: string): Promise<Buffer> {
    const existing = await existingKey(patientId);
    if (existing !== undefined) return existing;
    const wrapped = encrypt(wrapKey, randomBytes(KEY_BYTES), `patient-data-key:${patientId}`);
    return decrypt(wrapKey, await store.create(requireSafeId(patientId), wrapped), `patient-data-key:${patientId}`);
  }

  return {
    async seal(patientId, purpose, plaintext) {
      const key = await dataKey(patientId);
      return encrypt(key, Buffer.from(plaintext, "utf8"), `patient:${patientId}:${purpose}`).toString("base64");
    },
    async open(patientId, purpose, sealed) {
      const key = await existingKey(patientId);
      if (key === undefined) return undefined;
      return decrypt(key, Buffer.from(sealed, "base64"), `patient:${patientId}:${purpose}`).toString("utf8");
    },
    destroy: (patientId) => store.remove(requireSafeId(patientId)),
    blindIndex: (value) => createHmac("sha256", indexKey).update(value, "utf8").digest("hex"),
  };
}

function encrypt(key: Buffer, plaintext: Buffer, associatedData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT), iv, cipher.getAuthTag(), ciphertext]);
}

function decrypt(key: Buffer, sealed: Buffer, associatedData: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT) throw new Error("sealed value is malformed");
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(1, 1 + IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

// Patient ids become file names: only the UUID alphabet gets there.
function requireSafeId(patientId: string): string {
  if (!SAFE_ID.test(patientId)) throw new Error("patient key ids must be UUIDs");
  return patientId;
}

function memoryStore(): WrappedKeyStore {
  const keys = new Map<string, Buffer>();
  return {
    read: (id) => Promise.resolve(keys.get(id)),
    create(id, wrapped) {
      if (!keys.has(id)) keys.set(id, wrapped);
      return Promise.resolve(keys.get(id) ?? wrapped);
    },
    remove(id) {
      keys.delete(id);
      return Promise.resolve();
    },
  };
}

function fileStore(directory: string): WrappedKeyStore {
  const path = (id: string): string => join(directory, `${id}.key`);
  return {
    read: (id) => readIfExists(path(id)),
    create: (id, wrapped) => readOrCreate(path(id), () => wrapped),
    async remove(id) {
      try {
        await unlink(path(id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    },
  };
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

// Written aside, fsynced and hard-linked into place (readOrCreateKeyFileBytes): a file appears whole or not at all,
// and of two racing writers the second adopts the first one's key instead of replacing it.
async function readOrCreate(file: string, create: () => Buffer): Promise<Buffer> {
  const stored = await readOrCreateKeyFileBytes(file, create);
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
}
