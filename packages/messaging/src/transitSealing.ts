import { readFileSync } from "node:fs";
import { openSealedValue, sealValue, type AeadAlgorithm } from "@ihp/keyring";
import type { BusMessage } from "./bus.js";

/**
 * Sealing of bus payloads at rest in the broker (issue 10, XC-01). JetStream keeps every message on disk until its
 * stream's limits drop it, so what services publish (a signed prescription's canonical document, staff names and ID
 * numbers, diagnosis names) would otherwise sit there in clear. The NATS bus seals each message's data with a transit
 * key shared by the platform's services (one Kubernetes Secret) before publishing and opens it before a handler sees
 * it; subject, message id and trace headers stay readable for routing, de-duplication and tracing.
 *
 * The transit key is not a data subject's key: it protects the broker's copy, the way TLS protects the wire. What a
 * service keeps, it re-seals under its own subject keys (@ihp/keyring). Rotation: the key file lists keys, the first
 * seals and all open; after a new key has been first for longer than the streams keep messages, the old one is
 * removed and whatever the broker still holds under it can no longer be read.
 *
 * Wire form: "ihpT" ‖ key-id length (1 byte) ‖ key id ‖ AEAD (keyring format, algorithm byte included), with
 * "ihp-transit/1" ‖ subject ‖ 0x00 ‖ message id as associated data, so a sealed payload cannot be replayed under
 * another subject or id.
 */

const MAGIC = Buffer.from("ihpT", "latin1");
const AD_PREFIX = "ihp-transit/1";

export type TransitErrorCode = "TRANSIT_KEY_FILE_INVALID" | "TRANSIT_SEAL_MISSING" | "TRANSIT_KEY_UNKNOWN" | "TRANSIT_SEAL_REJECTED";

/** A transit key file that cannot be used, or a delivered message that cannot be opened. Never names key material. */
export class TransitSealError extends Error {
  override readonly name = "TransitSealError";
  constructor(
    readonly code: TransitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TransitKeys {
  /** The id of the key new messages are sealed with. */
  readonly currentKeyId: string;
  seal(message: BusMessage): BusMessage;
  /** The message with its data opened; TransitSealError when it is not sealed or does not open. */
  open<M extends BusMessage>(message: M): M;
}

interface KeyEntry {
  readonly id: string;
  readonly key: Buffer;
}

/** Parses the key file's JSON: {"algorithm"?: "AES-256-GCM" | "SM4-CTR-HMAC-SM3", "keys": [{"id", "key" (base64, 32 bytes)}]}. */
export function transitKeysFromJson(text: string): TransitKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  const { algorithm = "AES-256-GCM", keys } = (parsed ?? {}) as { algorithm?: unknown; keys?: unknown };
  if (algorithm !== "AES-256-GCM" && algorithm !== "SM4-CTR-HMAC-SM3") throw invalid(`unknown algorithm ${String(algorithm)}`);
  if (!Array.isArray(keys) || keys.length === 0) throw invalid("no keys");
  const entries: KeyEntry[] = keys.map((entry: unknown, index) => {
    const { id, key } = (entry ?? {}) as { id?: unknown; key?: unknown };
    if (typeof id !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw invalid(`key ${index}: id must be 1–64 of A-Z a-z 0-9 . _ -`);
    const bytes = typeof key === "string" ? Buffer.from(key, "base64") : Buffer.alloc(0);
    if (bytes.length !== 32) throw invalid(`key ${id}: must be 32 bytes, base64`);
    return { id, key: bytes };
  });
  if (new Set(entries.map((entry) => entry.id)).size !== entries.length) throw invalid("key ids repeat");
  return transitKeys(algorithm, entries);
}

/** Reads BUS_TRANSIT_KEY_FILE (see transitKeysFromJson). */
export function loadTransitKeys(path: string): TransitKeys {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw invalid(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  return transitKeysFromJson(text);
}

function transitKeys(algorithm: AeadAlgorithm, entries: readonly KeyEntry[]): TransitKeys {
  const current = entries[0]!;
  const byId = new Map(entries.map((entry) => [entry.id, entry.key]));
  const currentId = Buffer.from(current.id, "latin1");
  return {
    currentKeyId: current.id,
    seal(message) {
      const body = sealValue(algorithm, current.key, message.data, associatedData(message));
      return { ...message, data: Buffer.concat([MAGIC, Buffer.of(currentId.length), currentId, body]) };
    },
    open(message) {
      const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
      if (data.length < MAGIC.length + 1 || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new TransitSealError("TRANSIT_SEAL_MISSING", `message ${message.id} on ${message.subject} is not transit-sealed`);
      }
      const idLength = data[MAGIC.length]!;
      const idEnd = MAGIC.length + 1 + idLength;
      const keyId = data.subarray(MAGIC.length + 1, idEnd).toString("latin1");
      const key = byId.get(keyId);
      if (key === undefined) throw new TransitSealError("TRANSIT_KEY_UNKNOWN", `message ${message.id} is sealed with transit key ${keyId}, which this process does not hold`);
      const opened = openSealedValue(key, data.subarray(idEnd), associatedData(message));
      if (opened === undefined) throw new TransitSealError("TRANSIT_SEAL_REJECTED", `message ${message.id} on ${message.subject} does not open (altered, or moved from another subject or id)`);
      return { ...message, data: opened };
    },
  };
}

function associatedData(message: BusMessage): Buffer {
  return Buffer.from(`${AD_PREFIX}${message.subject}\u0000${message.id}`, "utf8");
}

function invalid(problem: string): TransitSealError {
  return new TransitSealError("TRANSIT_KEY_FILE_INVALID", `transit key file: ${problem}`);
}
