import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyRing, openKeyFileCustody } from "../src/index.js";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";

let folder: string | undefined;
afterEach(async () => {
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

describe("crypto-erasure and the hash chain (XC-01, XC-05)", () => {
  it("the log verifies before and after the data key is destroyed; the event is unchanged and opens as erased", async () => {
    folder = await mkdtemp(join(tmpdir(), "ihp-keyring-chain-"));
    const custody = await openKeyFileCustody({ path: join(folder, "config", "master.json"), dataDir: join(folder, "data") });
    const keys = openSqliteDataKeyStore(join(folder, "keys.sqlite"));
    const ring = createKeyRing({ custody, store: keys });
    const log = SqliteEventStore.open({ path: ":memory:" });
    const ref = { subject: "patient-1", retentionClass: "identity" };
    const id = uuidv7();
    const identity = { stream: "patient-1", eventId: id, type: "PatientRegistered", schemaVersion: 1 };
    const name = await ring.seal(ref, identity, "张三");
    await log.append(
      "patient-1",
      [
        {
          id,
          type: "PatientRegistered",
          schemaVersion: 1,
          data: { name },
          metadata: { actorId: "u", actorRole: "patient", tenantId: "t", correlationId: "c", causationId: "c", occurredAt: "2026-12-06T00:00:00.000Z" },
        },
      ],
      "no_stream",
    );
    const before = await log.readStream("patient-1");
    expect(await log.verify()).toMatchObject({ ok: true, checked: 1 });

    await ring.destroy(ref);

    expect(await log.verify()).toMatchObject({ ok: true, checked: 1 });
    const after = await log.readStream("patient-1");
    expect(after).toEqual(before);
    expect(await ring.open(ref, identity, (after[0]?.data as { name: string }).name)).toEqual({ status: "erased" });
    await log.close();
    await keys.close();
  });
});
