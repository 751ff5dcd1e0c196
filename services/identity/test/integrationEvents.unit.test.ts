import { GENESIS_HASH, type StoredEvent } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { identityEventMessage } from "../src/index.js";

function stored(type: string, data: StoredEvent["data"]): StoredEvent {
  return {
    id: "0193a9f2-7c1d-7e4b-9a6f-2b3c4d5e6f70",
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actorId: "u",
      actorRole: "system",
      tenantId: "t",
      correlationId: "c",
      causationId: "c",
      occurredAt: "2026-03-02T02:00:00.000Z",
    },
    streamId: "identity-audit-2026-03-02",
    revision: 0,
    position: 1n,
    recordedAt: "2026-03-02T02:00:00.000Z",
    prevHash: GENESIS_HASH,
    hash: "00",
  };
}

describe("integration events", () => {
  it("XC-01: keeps AccessRefused and any other private event inside the service", () => {
    expect(identityEventMessage(stored("AccessRefused", { action: "A", reason: "ROLE_NOT_ALLOWED", roles: [] }))).toBeNull();
    expect(identityEventMessage(stored("SomethingInternal", {}))).toBeNull();
  });
});
