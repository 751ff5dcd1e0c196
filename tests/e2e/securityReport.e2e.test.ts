import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { credentials } from "@grpc/grpc-js";
import { AuditOutcome, AuditServiceClient } from "@ihp/contracts";
import { fromGrpcError, withBearerToken } from "@ihp/platform";
import { demoActors, type EmbeddedPlatform, type FlowActors, seedDemo, startEmbeddedPlatform, startFollowUp } from "@ihp/runner";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// XC-07 (Yinchuan art. 24) end to end on the embedded platform: reporting's daily security report reads every
// service's audit trail over ihp.audit.v1.AuditService with its own security_report credential. A refused call in
// identity and a completed step-up happen "today"; the injected clock then moves one day on, and the next report
// counts them. The clock is the test's; the report's timer only decides how soon the job looks.

const DAY_MS = 86_400_000;
const beijingDay = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

interface WrittenReport {
  readonly day: string;
  readonly sources: readonly string[];
  readonly missingSources: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly byCode: readonly { readonly kind: string; readonly code: string; readonly count: number }[];
  readonly lines: readonly { readonly kind: string; readonly service: string; readonly action: string; readonly reasonCode: string }[];
}

describe("XC-07 daily security report across services, embedded mode", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-security-e2e-"));
  const reportDir = join(dataDir, "security-reports");
  let shift = 0;
  const clock = (): Date => new Date(Date.now() + shift);
  let platform: EmbeddedPlatform;
  let actors: FlowActors;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "warn", clock, securityReport: { dir: reportDir, intervalMs: 250 } });
    const url = platform.graphqlUrl;
    const demo = await seedDemo(url, platform.issuer, clock());
    actors = await demoActors(url, demo);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("XC-07: a wrong-role call refused by identity and a step-up of the previous day are in the report's counts, read from identity's trail", async () => {
    const day = beijingDay(clock());
    // A physician asking identity for its audit trail: refused (ROLE_NOT_ALLOWED) and recorded by identity.
    const audit = new AuditServiceClient(`127.0.0.1:${platform.grpcPorts.identity}`, credentials.createInsecure());
    try {
      const request = { from: `${day}T00:00:00+08:00`, to: `${day}T23:59:59+08:00`, actorId: "", action: "", outcome: AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED, institutionId: "", first: 0, after: "" };
      const refused = await new Promise<unknown>((resolve, reject) =>
        audit.listAuditRecords(request, withBearerToken(actors.physicianToken), (error, value) => (error === null ? resolve(value) : reject(fromGrpcError(error)))),
      ).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    } finally {
      audit.close();
    }
    // A follow-up consult the physician starts after a passkey step-up bound to it (IDN-03).
    const consultId = await startFollowUp(actors, "xc07-follow-up", clock());
    expect(beijingDay(clock()), "the actions crossed Beijing midnight; run again").toBe(day);

    // The next Beijing day: the job reports the day just ended.
    shift = DAY_MS;
    const file = join(reportDir, `${day}-security.json`);
    let report: WrittenReport | undefined;
    await waitFor(
      async () => {
        report = await readFile(file, "utf8").then((text) => JSON.parse(text) as WrittenReport, () => undefined);
        return report !== undefined && report.missingSources.length === 0;
      },
      30_000,
      "the security report of the previous day",
    );
    if (report === undefined) throw new Error("no report");
    expect([...report.sources].sort()).toEqual(["consult", "identity", "integration", "pharmacy", "prescription", "records", "reporting"]);
    const fromIdentity = report.lines.filter((line) => line.service === "identity");
    expect(fromIdentity).toContainEqual(expect.objectContaining({ kind: "REFUSAL", action: "ListAuditRecords", reasonCode: "ROLE_NOT_ALLOWED" }));
    const stepUps = fromIdentity.filter((line) => line.kind === "STEP_UP");
    // The seed's and the follow-up's step-ups: at least the one this test made, all from identity's trail.
    expect(stepUps.length).toBeGreaterThanOrEqual(1);
    expect(stepUps.every((line) => line.action === "StepUp" && line.reasonCode === "")).toBe(true);
    expect(report.counts["STEP_UP"]).toBe(stepUps.length);
    expect(report.counts["REFUSAL"]).toBeGreaterThanOrEqual(1);
    expect(report.byCode).toContainEqual({ kind: "STEP_UP", code: "StepUp", count: stepUps.length });
    // Minimized: no actor ids or resources in the file.
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("step-up/");
    expect(text).not.toContain(consultId);
  }, 120_000);
});
