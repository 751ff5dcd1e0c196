import { existsSync } from "node:fs";
import { join } from "node:path";
import type { EventStore } from "@ihp/eventsourcing";
import {
  createKeyRing,
  KeyRingError,
  type KeyRing,
  memoryDataKeyStore,
  openKeyFileCustody,
  sealedEventStore,
  type SealedEventStore,
  type SealingPolicy,
  type DataKeyStore,
} from "@ihp/keyring";
import { eventStoreKind } from "@ihp/platform";
import { openSqliteDataKeyStore } from "@ihp/keyring/sqlite";
import type { HostConfig } from "./serviceHost.js";

/**
 * Puts the key ring in front of a service's log (issue 10): the fields its policy names are sealed with the data
 * subject's key before they reach the store. The master key is the key file (KEYRING_MASTER_KEY_FILE, outside
 * DATA_DIR); wrapped data keys live where every replica finds them (`openDataKeyStore`). Closing the returned store
 * closes the key store too.
 *
 * The service refuses to start (item 5) when its log holds sealed values but the key store is missing
 * (KEY_STORE_MISSING: a new, empty store would make every sealed value unreadable), or when the key store was
 * written under another master key than the custody now holds (KEY_CUSTODY_MISMATCH: another key file or token).
 */
export async function openSealedStore(raw: EventStore, policy: SealingPolicy, config: HostConfig, context: string): Promise<SealedEventStore> {
  const { keys, existed, where } = await openDataKeyStore(config, context);
  if (!existed && (await holdsSealedValues(raw))) {
    await keys.close();
    throw new KeyRingError("KEY_STORE_MISSING", `the log holds sealed values but the data key store (${where}) is missing: restore it from backup`);
  }
  const custody = await openKeyFileCustody({
    ...(config.KEYRING_MASTER_KEY_FILE === undefined ? {} : { path: config.KEYRING_MASTER_KEY_FILE }),
    ...(config.DATA_DIR === ":memory:" ? {} : { dataDir: config.DATA_DIR }),
  });
  const ring = createKeyRing({ custody, store: keys });
  try {
    await checkCustody(ring);
  } catch (error) {
    await keys.close();
    await custody.close();
    throw error;
  }
  const sealed = sealedEventStore(raw, { ring, keys, policy });
  const closeLog = sealed.close.bind(sealed);
  return Object.assign(sealed, {
    /** The ring itself, for a service that seals bytes kept outside the log (the records service's media blobs). */
    keyRing: ring,
    close: async () => {
      try {
        await closeLog();
      } finally {
        await keys.close();
        await custody.close();
      }
    },
  });
}

/**
 * Where the wrapped data keys live. Every replica of a service must see the same keys: PostgreSQL (schema
 * "<READ_MODEL_SCHEMA or context>_keys") when the log is there (EVENT_STORE_URL) or the read models are (READ_MODEL_URL); else a SQLite
 * file in DATA_DIR (the embedded mode, one process per service), in memory for `:memory:`.
 */
async function openDataKeyStore(config: HostConfig, context: string): Promise<{ keys: DataKeyStore; existed: boolean; where: string }> {
  const url = eventStoreKind(config.EVENT_STORE_URL) === "postgres" ? config.EVENT_STORE_URL : config.READ_MODEL_URL;
  const schema = `${(config.READ_MODEL_SCHEMA ?? context).replaceAll(/[^A-Za-z0-9_]/g, "_").toLowerCase()}_keys`;
  if (url !== undefined) {
    const { openPostgresDataKeyStore } = await import("@ihp/keyring/postgres");
    const keys = await openPostgresDataKeyStore({ connectionString: url, schema });
    return { keys, existed: keys.existed, where: `PostgreSQL schema ${schema}` };
  }
  if (config.DATA_DIR === ":memory:") return { keys: memoryDataKeyStore(), existed: true, where: "memory" };
  const file = join(config.DATA_DIR, `${context}-data-keys.sqlite`);
  const existed = existsSync(file);
  return { keys: openSqliteDataKeyStore(file), existed, where: file };
}

const CHECK = { subject: "ihp-keyring-check", retentionClass: "custody" };
const CHECK_EVENT = { stream: "keyring-check", eventId: "keyring-check", type: "KeyringCheck", schemaVersion: 1 };

/** Seals with a check key made on the first start: unwrapping it fails when the master key is not the one it was made under. */
async function checkCustody(ring: KeyRing): Promise<void> {
  try {
    await ring.seal(CHECK, CHECK_EVENT, "check");
  } catch (error) {
    if (error instanceof KeyRingError && (error.code === "UNWRAP_FAILED" || error.code === "MASTER_KEY_UNKNOWN")) {
      throw new KeyRingError("KEY_CUSTODY_MISMATCH", `the data key store was written under another master key than the custody holds (${error.code})`);
    }
    throw error;
  }
}

/** Whether any stored event holds a sealed value (checked only when the key store is missing). */
async function holdsSealedValues(raw: EventStore): Promise<boolean> {
  let after = 0n;
  for (;;) {
    const page = await raw.readAll({ after, limit: 1_000 });
    if (page.length === 0) return false;
    if (page.some((event) => JSON.stringify(event.data).includes('"ihp-sealed/1:'))) return true;
    after = page.at(-1)!.position;
  }
}
