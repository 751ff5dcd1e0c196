import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A fresh BUS_TRANSIT_KEY_FILE (one random key, 0600) in a new temporary folder, for tests that run services on
 * NATS. `ids` lists key ids, the first sealing; each gets its own random key.
 */
export function writeTransitKeyFile(ids: readonly string[] = ["test-1"], dir = mkdtempSync(join(tmpdir(), "ihp-transit-"))): string {
  const path = join(dir, "bus-transit-keys.json");
  const keys = ids.map((id) => ({ id, key: randomBytes(32).toString("base64") }));
  writeFileSync(path, JSON.stringify({ algorithm: "AES-256-GCM", keys }), { mode: 0o600 });
  return path;
}
