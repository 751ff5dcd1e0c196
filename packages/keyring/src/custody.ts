/**
 * Port: custody of the master key. The master key wraps (encrypts) data keys and never leaves the custody: the key
 * ring hands it a data key and gets back opaque bytes naming the master key version that wrapped them.
 *
 * `context` is bound to the wrapped bytes as associated data (the key ring passes the (subject, retention class) the
 * data key belongs to), so a wrapped key copied to another subject's row does not unwrap.
 */
export interface MasterKeyCustody {
  /** Which adapter this is, for operators and tests ("key-file", "pkcs11"). */
  readonly kind: string;
  /** The id of the master key version new data keys are wrapped with, e.g. "master-v2". */
  currentKeyId(): Promise<string>;
  wrap(dataKey: Uint8Array, context: string): Promise<WrappedKey>;
  /** Unwraps with the master key version the wrapped key names; throws KeyRingError (MASTER_KEY_UNKNOWN, UNWRAP_FAILED). */
  unwrap(wrapped: WrappedKey, context: string): Promise<Uint8Array>;
  /**
   * Makes a new master key version current and returns its id. Older versions stay (they still unwrap what they
   * wrapped) until every data key was re-wrapped (`KeyRing.rewrap`) and an operator retires them.
   */
  rotate(): Promise<string>;
  close(): Promise<void>;
}

export interface WrappedKey {
  /** Master key version that wrapped `bytes`. */
  readonly masterKeyId: string;
  readonly bytes: Uint8Array;
}

/** Master key ids are "master-v<N>": the version is what rotation increments. */
export function masterKeyId(version: number): string {
  return `master-v${version}`;
}

export function masterKeyVersion(id: string): number | undefined {
  const match = /^master-v([1-9][0-9]{0,8})$/.exec(id);
  return match === null ? undefined : Number(match[1]);
}
