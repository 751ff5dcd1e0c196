import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { eventStoreContract } from "@ihp/testing";

eventStoreContract("SQLite (in memory)", () => {
  const store = SqliteEventStore.open({ path: ":memory:" });
  return Promise.resolve({ store, cleanup: () => store.close() });
});

eventStoreContract("SQLite (file, WAL, synchronous=FULL)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ihp-es-"));
  const store = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
