import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { lstat, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { readOrCreateKeyFile } from "@ihp/eventsourcing";
import { masterKeyId, masterKeyVersion, type MasterKeyCustody, type WrappedKey } from "./custody.js";
import { KeyRingError } from "./errors.js";

export interface KeyFileCustodyOptions {
  /** The master key file. Default: `defaultMasterKeyFile()`. */
  readonly path?: string;
  /** The service's data folder: a key file inside it is refused (a copy of the data would carry its key). */
  readonly dataDir?: string;
}

const FORMAT = "ihp-keyring-master/1";
const KEY_BYTES = 32;
const IV = 12;
const TAG = 16;

/**
 * KEYRING_MASTER_KEY_FILE, else `$XDG_CONFIG_HOME/ihp/keyring-master.json` (`~/.config/…`): outside any data folder,
 * so a copy or backup of the data does not carry the key that opens it.
 */
export function defaultMasterKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.KEYRING_MASTER_KEY_FILE;
  if (explicit !== undefined && explicit !== "") return resolve(explicit);
  const config = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(config, "ihp", "keyring-master.json");
}

/**
 * Master key custody in a local file (embedded mode): JSON with every master key version (32 random bytes each) and
 * which one is current, mode 0600. Wrapping is AES-256-GCM with the master key id and the data key's context as
 * associated data. The file is refused when group or others may read it, when it is not a regular file we own, or
 * when it lies inside the data folder. Rotation adds a version and rewrites the file atomically (rename); it is not
 * safe against two processes rotating at once (rotation is an operator's act, not a request path).
 */
export async function openKeyFileCustody(options: KeyFileCustodyOptions = {}): Promise<MasterKeyCustody> {
  const path = resolve(options.path ?? defaultMasterKeyFile());
  if (options.dataDir !== undefined && (await inside(path, options.dataDir))) {
    throw new KeyRingError("KEY_FILE_IN_DATA_DIR", `master key file ${path} lies inside the data folder; keep it outside (KEYRING_MASTER_KEY_FILE)`);
  }
  let content = await readKeyFile(path);
  if (content === undefined) {
    // Written aside, fsynced and hard-linked into place: the file appears whole or not at all, and of two processes
    // creating it at once the second adopts the first one's file. Read back below through the checks above.
    await readOrCreateKeyFile(path, () => serialise({ current: 1, keys: new Map([[1, randomBytes(KEY_BYTES)]]) }));
    content = await readKeyFile(path);
    if (content === undefined) throw new KeyRingError("KEY_FILE_MALFORMED", `master key file ${path} vanished after creation`);
  }
  let state = content;

  const keyFor = (id: string): Buffer => {
    const version = masterKeyVersion(id);
    const key = version === undefined ? undefined : state.keys.get(version);
    if (key === undefined) throw new KeyRingError("MASTER_KEY_UNKNOWN", `master key ${JSON.stringify(id)} is not in ${path}`);
    return key;
  };

  // Only `kind` is an own property: JSON.stringify or a logger printing the custody shows nothing of the keys.
  return {
    kind: "key-file",
    currentKeyId: () => Promise.resolve(masterKeyId(state.current)),
    // settle(): a KeyRingError from keyFor must become a rejection, as the port promises, not a synchronous throw.
    wrap: (dataKey, context) => settle(() => {
      const id = masterKeyId(state.current);
      const iv = randomBytes(IV);
      const cipher = createCipheriv("aes-256-gcm", keyFor(id), iv, { authTagLength: TAG });
      cipher.setAAD(Buffer.from(JSON.stringify([id, context]), "utf8"));
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return { masterKeyId: id, bytes: new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body])) };
    }),
    unwrap: (wrapped: WrappedKey, context) => settle(() => {
      const key = keyFor(wrapped.masterKeyId);
      const bytes = Buffer.from(wrapped.bytes);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV), { authTagLength: TAG });
        decipher.setAAD(Buffer.from(JSON.stringify([wrapped.masterKeyId, context]), "utf8"));
        decipher.setAuthTag(bytes.subarray(IV, IV + TAG));
        return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(IV + TAG)), decipher.final()]));
      } catch {
        throw new KeyRingError("UNWRAP_FAILED", `wrapped data key does not unwrap under ${wrapped.masterKeyId} (altered or of another key)`);
      }
    }),
    async rotate() {
      const latest = (await readKeyFile(path)) ?? state;
      const next = Math.max(...latest.keys.keys()) + 1;
      const keys = new Map(latest.keys).set(next, randomBytes(KEY_BYTES));
      const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(temporary, serialise({ current: next, keys }), { flag: "wx", mode: 0o600 });
      await rename(temporary, path);
      state = { current: next, keys };
      return masterKeyId(next);
    },
    close: () => Promise.resolve(),
  };
}

function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

interface KeyFileState {
  readonly current: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}

function serialise(state: KeyFileState): string {
  const keys: Record<string, string> = {};
  for (const [version, key] of state.keys) keys[masterKeyId(version)] = key.toString("base64");
  return `${JSON.stringify({ format: FORMAT, current: masterKeyId(state.current), keys }, null, 2)}\n`;
}

async function readKeyFile(path: string): Promise<KeyFileState | undefined> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (!stats.isFile()) throw new KeyRingError("KEY_FILE_UNSAFE", `master key file ${path} is not a regular file (a link or a folder)`);
  if ((stats.mode & 0o077) !== 0) {
    throw new KeyRingError("KEY_FILE_UNSAFE", `master key file ${path} has mode ${(stats.mode & 0o777).toString(8)}; it must be 600 (chmod 600)`);
  }
  if (process.getuid !== undefined && stats.uid !== process.getuid()) {
    throw new KeyRingError("KEY_FILE_UNSAFE", `master key file ${path} belongs to another user`);
  }
  const malformed = (): KeyRingError => new KeyRingError("KEY_FILE_MALFORMED", `master key file ${path} is not a ${FORMAT} file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch {
    throw malformed();
  }
  if (typeof parsed !== "object" || parsed === null) throw malformed();
  const { format, current, keys } = parsed as { format?: unknown; current?: unknown; keys?: unknown };
  if (format !== FORMAT || typeof current !== "string" || typeof keys !== "object" || keys === null) throw malformed();
  const versions = new Map<number, Buffer>();
  for (const [id, value] of Object.entries(keys)) {
    const version = masterKeyVersion(id);
    const key = typeof value === "string" ? Buffer.from(value, "base64") : undefined;
    if (version === undefined || key?.length !== KEY_BYTES) throw malformed();
    versions.set(version, key);
  }
  const currentVersion = masterKeyVersion(current);
  if (currentVersion === undefined || !versions.has(currentVersion)) throw malformed();
  return { current: currentVersion, keys: versions };
}

// Compared on real paths (the nearest existing ancestor of the key file), so a symlink does not hide the nesting.
async function inside(path: string, dataDir: string): Promise<boolean> {
  const real = async (p: string): Promise<string> => {
    let current = resolve(p);
    const rest: string[] = [];
    for (;;) {
      try {
        return join(await realpath(current), ...rest.reverse());
      } catch {
        const parent = dirname(current);
        if (parent === current) return resolve(p);
        rest.push(current.slice(parent.length).replace(/^[/\\]/, ""));
        current = parent;
      }
    }
  };
  const relation = relative(await real(dataDir), await real(path));
  return relation === "" || (!relation.startsWith("..") && !isAbsolute(relation));
}
