import type { Principal } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { authorizeOn, roleGate } from "../src/application/policy.js";

const principal = (roles: Principal["roles"], subject = "u-1", tenantId = "inst-1"): Principal => ({ subject, roles, tenantId, kind: "human" });
const target = { institutionId: "inst-1", patientId: "patient-1" };

describe("authorization (deny by default)", () => {
  it("XC-03: pharmacists review only their institution's prescriptions", () => {
    expect(authorizeOn("ApprovePrescription", principal(["pharmacist"]), target)).toMatchObject({ allowed: true, role: "pharmacist" });
    expect(authorizeOn("ApprovePrescription", principal(["pharmacist"], "u-1", "inst-2"), target)).toMatchObject({ allowed: false, reason: "TENANT_MISMATCH" });
    expect(roleGate("ApprovePrescription", principal(["physician"]))).toMatchObject({ allowed: false, reason: "ROLE_NOT_ALLOWED" });
    expect(roleGate("ApprovePrescription", principal(["system"]))).toMatchObject({ allowed: false, reason: "ROLE_NOT_ALLOWED" });
  });

  it("XC-03: patients see only their own prescriptions", () => {
    expect(authorizeOn("GetPrescription", principal(["patient"], "patient-1"), target)).toMatchObject({ allowed: true, scope: "own" });
    expect(authorizeOn("GetPrescription", principal(["patient"], "patient-2"), target)).toEqual({ allowed: false, notOwn: true });
    expect(roleGate("DispensePrescription", principal(["patient"], "patient-1"))).toMatchObject({ allowed: false });
  });

  it("XC-03: the platform (system) records payments and dispatches for any institution, but does not review", () => {
    expect(authorizeOn("RecordPayment", principal(["system"], "svc", "platform"), target)).toMatchObject({ allowed: true, scope: "any" });
    expect(authorizeOn("DispatchDelivery", principal(["system"], "svc", "platform"), target)).toMatchObject({ allowed: true });
    expect(roleGate("RejectPrescription", principal(["system"]))).toMatchObject({ allowed: false });
  });

  it("XC-03 (issue 13 item 7): a service credential reads no prescription, checks no order, tracks no delivery, keeps no roster", () => {
    const service: Principal = { subject: "svc:x", roles: ["system"], tenantId: "platform", kind: "service" };
    for (const action of ["GetPrescription", "CheckOrder", "SyncDeliveryTracking", "ScheduleShift", "CancelShift", "GetReviewCoverage"] as const) {
      expect(roleGate(action, service), action).toMatchObject({ allowed: false, reason: "ROLE_NOT_ALLOWED" });
    }
    // Only the service's own PHA-06 timer checks coverage as the service, and only it may.
    expect(authorizeOn("MonitorReviewCoverage", service, target)).toMatchObject({ allowed: true, role: "system" });
    expect(roleGate("MonitorReviewCoverage", principal(["institution_admin"]))).toMatchObject({ allowed: false });
  });

  it("XC-03: roles with no rule are refused (regulator, governance)", () => {
    expect(roleGate("GetPrescription", principal(["regulator"]))).toMatchObject({ allowed: false, reason: "ROLE_NOT_ALLOWED" });
    expect(roleGate("ListMyPrescriptions", principal(["pharmacy_governance"]))).toMatchObject({ allowed: false });
  });
});
