// @ihp/keyring: one key ring for every service (issue 10). SQLite store: "@ihp/keyring/sqlite"; PKCS#11 custody:
// "@ihp/keyring/pkcs11" (a native addon, loaded only by those who import it).
export { open as openSealedValue, seal as sealValue, sealedAlgorithm, DATA_KEY_BYTES } from "./aead.js";
export type { AeadAlgorithm } from "./aead.js";
export { masterKeyId, masterKeyVersion } from "./custody.js";
export type { MasterKeyCustody, WrappedKey } from "./custody.js";
export { KEYRING_ERROR_CODES, KeyRingError } from "./errors.js";
export type { KeyRingErrorCode } from "./errors.js";
export { defaultMasterKeyFile, openKeyFileCustody } from "./keyFileCustody.js";
export type { KeyFileCustodyOptions } from "./keyFileCustody.js";
export { createKeyRing } from "./keyRing.js";
export type { EventIdentity, KeyRing, KeyRingOptions, OpenResult } from "./keyRing.js";
export { memoryDataKeyStore } from "./store.js";
export type { DataKeyRef, DataKeyStore, StoredDataKey } from "./store.js";
export { ERASED, sealedEventStore } from "./sealedEventStore.js";
export type { ErasureRequest, EventSealing, SealedEventStore, SealedEventStoreOptions, SealingPolicy } from "./sealedEventStore.js";
