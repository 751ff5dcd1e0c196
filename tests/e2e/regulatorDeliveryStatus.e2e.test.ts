import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DemoSeed, type EmbeddedPlatform, FlowError, must, seedDemo, startEmbeddedPlatform } from "@ihp/runner";
import { waitFor, writeWeekendOnlyCalendarFile } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// REP-04 / REP-02 through GraphQL, embedded mode: the demo seed registers an institution and files a physician and a
// pharmacist; the embedded platform configures no regulator channel, so nothing is acknowledged and those uploads are
// pending against their 7-working-day due day. The institution's admin and a national regulator read them; others
// are refused by the reporting service.

const STATUS = `query ($institutionId: ID, $jurisdiction: String) {
  regulatorDeliveryStatus(institutionId: $institutionId, jurisdiction: $jurisdiction) {
    asOf unacknowledged deadLettered oldestUnacknowledgedAt ackLagMedianSeconds
    pendingUploads { kind subjectId institutionId changedAt dueOn overdue }
  }
}`;

interface Status {
  readonly asOf: string;
  readonly unacknowledged: number;
  readonly deadLettered: number;
  readonly oldestUnacknowledgedAt: string | null;
  readonly ackLagMedianSeconds: number | null;
  readonly pendingUploads: { kind: string; subjectId: string; institutionId: string; changedAt: string; dueOn: string; overdue: boolean }[];
}

describe("regulatorDeliveryStatus through GraphQL, embedded mode (REP-04, REP-02)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-delivery-status-"));
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let url: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      dataDir,
      gatewayPort: 0,
      logLevel: "warn",
      // Deadlines count from the real clock: in late December they reach into next year (test calendar, weekends only;
      // the built-in years win where they exist).
      workingDayCalendarFile: writeWeekendOnlyCalendarFile(dataDir, [0, 1, 2].map((ahead) => new Date().getUTCFullYear() + ahead)),
    });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const status = (token: string, scope: { institutionId?: string; jurisdiction?: string }) => must<Status>(url, STATUS, scope, token, "regulatorDeliveryStatus");
  const refusalCode = async (work: Promise<unknown>): Promise<string> => {
    const error = await work.then(() => undefined, (caught: unknown) => caught);
    if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
    return error.code ?? "";
  };

  it("REP-02: the seeded licence and staff uploads are pending, due 7 working days after their change, not overdue yet; the admin and a national regulator see the same", async () => {
    const admin = demo.tokens["institution_admin"] ?? "";
    const own = { institutionId: demo.institutionId };
    await waitFor(async () => (await status(admin, own)).pendingUploads.filter((upload) => upload.kind === "STAFF").length >= 2, 15_000, "the staff records to reach reporting");
    const seen = await status(admin, own);
    const kinds = seen.pendingUploads.map((upload) => `${upload.kind}:${upload.subjectId}`);
    expect(kinds).toEqual(expect.arrayContaining([`LICENCE:${demo.institutionId}`, `STAFF:${demo.staff.physicianId}`, `STAFF:${demo.staff.pharmacistId}`]));
    for (const upload of seen.pendingUploads) {
      expect(upload).toMatchObject({ institutionId: demo.institutionId, overdue: false });
      expect(upload.dueOn > upload.changedAt.slice(0, 10)).toBe(true);
    }
    expect(seen.unacknowledged).toBeGreaterThanOrEqual(seen.pendingUploads.length);
    expect(seen).toMatchObject({ deadLettered: 0, ackLagMedianSeconds: null });
    expect(seen.oldestUnacknowledgedAt).not.toBeNull();
    const regulator = demo.tokens["regulator"] ?? "";
    expect((await status(regulator, own)).pendingUploads).toEqual(seen.pendingUploads);
    expect((await status(regulator, { jurisdiction: "national" })).unacknowledged).toBeGreaterThanOrEqual(seen.unacknowledged);
  });

  it("REP-04: another institution's admin, a jurisdiction asked by an admin, and a missing or double scope are refused", async () => {
    const admin = demo.tokens["institution_admin"] ?? "";
    const stranger = await platform.issuer.issue({ subject: crypto.randomUUID(), roles: ["institution_admin"], tenantId: crypto.randomUUID(), kind: "human", ttlSeconds: 600 });
    expect(await refusalCode(status(stranger, { institutionId: demo.institutionId }))).toBe("TENANT_MISMATCH");
    expect(await refusalCode(status(admin, { jurisdiction: "national" }))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(await refusalCode(status(admin, {}))).toBe("DELIVERY_SCOPE_INVALID");
    expect(await refusalCode(status(admin, { institutionId: demo.institutionId, jurisdiction: "national" }))).toBe("DELIVERY_SCOPE_INVALID");
    expect(await refusalCode(must(url, `mutation { replayRegulatorDeadLetters(institutionId: "${demo.institutionId}") { replayed } }`, {}, admin, "replayRegulatorDeadLetters"))).toBe("REGULATOR_CHANNEL_UNKNOWN");
  });
});
