import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnomalyCaseServiceService, RegulatorDeliveryServiceService } from "@ihp/contracts/reporting";
import { InProcessBus } from "@ihp/messaging";
import { RegulatorSimulator, waitFor } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { institution, registered } from "../support/identityEvents.js";
import { testClock } from "./support/deliverySetup.js";

// REP-05 "which is sent back": the Tianjin regulator's finding opens an anomaly case; the institution's admin closes
// it with a rectification note; the note goes to the Tianjin regulator through the delivery port as an
// ANOMALY_RECTIFICATION message and is acknowledged in the ledger like any other message.

const CREDENTIAL = "tianjin-issued-credential";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("REP-05 rectification sent back to the regulator (REP-04 delivery)", () => {
  it("REP-05: closing an anomaly case sends its rectification note to the institution's regulator, acknowledged once in the ledger", async () => {
    const simulator = await RegulatorSimulator.start({ credential: CREDENTIAL, serialPrefix: "TJ" });
    const folder = await mkdtemp(join(tmpdir(), "ihp-rectification-"));
    await writeFile(join(folder, "tianjin.cred"), CREDENTIAL, { mode: 0o600 });
    const settings = { channels: [{ jurisdiction: "tianjin", adapter: "json-push", endpoint: simulator.url, credentialsFile: "tianjin.cred", timeoutMs: 2_000 }], testAccounts: [] };
    await writeFile(join(folder, "delivery.json"), JSON.stringify(settings));
    const clock = testClock("2026-12-07T01:00:00.000Z");
    const bus = new InProcessBus({ duplicateWindowMs: 0 });
    const harness: Harness = await startHarness({ bus, clock: clock.now, env: { REGULATOR_DELIVERY_FILE: join(folder, "delivery.json"), REGULATOR_DELIVERY_INTERVAL_MS: "0", INCIDENT_CHECK_INTERVAL_MS: "0" } });
    cleanups.push(() => simulator.stop(), () => rm(folder, { recursive: true, force: true }), () => bus.close(), () => harness.close());
    const tianjin = institution({ jurisdiction: "tianjin" });
    await bus.publish(registered(tianjin));
    await waitFor(async () => (await harness.readLog()).some((event) => event.type === "FeedEntryRecorded"), 5_000, "the licence entry");
    const anomalies = harness.grpc(AnomalyCaseServiceService);
    const delivery = harness.grpc(RegulatorDeliveryServiceService);
    const { institutionId } = tianjin;
    const regulator = await harness.token("regulator", "tianjin");
    const admin = await harness.token("institution_admin", institutionId);

    const finding = { caseId: "case-7", institutionId, findingCode: "RX_REVIEW_LATE", findingReference: "TJ-JG-2026-7", workingDays: 5 };
    await anomalies.openAnomalyCase(finding, { token: regulator });
    await harness.service.deliverToRegulators();
    // Only the licence went: an open case sends nothing.
    expect(simulator.records().map((record) => record.type)).toEqual(["INSTITUTION_LICENCE"]);

    const note = "已整改：审方岗位排班补足，超时处方全部复核。";
    await anomalies.closeAnomalyCase({ caseId: "case-7", rectificationNote: note }, { token: admin });
    clock.advance(60_000);
    expect((await harness.service.deliverToRegulators())["tianjin"]).toMatchObject({ sent: 1, acknowledged: 1 });
    await harness.service.deliverToRegulators();
    const sentBack = simulator.records().filter((record) => record.type === "ANOMALY_RECTIFICATION");
    expect(sentBack).toHaveLength(1);
    expect(sentBack[0]).toMatchObject({
      businessId: "ANOMALY_RECTIFICATION:case-7",
      copies: 1,
      body: { caseId: "case-7", findingCode: "RX_REVIEW_LATE", findingReference: "TJ-JG-2026-7", rectificationNote: note, closedAt: "2026-12-07T01:00:00.000Z" },
    });
    const acknowledged = (await harness.readLog()).filter((event) => event.type === "RegulatorMessageAcknowledged" && event.data["messageId"] === sentBack[0]?.messageId);
    expect(acknowledged.map((event) => event.data["serial"])).toEqual([sentBack[0]?.serial]);
    const status = await delivery.getDeliveryStatus({ jurisdiction: "tianjin" }, { token: regulator });
    expect(status).toMatchObject({ acknowledged: 2, unacknowledged: 0 });
  });
});
