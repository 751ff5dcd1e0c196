import { refusal } from "../errors.js";
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKey, type SigningKeys } from "./types.js";

const DOCUMENT_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;
const DOCUMENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const REASON = /^[^\p{Cc}\u2028\u2029]{0,200}$/u;

export function requireAlgorithm(raw: string): SigningAlgorithm {
  const algorithm = SIGNING_ALGORITHMS.find((candidate) => candidate === raw);
  if (algorithm === undefined) throw refusal("INVALID_SIGNING_ALGORITHM");
  return algorithm;
}

/** IDN-09: what is signed is named (type, id) and not empty. */
export function requireDocument(documentType: string, documentId: string, byteLength: number): void {
  if (!DOCUMENT_TYPE.test(documentType) || !DOCUMENT_ID.test(documentId)) throw refusal("INVALID_DOCUMENT");
  if (byteLength === 0 || byteLength > MAX_DOCUMENT_BYTES) throw refusal("INVALID_DOCUMENT");
}

export function requireRevocationReason(raw: string): string {
  const reason = raw.trim();
  if (!REASON.test(reason)) throw refusal("INVALID_DOCUMENT");
  return reason;
}

/** Whether the key's certificate is valid at `at`: not revoked by then, within notBefore … notAfter (inclusive). */
export function isUsableAt(key: SigningKey, at: Date): boolean {
  const time = at.getTime();
  const { notBefore, notAfter } = key.certificate;
  const revoked = key.revokedAt !== undefined && Date.parse(key.revokedAt) <= time;
  return !revoked && Date.parse(notBefore) <= time && time <= Date.parse(notAfter);
}

/** IDN-09: the newest certificate that is active, unexpired and unrevoked now; refused with NO_VALID_SIGNING_CERT. */
export function activeKey(keys: SigningKeys, at: Date): SigningKey {
  const key = [...keys.keys].reverse().find((candidate) => isUsableAt(candidate, at));
  if (key === undefined) throw refusal("NO_VALID_SIGNING_CERT");
  return key;
}

export function keyBySerial(keys: SigningKeys, serial: string): SigningKey | undefined {
  return keys.keys.find((key) => key.certificate.serial === serial);
}
