import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegulatorDeliveryServiceService, UploadKind } from "@ihp/contracts/reporting";
import { InProcessBus } from "@ihp/messaging";
import { RegulatorSimulator, waitFor } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { staffRecordChanged } from "../support/activityEvents.js";
import { type Harness, refusal, startHarness } from "../support/harness.js";
import { institution, registered } from "../support/identityEvents.js";
import { testClock } from "./support/deliverySetup.js";

// The dashboard's delivery view over gRPC (REP-04) with the REP-02 upload deadline: a Tianjin institution registers
// and changes a staff record on Tue 2026-09-29 (Beijing); the 7 working days run across the National Day holiday to
// Wed 2026-10-14. The service's clock is the test's.

const CREDENTIAL = "tianjin-issued-credential";
const CHANGED_AT = "2026-09-29T02:00:00.000Z";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started() {
  const simulator = await RegulatorSimulator.start({ credential: CREDENTIAL, serialPrefix: "TJ" });
  const folder = await mkdtemp(join(tmpdir(), "ihp-delivery-status-"));
  await writeFile(join(folder, "tianjin.cred"), CREDENTIAL, { mode: 0o600 });
  const settings = { channels: [{ jurisdiction: "tianjin", adapter: "json-push", endpoint: simulator.url, credentialsFile: "tianjin.cred", timeoutMs: 2_000 }], testAccounts: [] };
  await writeFile(join(folder, "delivery.json"), JSON.stringify(settings));
  const clock = testClock("2026-09-29T03:00:00.000Z");
  const bus = new InProcessBus({ duplicateWindowMs: 0 });
  const harness: Harness = await startHarness({ bus, clock: clock.now, env: { REGULATOR_DELIVERY_FILE: join(folder, "delivery.json"), REGULATOR_DELIVERY_INTERVAL_MS: "0" } });
  cleanups.push(() => simulator.stop(), () => rm(folder, { recursive: true, force: true }), () => bus.close(), () => harness.close());
  const tianjin = institution({ jurisdiction: "tianjin" });
  await bus.publish(registered(tianjin, { occurredAt: CHANGED_AT }));
  await bus.publish(staffRecordChanged(tianjin.institutionId, { practitionerId: "prac-1" }, { occurredAt: CHANGED_AT }));
  await waitFor(async () => (await harness.readLog()).filter((event) => event.type === "FeedEntryRecorded").length === 2, 5_000, "two feed entries");
  const client = harness.grpc(RegulatorDeliveryServiceService);
  const status = (token: string, scope: { jurisdiction?: string; institutionId?: string }) => client.getDeliveryStatus(scope, { token });
  const replay = async (token: string, scope: { jurisdiction?: string; institutionId?: string }) => (await client.replayDeadLetters(scope, { token })).replayed;
  return { harness, clock, institutionId: tianjin.institutionId, status, replay };
}

describe("regulator delivery status for the dashboard (REP-04, REP-02)", () => {
  it("REP-02: licence and staff uploads not acknowledged are pending; overdue from the day after the 7th working day; gone once acknowledged", async () => {
    const { harness, clock, institutionId, status } = await started();
    const admin = await harness.token("institution_admin", institutionId);
    const pending = [
      { kind: UploadKind.UPLOAD_KIND_LICENCE, subjectId: institutionId, institutionId, changedAt: CHANGED_AT, dueOn: "2026-10-14", overdue: false },
      { kind: UploadKind.UPLOAD_KIND_STAFF, subjectId: "prac-1", institutionId, changedAt: CHANGED_AT, dueOn: "2026-10-14", overdue: false },
    ];
    const first = await status(admin, { institutionId });
    expect(first).toMatchObject({ institutionId, adapter: "json-push", unacknowledged: 2, deadLettered: 0, oldestUnacknowledgedAt: CHANGED_AT, ackLagMedianSeconds: undefined, asOf: "2026-09-29T03:00:00.000Z" });
    expect(first.pendingUploads).toEqual(expect.arrayContaining(pending));
    expect(first.pendingUploads).toHaveLength(2);

    clock.advance(Date.parse("2026-10-14T15:59:00.000Z") - clock.now().getTime()); // 23:59 Beijing on day 7
    expect((await status(admin, { institutionId })).pendingUploads.map((upload) => upload.overdue)).toEqual([false, false]);
    clock.advance(60_000); // 00:00 Beijing on day 8
    expect((await status(admin, { institutionId })).pendingUploads.map((upload) => upload.overdue)).toEqual([true, true]);

    await harness.service.deliverToRegulators();
    const after = await status(await harness.token("regulator", "tianjin"), { jurisdiction: "tianjin" });
    expect(after).toMatchObject({ unacknowledged: 0, acknowledged: 2, oldestUnacknowledgedAt: undefined, pendingUploads: [] });
    // Recorded at 2026-09-29T03:00Z, acknowledged at 2026-10-14T16:00Z.
    expect(after.ackLagMedianSeconds).toBe((Date.parse("2026-10-14T16:00:00.000Z") - Date.parse("2026-09-29T03:00:00.000Z")) / 1_000);
  });

  it("REP-04: the role first, then exactly one scope, then the tenant; refusals recorded; replay for system or the institution's admin", async () => {
    const { harness, institutionId, status, replay } = await started();
    const admin = await harness.token("institution_admin", institutionId);
    const code = async (work: Promise<unknown>) => (await refusal(work)).code;
    expect(await code(status(await harness.token("physician", institutionId), {}))).toBe("ROLE_NOT_ALLOWED");
    expect(await code(status(admin, {}))).toBe("DELIVERY_SCOPE_INVALID");
    expect(await code(status(admin, { institutionId, jurisdiction: "tianjin" }))).toBe("DELIVERY_SCOPE_INVALID");
    expect(await code(status(await harness.token("institution_admin", "other-institution"), { institutionId }))).toBe("TENANT_MISMATCH");
    expect(await code(status(admin, { jurisdiction: "tianjin" }))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(await code(status(await harness.token("regulator", "chongqing"), { institutionId }))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(await code(status(await harness.token("regulator", "national"), { jurisdiction: "atlantis" }))).toBe("INVALID_JURISDICTION");
    expect((await status(await harness.token("regulator", "tianjin"), { institutionId })).unacknowledged).toBe(2);
    expect((await status(await harness.token("regulator", "national"), { institutionId })).unacknowledged).toBe(2);
    // Another institution of the same channel sees none of these messages.
    expect((await status(await harness.token("institution_admin", "inst-2"), { institutionId: "inst-2" })).unacknowledged).toBe(0);

    expect(await code(replay(await harness.token("regulator", "tianjin"), { jurisdiction: "tianjin" }))).toBe("ROLE_NOT_ALLOWED");
    expect(await code(replay(await harness.token("institution_admin", "inst-2"), { institutionId }))).toBe("TENANT_MISMATCH");
    expect(await replay(admin, { institutionId })).toBe(0);
    expect(await replay(await harness.token("system", "platform"), { jurisdiction: "tianjin" })).toBe(0);
    const refused = (await harness.readLog()).filter((event) => event.type === "AccessRefused").map((event) => event.data["reason"]);
    expect(refused).toEqual([
      "ROLE_NOT_ALLOWED", "DELIVERY_SCOPE_INVALID", "DELIVERY_SCOPE_INVALID", "TENANT_MISMATCH", "JURISDICTION_NOT_ALLOWED", "JURISDICTION_NOT_ALLOWED",
      "INVALID_JURISDICTION", "ROLE_NOT_ALLOWED", "TENANT_MISMATCH",
    ]);
  });
});
