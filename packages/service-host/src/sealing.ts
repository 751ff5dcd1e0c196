import { createKeyRing, memoryDataKeyStore, openKeyFileCustody, sealedEventStore, type SealedEventStore, type SealingPolicy } from "@ihp/keyring";
import { openSqliteDataKeyStore } from "@ihp/keyring/sqlite";
import type { EventStore } from "@ihp/eventsourcing";
import type { HostConfig } from "./serviceHost.js";

/**
 * Puts the key ring in front of a service's log (issue 10): the fields its policy names are sealed with the data
 * subject's key before they reach the store. The master key is the key file (KEYRING_MASTER_KEY_FILE, outside
 * DATA_DIR); wrapped data keys live in `<context>-data-keys.sqlite` in DATA_DIR (in memory for `:memory:`). Closing
 * the returned store closes the key store too.
 */
export async function openSealedStore(raw: EventStore, policy: SealingPolicy, config: HostConfig, keysFile: string): Promise<SealedEventStore> {
  const custody = await openKeyFileCustody({
    ...(config.KEYRING_MASTER_KEY_FILE === undefined ? {} : { path: config.KEYRING_MASTER_KEY_FILE }),
    ...(config.DATA_DIR === ":memory:" ? {} : { dataDir: config.DATA_DIR }),
  });
  const keys = keysFile === ":memory:" ? memoryDataKeyStore() : openSqliteDataKeyStore(keysFile);
  const sealed = sealedEventStore(raw, { ring: createKeyRing({ custody, store: keys }), keys, policy });
  const closeLog = sealed.close.bind(sealed);
  return Object.assign(sealed, {
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
