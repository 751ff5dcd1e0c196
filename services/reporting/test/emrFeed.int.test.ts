import { EmrEntry, FeedCategory, type FeedEntry } from "@ihp/contracts/reporting";
import { RecordSigned } from "@ihp/contracts/records";
import { InProcessBus } from "@ihp/messaging";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, listFeed, startHarness } from "./support/harness.js";
import { contextMessage, institution, registered } from "./support/identityEvents.js";

// REP-04, EMR category: the records service's RecordSigned (ihp.records.v1) becomes one minimum-necessary feed entry.

const open: { harness: Harness; bus: InProcessBus }[] = [];

afterEach(async () => {
  for (const { harness, bus } of open.splice(0)) {
    await harness.close();
    await bus.close();
  }
});

async function feed(harness: Harness, tenant: string): Promise<FeedEntry[]> {
  return (await listFeed(harness.client, await harness.token("regulator", tenant), { page: { first: 1_000, after: "" } })).entries;
}

const signed = (institutionId: string, over: Partial<RecordSigned> = {}): RecordSigned => ({
  recordId: "rec-1",
  institutionId,
  version: 2,
  signerId: "physician-1",
  cosigned: false,
  signedAt: "2026-03-01T08:30:00.000Z",
  documentHash: "ab".repeat(32),
  signatureCertificateSerial: "0A1B",
  signatureAlgorithm: "ECDSA_P256_SHA256",
  ...over,
});

describe("EMR entries of the regulator feed (REP-04)", () => {
  it("REP-04: a signed record becomes exactly one EMR entry with the schema's fields only, routed to the institution's jurisdiction", async () => {
    const bus = new InProcessBus({ duplicateWindowMs: 0 });
    const harness = await startHarness({ bus });
    open.push({ harness, bus });
    const tianjin = institution();
    const message = contextMessage("records", "RecordSigned", RecordSigned.encode(signed(tianjin.institutionId)).finish());
    await bus.publish(registered(tianjin));
    await bus.publish(message);
    await bus.publish(message); // a redelivery is a repeat

    const entries = (await feed(harness, "tianjin")).filter((entry) => entry.sourceEventId === message.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ category: FeedCategory.FEED_CATEGORY_EMR, institutionId: tianjin.institutionId, jurisdiction: "tianjin" });
    expect(entries[0]?.payload).toEqual({
      $case: "emr",
      value: {
        recordId: "rec-1",
        version: 2,
        signerId: "physician-1",
        cosigned: false,
        signedAt: "2026-03-01T08:30:00.000Z",
        documentHash: "ab".repeat(32),
        signatureCertificateSerial: "0A1B",
        signatureAlgorithm: "ECDSA_P256_SHA256",
      },
    });
    // Stored exactly as the schema: the header, and the entry's fields — nothing else the producer might add.
    const stored = (await harness.readLog()).find((event) => event.type === "FeedEntryRecorded" && event.data["sourceEventId"] === message.id);
    expect(Object.keys(stored?.data ?? {}).sort()).toEqual(["category", "entry", "institutionId", "jurisdiction", "occurredAt", "sourceEventId"]);
    expect(Object.keys(stored?.data["entry"] as object).sort()).toEqual(Object.keys(EmrEntry.create()).sort());
    // Another jurisdiction's regulator does not see it.
    expect((await feed(harness, "guangxi")).filter((entry) => entry.sourceEventId === message.id)).toEqual([]);
  });
});
