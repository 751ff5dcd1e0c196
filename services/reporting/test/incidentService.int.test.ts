import {
  type GetIncidentResponse,
  IncidentAuthority,
  IncidentKind,
  IncidentServiceService,
  type MarkAuthorityNotifiedRequest,
  type MarkAuthorityNotifiedResponse,
  type ReportIncidentRequest,
  type ReportIncidentResponse,
} from "@ihp/contracts/reporting";
import type { ServiceClient } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, refusal, startHarness } from "./support/harness.js";

type Incidents = ServiceClient<typeof IncidentServiceService>;

const { INCIDENT_AUTHORITY_CYBERSPACE: CYBERSPACE, INCIDENT_AUTHORITY_HEALTH: HEALTH } = IncidentAuthority;

function report(client: Incidents, token: string, request: Partial<ReportIncidentRequest>): Promise<ReportIncidentResponse> {
  const full = { incidentId: "", institutionId: "", kind: IncidentKind.INCIDENT_KIND_UNSPECIFIED, criticalInfrastructure: false, categoryCode: "", ...request };
  return client.reportIncident(full, { token });
}

function markNotified(client: Incidents, token: string, request: Partial<MarkAuthorityNotifiedRequest>): Promise<MarkAuthorityNotifiedResponse> {
  return client.markAuthorityNotified({ incidentId: "", authority: IncidentAuthority.INCIDENT_AUTHORITY_UNSPECIFIED, reference: "", ...request }, { token });
}

function getIncident(client: Incidents, token: string, incidentId: string): Promise<GetIncidentResponse> {
  return client.getIncident({ incidentId }, { token });
}

describe("IncidentService over gRPC (REP-07)", () => {
  let harness: Harness;
  let client: Incidents;
  let now = new Date("2026-03-02T08:00:00.000Z");
  const incidentId = "0195a1b2-0000-7000-8000-000000000001";

  beforeAll(async () => {
    harness = await startHarness({ clock: () => now, env: { INCIDENT_CHECK_INTERVAL_MS: "0" } });
    client = harness.grpc(IncidentServiceService);
  });
  afterAll(() => harness.close());

  it("REP-07: a critical-infrastructure MAJOR_CYBER report returns 1 h tasks; a notified task stops alerting, the other alerts once", async () => {
    const admin = await harness.token("institution_admin", "inst-1");
    const request = { incidentId, institutionId: "inst-1", kind: IncidentKind.INCIDENT_KIND_MAJOR_CYBER, criticalInfrastructure: true, categoryCode: "ransomware", requestId: "r-000001" };
    const response = await report(client, admin, request);
    expect(response).toEqual({
      incidentId,
      reportedAt: "2026-03-02T08:00:00.000Z",
      tasks: [
        { authority: CYBERSPACE, dueAt: "2026-03-02T09:00:00.000Z" },
        { authority: HEALTH, dueAt: "2026-03-02T09:00:00.000Z" },
      ],
    });
    expect(await report(client, admin, request)).toEqual(response);

    await markNotified(client, admin, { incidentId, authority: CYBERSPACE, reference: "CAC-2026-17" });
    now = new Date("2026-03-02T09:30:00.000Z");
    expect(await harness.service.checkIncidentDeadlines()).toBe(1);
    expect(await harness.service.checkIncidentDeadlines()).toBe(0);
    expect(harness.logs.withCode("INCIDENT_NOTIFICATION_OVERDUE").map((line) => line["authority"])).toEqual(["health"]);
    const national = await harness.token("regulator", "national");
    expect((await getIncident(client, national, incidentId)).tasks).toEqual([
      { authority: CYBERSPACE, dueAt: "2026-03-02T09:00:00.000Z", notifiedAt: "2026-03-02T08:00:00.000Z", reference: "CAC-2026-17", overdue: false },
      { authority: HEALTH, dueAt: "2026-03-02T09:00:00.000Z", notifiedAt: undefined, reference: undefined, overdue: true },
    ]);
  });

  it("REP-07: refusals carry their codes and statuses; a regulator may not report, an unknown authority has no task", async () => {
    const before = (await harness.readLog()).length;
    const regulator = await harness.token("regulator", "tianjin");
    const admin = await harness.token("institution_admin", "inst-1");
    const other = await harness.token("institution_admin", "inst-2");
    expect(await refusal(report(client, regulator, { incidentId: "x", institutionId: "inst-1", kind: IncidentKind.INCIDENT_KIND_DATA_LEAK }))).toMatchObject({ code: "ROLE_NOT_ALLOWED", status: 7 });
    expect(await refusal(report(client, admin, { incidentId: "x", institutionId: "inst-1", kind: IncidentKind.INCIDENT_KIND_UNSPECIFIED }))).toMatchObject({ code: "INCIDENT_KIND_UNKNOWN", status: 3 });
    expect(await refusal(markNotified(client, other, { incidentId, authority: HEALTH, reference: "x" }))).toMatchObject({ code: "INCIDENT_OTHER_INSTITUTION", status: 7 });
    expect(await refusal(markNotified(client, admin, { incidentId, authority: IncidentAuthority.UNRECOGNIZED, reference: "x" }))).toMatchObject({ code: "NOTIFICATION_TASK_UNKNOWN", status: 5 });
    expect(await refusal(markNotified(client, admin, { incidentId, authority: CYBERSPACE, reference: "again" }))).toMatchObject({ code: "NOTIFICATION_ALREADY_DONE", status: 9 });
    const added = (await harness.readLog()).slice(before);
    expect(added.map((event) => event.type)).toEqual(Array<string>(5).fill("AccessRefused"));
  });

  it("REP-07: a 6,000-character incident id is INVALID_ID (status 3), not INTERNAL, and only the refusal is recorded", async () => {
    const before = (await harness.readLog()).length;
    const admin = await harness.token("institution_admin", "inst-1");
    const incident = { incidentId: "i".repeat(6_000), institutionId: "inst-1", kind: IncidentKind.INCIDENT_KIND_DATA_LEAK, categoryCode: "exfiltration" };
    expect(await refusal(report(client, admin, incident))).toMatchObject({ code: "INVALID_ID", status: 3, kind: "INVALID_ARGUMENT" });
    expect(await refusal(report(client, admin, { ...incident, incidentId: incidentId.replace("1", "2"), requestId: "r-1" }))).toMatchObject({ code: "INVALID_REQUEST_ID", status: 3 });
    const added = (await harness.readLog()).slice(before);
    expect(added.map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual([
      ["AccessRefused", "INVALID_ID"],
      ["AccessRefused", "INVALID_REQUEST_ID"],
    ]);
  });
});
