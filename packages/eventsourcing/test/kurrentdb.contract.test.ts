// The event store contract against a real KurrentDB. KurrentDB cannot run on the build machine (no Docker, no
// package), so this runs only when KURRENTDB_URL names a server, e.g.
//   KURRENTDB_URL="kurrentdb://127.0.0.1:2113?tls=false" npx vitest run packages/eventsourcing/test/kurrentdb
// The adapter's logic also runs, always, against an in-memory fake client in kurrentdbAdapter.unit.test.ts.
import { uuidv7 } from "@ihp/eventsourcing";
import { KurrentDbEventStore } from "@ihp/eventsourcing/kurrentdb";
import { eventStoreContract } from "@ihp/testing";
import { describe, it } from "vitest";

const url = process.env["KURRENTDB_URL"];
const SKIPPED = "skipped: KURRENTDB_URL not set; KurrentDB cannot run on this build machine";

if (url === undefined || url === "") {
  console.warn(`KurrentDB event store contract ${SKIPPED}`);
  describe.skip(`EventStore contract: KurrentDB (${SKIPPED})`, () => {
    it(SKIPPED, () => undefined);
  });
} else {
  eventStoreContract(`KurrentDB at ${url}`, async () => {
    // A fresh prefix per store: runs and tests share the server but never see each other's streams.
    const streamPrefix = `ihptest${uuidv7().replaceAll("-", "")}-`;
    const store = await KurrentDbEventStore.connect({ connectionString: url, streamPrefix });
    return { store, cleanup: () => store.close(), streamPrefix, idsUniqueAcrossStreams: false, atomicMultiStreamAppend: false };
  });
}
