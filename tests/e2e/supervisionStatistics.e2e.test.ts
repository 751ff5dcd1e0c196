import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  beijingDate,
  demoActors,
  type DemoSeed,
  type EmbeddedPlatform,
  type FlowActors,
  FlowError,
  graphql,
  must,
  runClinicalFlow,
  seedDemo,
  startEmbeddedPlatform,
  startFollowUp,
} from "@ihp/runner";
import { waitFor, writeWeekendOnlyCalendarFile } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// REP-04 supervision statistics end to end, embedded mode, through GraphQL only: a seeded clinical flow (a follow-up
// with a prescription signed, approved and dispensed; a second follow-up terminated and referred), an adverse event
// (REP-06), a complaint and an anomaly case (REP-05) — and the dashboard's figures equal what happened, for the
// institution's admin and for a national regulator, while other institutions and jurisdictions are refused. The
// consult response times come from consult's ConsultStarted (request and acceptance times) through the bus.

const DASHBOARD = `query ($institutionId: ID, $jurisdiction: String, $from: String!, $to: String!) {
  supervisionDashboard(institutionId: $institutionId, jurisdiction: $jurisdiction, from: $from, to: $to) {
    from to asOf
    consultsByType { key count } consultsByDepartment { key count }
    prescriptionsIssued prescriptionsApproved prescriptionsReturned prescriptionsRejected prescriptionReasons { key count }
    reviewTurnaround { count medianMinutes p90Minutes } consultResponse { count medianMinutes p90Minutes }
    terminations referrals terminationReasons { key count }
    adverseEventsBySeverity { key count } complaintsByStatus { key count }
    openAnomalyCases { caseId institutionId openedAt dueOn overdue }
  }
}`;

interface Dashboard {
  readonly from: string;
  readonly to: string;
  readonly asOf: string | null;
  readonly consultsByType: { key: string; count: number }[];
  readonly consultsByDepartment: { key: string; count: number }[];
  readonly prescriptionsIssued: number;
  readonly prescriptionsApproved: number;
  readonly prescriptionsReturned: number;
  readonly prescriptionsRejected: number;
  readonly prescriptionReasons: { key: string; count: number }[];
  readonly reviewTurnaround: { count: number; medianMinutes: number | null; p90Minutes: number | null };
  readonly consultResponse: { count: number; medianMinutes: number | null; p90Minutes: number | null };
  readonly terminations: number;
  readonly referrals: number;
  readonly terminationReasons: { key: string; count: number }[];
  readonly adverseEventsBySeverity: { key: string; count: number }[];
  readonly complaintsByStatus: { key: string; count: number }[];
  readonly openAnomalyCases: { caseId: string; institutionId: string; openedAt: string; dueOn: string; overdue: boolean }[];
}

