import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { uuidv7 } from "@ihp/eventsourcing";
import { baseConfigSchema, eventStoreKind, openEventStore } from "@ihp/platform";

describe("event store selected by configuration (ARCHITECTURE §3)", () => {
  it("names KurrentDB for its connection-string schemes and SQLite otherwise", () => {
    expect(eventStoreKind("kurrentdb://db-0:2113?tls=true")).toBe("kurrentdb");
    expect(eventStoreKind("kurrentdb+discover://cluster:2113")).toBe("kurrentdb");
    expect(eventStoreKind("esdb://db:2113")).toBe("kurrentdb");
    expect(eventStoreKind("postgres://app@db:5432/events")).toBe("postgres");
    expect(eventStoreKind("postgresql://app@db:5432/events")).toBe("postgres");
    expect(eventStoreKind(undefined)).toBe("sqlite");
  });

  it("refuses an EVENT_STORE_URL that is neither a KurrentDB nor a PostgreSQL connection string at start-up", () => {
    const parsed = baseConfigSchema.safeParse({ SERVICE_NAME: "identity", EVENT_STORE_URL: "mysql://x" });
    expect(parsed.success).toBe(false);
    expect(baseConfigSchema.safeParse({ SERVICE_NAME: "identity", EVENT_STORE_URL: "postgres://x" }).success).toBe(true);
  });

  it("opens SQLite in DATA_DIR as <context>-events.sqlite when no URL is set", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ihp-open-"));
    const store = await openEventStore({ context: "identity", dataDir });
    await store.append("identity-x-1", [
      { id: uuidv7(), type: "Opened", schemaVersion: 1, data: {}, metadata: { actorId: "a", actorRole: "system", tenantId: "t", correlationId: "c", causationId: "c", occurredAt: "2026-11-23T00:00:00.000Z" } },
    ], "no_stream");
    await store.close();
    expect(existsSync(join(dataDir, "identity-events.sqlite"))).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("goes to KurrentDB for a kurrentdb:// URL and fails at start-up when it is unreachable, never falling back", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ihp-open-"));
    await expect(
      openEventStore({ context: "identity", dataDir, url: "kurrentdb://127.0.0.1:1?tls=false" }),
    ).rejects.toThrow();
    expect(existsSync(join(dataDir, "identity-events.sqlite"))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);
});
