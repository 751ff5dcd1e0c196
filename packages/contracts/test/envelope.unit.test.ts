import { describe, expect, it } from "vitest";

import { ErrorDetail, EventEnvelope } from "@ihp/contracts";

describe("generated contracts (ts-proto through buf)", () => {
  it("round-trips an event envelope, 64-bit revisions beyond 2^53 without losing precision", () => {
    const envelope = EventEnvelope.fromPartial({
      id: "0193a1b2-0000-7000-8000-000000000001",
      type: "InstitutionRegistered",
      schemaVersion: 1,
      streamId: "identity-institution-1",
      streamRevision: 9_007_199_254_740_993n,
      logPosition: (2n ** 70n).toString(),
      metadata: { actorId: "admin-1", actorRole: "institution_admin", tenantId: "h-1", occurredAt: "2026-11-23T08:00:00Z" },
      contentType: "application/json",
      payload: Buffer.from('{"name":"银川互联网医院"}', "utf8"),
    });
    const decoded = EventEnvelope.decode(EventEnvelope.encode(envelope).finish());
    expect(decoded.streamRevision).toBe(9_007_199_254_740_993n);
    expect(decoded).toEqual(envelope);
    expect(new TextDecoder().decode(decoded.payload)).toBe('{"name":"银川互联网医院"}');
  });

  it("carries a stable error code and rule id in the error detail", () => {
    const bytes = ErrorDetail.encode({ code: "FIRST_VISIT_NOT_ALLOWED", message: "请到实体医院就诊", ruleId: "CON-02" }).finish();
    expect(ErrorDetail.decode(bytes)).toEqual({ code: "FIRST_VISIT_NOT_ALLOWED", message: "请到实体医院就诊", ruleId: "CON-02" });
  });
});

describe("hospital grade names", () => {
  it("map every named grade to the contract's enum and back; UNSPECIFIED and unknown values have no name", async () => {
    const { HOSPITAL_GRADE_NAMES, HospitalGrade, hospitalGradeName, hospitalGradeOf } = await import("@ihp/contracts/identity");
    for (const name of HOSPITAL_GRADE_NAMES) expect(hospitalGradeName(hospitalGradeOf(name))).toBe(name);
    expect(hospitalGradeOf("TERTIARY_A")).toBe(HospitalGrade.HOSPITAL_GRADE_TERTIARY_A);
    expect(hospitalGradeName(HospitalGrade.HOSPITAL_GRADE_UNSPECIFIED)).toBeUndefined();
    expect(hospitalGradeName(99 as never)).toBeUndefined();
    expect(hospitalGradeOf("QUATERNARY")).toBe(HospitalGrade.HOSPITAL_GRADE_UNSPECIFIED);
  });
});
