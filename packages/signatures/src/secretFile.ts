import { readOrCreateKeyFileBytes } from "@ihp/eventsourcing";

/**
 * Reads the secret file, or creates it (mode 0600) with `create()`'s bytes when it does not exist. The content is
 * written to a private temporary file first, fsynced and then hard-linked into place (`readOrCreateKeyFileBytes`),
 * so no reader ever sees a partial file; when two processes race to create it, the loser reads the winner's file.
 */
export async function readOrCreateSecretFile(path: string, create: () => Uint8Array): Promise<Uint8Array> {
  return readOrCreateKeyFileBytes(path, create);
}
