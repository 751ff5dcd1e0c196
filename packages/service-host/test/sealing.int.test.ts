import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import type { SealingPolicy } from "@ihp/keyring";
import { baseConfigSchema } from "@ihp/platform";
import { afterEach, describe, expect, it } from "vitest";
import { openSealedStore } from "../src/index.js";

const policy: SealingPolicy = { events: { NoteTaken: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["text"] } } };
const metadata = { actorId: "u", actorRole: "physician", tenantId: "t", correlationId: "c", causationId: "c", occurredAt: "2026-12-06T00:00:00.000Z" };

let folder: string;
afterEach(() => rm(folder, { recursive: true, force: true }));

async function open(masterKeyFile: string) {
  const dataDir = join(folder, "data");
  const config = baseConfigSchema.parse({ SERVICE_NAME: "demo", DATA_DIR: dataDir, KEYRING_MASTER_KEY_FILE: masterKeyFile });
  const raw = SqliteEventStore.open({ path: join(dataDir, "demo-events.sqlite") });
  try {
    return await openSealedStore(raw, policy, config, "demo");
  } catch (error) {
    await raw.close();
    throw error;
  }
}

describe("a sealed service refuses to start on the wrong key store (issue 10 item 5)", () => {
  it("KEY_STORE_MISSING when the log holds sealed values and the key store is gone; KEY_CUSTODY_MISMATCH under another master key", async () => {
    folder = await mkdtemp(join(tmpdir(), "ihp-host-sealing-"));
    await mkdir(join(folder, "data"));
    const master = join(folder, "config", "master.json");
    const first = await open(master);
    await first.append("note-1", [{ id: uuidv7(), type: "NoteTaken", schemaVersion: 1, data: { patientId: "p-1", text: "复诊记录" }, metadata }], "no_stream");
    await first.close();
    const keys = join(folder, "data", "demo-data-keys.sqlite");
    await copyFile(keys, join(folder, "keys-backup.sqlite"));

    await rm(keys);
    await expect(open(master)).rejects.toMatchObject({ code: "KEY_STORE_MISSING" });

    await copyFile(join(folder, "keys-backup.sqlite"), keys);
    await expect(open(join(folder, "other-config", "master.json"))).rejects.toMatchObject({ code: "KEY_CUSTODY_MISMATCH" });

    const again = await open(master);
    expect((await again.readStream("note-1"))[0]?.data.text).toBe("复诊记录");
    await again.close();
  });

  it("starts on a new data folder, and on a log with no sealed value whatever the key store", async () => {
    folder = await mkdtemp(join(tmpdir(), "ihp-host-sealing-"));
    await mkdir(join(folder, "data"));
    const store = await open(join(folder, "config", "master.json"));
    await store.append("other-1", [{ id: uuidv7(), type: "Unsealed", schemaVersion: 1, data: { n: 1 }, metadata }], "no_stream");
    await store.close();
    await rm(join(folder, "data", "demo-data-keys.sqlite"));
    await (await open(join(folder, "config", "master.json"))).close();
  });
});
