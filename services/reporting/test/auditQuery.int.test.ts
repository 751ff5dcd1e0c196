import { AuditOutcome, AuditServiceService } from "@ihp/contracts";
import { IncidentKind, IncidentServiceService } from "@ihp/contracts/reporting";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, refusal, startHarness } from "./support/harness.js";

// The gateway's auditTrail(service: REPORTING) reads ihp.audit.v1.AuditService on reporting like on every other
// service. Reporting starts its own gRPC server (not the service host), so it must register the audit query itself;
// without it every such query ended as UNIMPLEMENTED, which the gateway shows as INTERNAL.

const RANGE = { from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" };

describe("reporting serves its own audit trail (XC-01, XC-02)", () => {
  let harness: Harness;
  const now = new Date("2026-03-02T08:00:00.000Z");

  beforeAll(async () => {
    harness = await startHarness({ clock: () => now, env: { INCIDENT_CHECK_INTERVAL_MS: "0" } });
  });
  afterAll(() => harness.close());

  it("XC-02: a refusal reporting recorded is listed for the national regulator, and an institution admin sees only their own", async () => {
    const incidents = harness.grpc(IncidentServiceService);
    const physician = await harness.token("physician", "inst-1", "doc-1");
    const refused = incidents.reportIncident(
      { incidentId: "0195a1b2-0000-7000-8000-0000000000a1", institutionId: "inst-1", kind: IncidentKind.INCIDENT_KIND_DATA_LEAK, criticalInfrastructure: false, categoryCode: "x" },
      { token: physician },
    );
    expect(await refusal(refused)).toMatchObject({ code: "ROLE_NOT_ALLOWED" });

    const audit = harness.grpc(AuditServiceService);
    const national = await harness.token("regulator", "national");
    const page = await audit.listAuditRecords({ ...RANGE, outcome: AuditOutcome.AUDIT_OUTCOME_REFUSED, first: 50 }, { token: national });
    expect(page.records).toContainEqual(
      expect.objectContaining({ service: "reporting", action: "ReportIncident", reasonCode: "ROLE_NOT_ALLOWED", actorId: "doc-1", institutionId: "inst-1" }),
    );

    const otherAdmin = await harness.token("institution_admin", "inst-2");
    const own = await audit.listAuditRecords({ ...RANGE, outcome: AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED, first: 50 }, { token: otherAdmin });
    expect(own.records.filter((record) => record.institutionId !== "inst-2")).toEqual([]);
    expect(await refusal(audit.listAuditRecords({ ...RANGE, outcome: AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED, institutionId: "inst-1" }, { token: otherAdmin }))).toMatchObject({
      code: "TENANT_MISMATCH",
    });
    const patient = await harness.token("patient", "inst-1");
    expect(await refusal(audit.listAuditRecords({ ...RANGE, outcome: AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED }, { token: patient }))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
  });
});
