import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { canonicalJson, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyRing, memoryDataKeyStore, sealedEventStore } from "../src/index.js";
import { metadata } from "./support/eventMetadata.js";
import { fixtureCustody, fixturePolicy } from "./fixtures/fixtureSealing.js";

/**
 * A sealed log as the code before issue 15's changes to sealing, canonical JSON and the SQLite reads wrote it
 * (commit 757f950; the fixtures hold its rows, its data keys and what it read back, once per AEAD): the code of now
 * must verify its hash chain, read back exactly what that code read, and encode its data to the same bytes.
 */
interface Fixture {
  readonly dataKeys: readonly { subject: string; retentionClass: string; state: "live" | "destroyed"; key?: string }[];
  readonly rows: readonly Record<string, string | number>[];
  readonly readStream: Readonly<Record<string, readonly unknown[]>>;
}

/** Events as JSON, positions as strings (the fixtures' form). */
const plain = (events: readonly StoredEvent[]): unknown[] =>
  JSON.parse(JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as unknown[];

let folder: string;
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("a sealed log written before issue 15 reads back as it did (hash chain, sealed values, canonical JSON)", () => {
  for (const algorithm of ["aes", "sm4"] as const) {
    it(`${algorithm}: verifies, reads back every stream, the whole log and a subscription as that code did, held or not`, async () => {
      const fixture = JSON.parse(readFileSync(new URL(`./fixtures/sealed-log-757f950-${algorithm}.json`, import.meta.url), "utf8")) as Fixture;
      folder = await mkdtemp(join(tmpdir(), "ihp-old-log-"));
      const path = join(folder, "events.sqlite");
      await SqliteEventStore.open({ path }).close();
      const db = new Database(path);
      const insert = db.prepare(
        "INSERT INTO events (position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at, prev_hash, hash) VALUES (@position, @stream_id, @revision, @id, @type, @schema_version, @data, @metadata, @recorded_at, @prev_hash, @hash)",
      );
      db.transaction(() => {
        for (const row of fixture.rows) insert.run(row);
      })();
      db.close();
      const keys = memoryDataKeyStore();
      for (const { subject, retentionClass, state, key } of fixture.dataKeys) {
        await keys.createIfAbsent({ subject, retentionClass }, { masterKeyId: "master-v1", bytes: Buffer.from(key ?? "00", "hex") });
        if (state === "destroyed") await keys.destroy({ subject, retentionClass });
      }
      const raw = SqliteEventStore.open({ path });
      const log = sealedEventStore(raw, { ring: createKeyRing({ custody: fixtureCustody, store: keys }), keys, policy: fixturePolicy });

      expect(await log.verify()).toMatchObject({ ok: true, checked: fixture.rows.length });
      // The stored data and metadata re-encode to the stored bytes.
      const stored = await raw.readAll({ limit: 1_000 });
      expect(stored.map((event) => [canonicalJson(event.data), canonicalJson(event.metadata)])).toEqual(fixture.rows.map((row) => [row.data, row.metadata]));
      // Every stream twice: opened, then held (OpenedStreams, OpenedEvents).
      for (const [streamId, expected] of Object.entries(fixture.readStream)) {
        expect(plain(await log.readStream(streamId))).toEqual(expected);
        expect(plain(await log.readStream(streamId))).toEqual(expected);
        expect(plain(await log.readStream(streamId, { after: 0 }))).toEqual(expected.slice(1));
        expect(plain(await log.readStream(streamId, { last: true }))).toEqual(expected.slice(-1));
      }
      const all = Object.values(fixture.readStream)
        .flat()
        .sort((a, b) => Number((a as { position: string }).position) - Number((b as { position: string }).position));
      expect(plain(await log.readAll({ limit: 1_000 }))).toEqual(all);
      const subscribed: StoredEvent[] = [];
      const controller = new AbortController();
      for await (const event of log.subscribe({ signal: controller.signal })) {
        subscribed.push(event);
        if (subscribed.length === all.length) controller.abort();
      }
      expect(plain(subscribed)).toEqual(all);
      // The log goes on: a new event chains to the old head and reads back.
      const next = await log.append("consult-p-1", [{ id: "0190a0a0-0000-7000-8000-00000000ffff", type: "MessageSent", schemaVersion: 1, data: { text: "新消息" }, metadata }], 3);
      expect(next.events[0]?.prevHash).toBe(fixture.rows.at(-1)?.hash);
      expect((await log.readStream("consult-p-1")).at(-1)?.data.text).toBe("新消息");
      expect(await log.verify()).toMatchObject({ ok: true, checked: fixture.rows.length + 1 });
      await log.close();
    });
  }
});
