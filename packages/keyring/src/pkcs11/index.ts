import { randomBytes } from "node:crypto";
import * as pkcs11js from "pkcs11js";
import { masterKeyId, masterKeyVersion, type MasterKeyCustody, type WrappedKey } from "../custody.js";
import { KeyRingError } from "../errors.js";

export interface Pkcs11CustodyOptions {
  /** The vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly library: string;
  /** Label of the token holding the master keys. */
  readonly tokenLabel: string;
  /** User PIN. Never logged or put in an error. */
  readonly pin: string;
  /** Master keys are AES keys labelled `<prefix>-master-v<N>`. Default "ihp-keyring". */
  readonly keyLabelPrefix?: string;
}

const IV = 12;
const TAG = 16;

/**
 * Master key custody in a PKCS#11 token (HSM, 密码机, SoftHSM2 in tests). The master keys are AES-256 secret keys
 * generated inside the token as sensitive and non-extractable; wrapping is C_Encrypt with CKM_AES_GCM (96-bit IV,
 * 128-bit tag, associated data = master key id and the data key's context) so the master key never leaves the token.
 *
 * Why GCM over the key material rather than C_WrapKey with CKM_AES_KEY_WRAP_PAD: key wrap would need the data key as
 * a token object (created, wrapped, destroyed per call) and binds no associated data, so a wrapped key could be moved
 * to another subject's row; GCM binds the (subject, retention class) context. SoftHSM2 2.6 supports CKM_AES_GCM
 * for C_Encrypt/C_Decrypt with caller-supplied IVs.
 *
 * Rotation generates `<prefix>-master-v<N+1>` in the token; older versions stay until retired by an operator. Two
 * processes rotating at once could both make the same version (rotation is an operator's act, not a request path).
 */
export function openPkcs11Custody(options: Pkcs11CustodyOptions): MasterKeyCustody {
  const prefix = options.keyLabelPrefix ?? "ihp-keyring";
  const module = new pkcs11js.PKCS11();
  try {
    module.load(options.library);
  } catch {
    throw new KeyRingError("CUSTODY_UNAVAILABLE", `PKCS#11 module ${options.library} does not load`);
  }
  module.C_Initialize();
  let session: Buffer;
  try {
    const slot = module.C_GetSlotList(true).find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === options.tokenLabel);
    if (slot === undefined) throw new KeyRingError("CUSTODY_UNAVAILABLE", `no PKCS#11 token labelled ${JSON.stringify(options.tokenLabel)}`);
    session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      module.C_Login(session, pkcs11js.CKU_USER, options.pin);
    } catch (error) {
      // The PIN is not in the message; the PKCS#11 return code (e.g. CKR_PIN_INCORRECT) is.
      throw new KeyRingError("CUSTODY_UNAVAILABLE", `PKCS#11 login to token ${JSON.stringify(options.tokenLabel)} failed: ${returnCode(error)}`);
    }
  } catch (error) {
    module.C_Finalize();
    throw error;
  }

  const label = (version: number): string => `${prefix}-${masterKeyId(version)}`;
  const handles = new Map<number, Buffer>();

  const find = (version: number): Buffer | undefined => {
    const cached = handles.get(version);
    if (cached !== undefined) return cached;
    module.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_LABEL, value: label(version) },
    ]);
    const found = module.C_FindObjects(session, 2);
    module.C_FindObjectsFinal(session);
    if (found.length === 0) return undefined;
    handles.set(version, found[0] as Buffer);
    return found[0];
  };

  const versions = (): number[] => {
    module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }]);
    const all = module.C_FindObjects(session, 10_000);
    module.C_FindObjectsFinal(session);
    const found: number[] = [];
    for (const handle of all) {
      const [attribute] = module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_LABEL }]);
      const text = Buffer.isBuffer(attribute?.value) ? attribute.value.toString("utf8") : "";
      const version = text.startsWith(`${prefix}-`) ? masterKeyVersion(text.slice(prefix.length + 1)) : undefined;
      if (version !== undefined) found.push(version);
    }
    return found.sort((a, b) => a - b);
  };

  const generate = (version: number): Buffer => {
    const handle = module.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_LABEL, value: label(version) },
      { type: pkcs11js.CKA_ID, value: Buffer.from(label(version), "utf8") },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
      { type: pkcs11js.CKA_WRAP, value: false },
      { type: pkcs11js.CKA_UNWRAP, value: false },
    ]);
    handles.set(version, handle);
    return handle;
  };

  let current = versions().at(-1) ?? 0;
  if (current === 0) {
    generate(1);
    current = 1;
  }

  const gcm = (iv: Buffer, aad: Buffer): pkcs11js.Mechanism => {
    const parameter: pkcs11js.AesGCM = { type: pkcs11js.CK_PARAMS_AES_GCM, iv, aad, ivBits: IV * 8, tagBits: TAG * 8 };
    return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
  };

  return {
    kind: "pkcs11",
    currentKeyId: () => Promise.resolve(masterKeyId(current)),
    wrap(dataKey, context) {
      const id = masterKeyId(current);
      const handle = find(current);
      if (handle === undefined) return Promise.reject(new KeyRingError("MASTER_KEY_UNKNOWN", `master key ${label(current)} is not in the token`));
      const iv = randomBytes(IV);
      module.C_EncryptInit(session, gcm(iv, aad(id, context)), handle);
      const sealed = module.C_Encrypt(session, Buffer.from(dataKey), Buffer.alloc(dataKey.length + TAG));
      return Promise.resolve({ masterKeyId: id, bytes: new Uint8Array(Buffer.concat([iv, sealed])) });
    },
    unwrap(wrapped: WrappedKey, context) {
      const version = masterKeyVersion(wrapped.masterKeyId);
      const handle = version === undefined ? undefined : find(version);
      if (handle === undefined) {
        return Promise.reject(new KeyRingError("MASTER_KEY_UNKNOWN", `master key ${JSON.stringify(wrapped.masterKeyId)} is not in the token`));
      }
      const bytes = Buffer.from(wrapped.bytes);
      if (bytes.length <= IV + TAG) return Promise.reject(unwrapFailed(wrapped.masterKeyId));
      try {
        module.C_DecryptInit(session, gcm(bytes.subarray(0, IV), aad(wrapped.masterKeyId, context)), handle);
        const plain = module.C_Decrypt(session, bytes.subarray(IV), Buffer.alloc(bytes.length));
        return Promise.resolve(new Uint8Array(plain));
      } catch {
        return Promise.reject(unwrapFailed(wrapped.masterKeyId));
      }
    },
    rotate() {
      const next = Math.max(current, ...versions()) + 1;
      generate(next);
      current = next;
      return Promise.resolve(masterKeyId(next));
    },
    close() {
      try {
        module.C_Logout(session);
        module.C_CloseSession(session);
      } finally {
        module.C_Finalize();
      }
      return Promise.resolve();
    },
  };
}

function aad(id: string, context: string): Buffer {
  return Buffer.from(JSON.stringify([id, context]), "utf8");
}

function unwrapFailed(id: string): KeyRingError {
  return new KeyRingError("UNWRAP_FAILED", `wrapped data key does not unwrap under ${id} (altered or of another key)`);
}

function returnCode(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  return /CKR_[A-Z_]+/.exec(message)?.[0] ?? "PKCS#11 error";
}