describe("REP-04 supervision statistics end to end, embedded mode, through GraphQL only", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-statistics-"));
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;
  let admin: string;
  let regulator: string;
  const now = new Date();
  const range = { from: beijingDate(now, -1), to: beijingDate(now, 1) };

  const dashboard = (token: string, scope: { institutionId?: string; jurisdiction?: string }, dates = range) =>
    must<Dashboard>(url, DASHBOARD, { ...scope, ...dates }, token, "supervisionDashboard");
  const refusalCode = async (work: Promise<unknown>): Promise<string> => {
    const error = await work.then(() => undefined, (caught: unknown) => caught);
    if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
    return error.code ?? "";
  };

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
    demo = await seedDemo(url, platform.issuer, now);
    admin = demo.tokens["institution_admin"]!;
    regulator = demo.tokens["regulator"]!;
    actors = await demoActors(url, demo);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REP-04, REP-05, REP-06: the dashboard's figures equal what happened, for the institution's admin and a national regulator", async () => {
    const { consultId } = await runClinicalFlow(actors, "stats-flow", { prescribe: true });
    const terminated = await startFollowUp(actors, "stats-terminated", now);
    await must(url, `mutation ($input: TerminateConsultInput!) { terminateConsult(input: $input) { id } }`,
      { input: { requestId: "stats-terminate", consultId: terminated, reasonCode: "NEEDS_PHYSICAL_EXAMINATION" } }, actors.physicianToken, "terminateConsult");
    await must(url, `mutation ($input: ReportAdverseEventInput!) { reportAdverseEvent(input: $input) { suspended } }`,
      { input: { adverseEventId: randomUUID(), institutionId: demo.institutionId, kind: "DRUG", severity: "MILD", scopeKind: "DRUG", scopeValue: "some-drug", description: "轻微胃肠不适。" } },
      actors.pharmacistToken, "reportAdverseEvent");
    // The completion reaches reporting over the bus: until then a complaint is refused (CONSULT_NOT_FINISHED).
    const complain = async (): Promise<boolean> => {
      try {
        await must(url, `mutation ($input: FileComplaintInput!) { fileComplaint(input: $input) { complaintId } }`,
          { input: { complaintId: randomUUID(), consultId, category: "WAITING_TIME", text: "等待时间过长", requestId: "stats-complaint" } }, actors.patientToken, "fileComplaint");
        return true;
      } catch (error) {
        if (error instanceof FlowError && error.code === "CONSULT_NOT_FINISHED") return false;
        throw error;
      }
    };
    await waitFor(complain, 10_000, "the completion to reach reporting");
    const caseId = randomUUID();
    const opened = await must<{ dueDay: string }>(url, `mutation ($input: OpenAnomalyCaseInput!) { openAnomalyCase(input: $input) { dueDay } }`,
      { input: { caseId, institutionId: demo.institutionId, findingCode: "RX_REVIEW_LATE", findingReference: "stats-1", workingDays: 5 } }, regulator, "openAnomalyCase");

    // The read model follows the log: wait until it has applied the last fact (the anomaly case).
    const own = { institutionId: demo.institutionId };
    const caughtUp = async (): Promise<boolean> => {
      const seen = await dashboard(admin, own);
      return seen.openAnomalyCases.length === 1 && seen.prescriptionsApproved === 1 && seen.consultResponse.count === 2;
    };
    await waitFor(caughtUp, 15_000, "the statistics to catch up");
    const figures = await dashboard(admin, own);

    expect(figures).toMatchObject({
      ...range,
      consultsByType: [{ key: "FOLLOW_UP", count: 2 }],
      consultsByDepartment: [{ key: "03.07", count: 2 }],
      prescriptionsIssued: 1,
      prescriptionsApproved: 1,
      prescriptionsReturned: 0,
      prescriptionsRejected: 0,
      prescriptionReasons: [],
      terminations: 1,
      referrals: 1,
      terminationReasons: [{ key: "NEEDS_PHYSICAL_EXAMINATION", count: 1 }],
      adverseEventsBySeverity: [{ key: "MILD", count: 1 }],
      complaintsByStatus: [{ key: "RECEIVED", count: 1 }],
      openAnomalyCases: [{ caseId, institutionId: demo.institutionId, dueOn: opened.dueDay, overdue: false }],
    });
    expect(figures.reviewTurnaround.count).toBe(1);
    expect(figures.reviewTurnaround.medianMinutes).toBeGreaterThan(0);
    expect(figures.reviewTurnaround.p90Minutes).toBe(figures.reviewTurnaround.medianMinutes);
    // Both follow-ups: requested, then accepted by the physician.
    expect(figures.consultResponse.count).toBe(2);
    expect(figures.consultResponse.medianMinutes).toBeGreaterThan(0);
    expect(Date.parse(figures.asOf ?? "")).toBeGreaterThanOrEqual(now.getTime());
    // Counts and codes only: nothing of the patient, the clinicians or the texts.
    const text = JSON.stringify(figures);
    for (const secret of [demo.staff.physicianId, "等待时间过长", "轻微胃肠不适", consultId]) expect(text).not.toContain(secret);

    // The national regulator reads the same figures by institution and by the institution's jurisdiction.
    const { asOf: _asOf, ...same } = figures;
    expect(await dashboard(regulator, own)).toMatchObject(same);
    expect(await dashboard(regulator, { jurisdiction: "national" })).toMatchObject(same);

    // A range before anything happened counts nothing (open anomaly cases are those open now).
    const before = await dashboard(admin, own, { from: beijingDate(now, -30), to: beijingDate(now, -20) });
    expect(before).toMatchObject({ consultsByType: [], prescriptionsIssued: 0, terminations: 0, reviewTurnaround: { count: 0, medianMinutes: null, p90Minutes: null } });
    expect(before.openAnomalyCases).toHaveLength(1);
  }, 120_000);

  it("REP-04: other institutions, other jurisdictions, other roles and malformed requests are refused", async () => {
    const tianjin = await platform.issuer.issue({ subject: randomUUID(), roles: ["regulator"], tenantId: "tianjin", kind: "human", ttlSeconds: 600 });
    const own = { institutionId: demo.institutionId };
    expect(await refusalCode(dashboard(admin, { institutionId: randomUUID() }))).toBe("STATISTICS_INSTITUTION_NOT_ALLOWED");
    expect(await refusalCode(dashboard(admin, { jurisdiction: "national" }))).toBe("STATISTICS_INSTITUTION_NOT_ALLOWED");
    expect(await refusalCode(dashboard(tianjin, own))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(await refusalCode(dashboard(tianjin, { jurisdiction: "national" }))).toBe("JURISDICTION_NOT_ALLOWED");
    expect(await refusalCode(dashboard(actors.physicianToken, own))).toBe("ROLE_NOT_ALLOWED");
    expect(await refusalCode(dashboard(admin, { ...own, jurisdiction: "national" }))).toBe("STATISTICS_SCOPE_INVALID");
    expect(await refusalCode(dashboard(admin, own, { from: range.to, to: range.from }))).toBe("STATISTICS_RANGE_INVALID");
    // The role is checked before the request: a physician's malformed request is still a role refusal.
    expect(await refusalCode(dashboard(actors.physicianToken, {}, { from: "x", to: "y" }))).toBe("ROLE_NOT_ALLOWED");
    // Tianjin's own jurisdiction is readable (no institution there yet: nothing counted).
    expect(await dashboard(tianjin, { jurisdiction: "tianjin" })).toMatchObject({ consultsByType: [], prescriptionsIssued: 0, openAnomalyCases: [] });
    const anonymous = await graphql(url, DASHBOARD, { ...own, ...range });
    expect(anonymous.errors?.[0]?.extensions?.["code"]).toMatch(/^(UNAUTHENTICATED|TOKEN_MISSING)$/);
  }, 60_000);
});
