/**
 * Errors of the key ring. Their messages name the subject's position (key id, retention class, file path) but never
 * key material or plaintext: they end up in logs. The table in ERRORS.md lists every code (a test keeps them in sync).
 */
export const KEYRING_ERROR_CODES = [
  "KEY_FILE_UNSAFE",
  "KEY_FILE_IN_DATA_DIR",
  "KEY_FILE_MALFORMED",
  "MASTER_KEY_UNKNOWN",
  "UNWRAP_FAILED",
  "SEALED_VALUE_REJECTED",
  "DATA_KEY_DESTROYED",
  "SUBJECT_ERASED",
  "DATA_KEY_MISSING",
  "INVALID_KEY_REFERENCE",
  "CUSTODY_UNAVAILABLE",
  "KEY_STORE_MISSING",
  "KEY_CUSTODY_MISMATCH",
] as const;

export type KeyRingErrorCode = (typeof KEYRING_ERROR_CODES)[number];

export class KeyRingError extends Error {
  override readonly name = "KeyRingError";
  constructor(
    readonly code: KeyRingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
