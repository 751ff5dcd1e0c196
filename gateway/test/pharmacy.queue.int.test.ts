import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { pharmacyModule } from "../src/contexts/pharmacy/resolvers.js";
import { startHarness } from "./support/harness.js";
import { INSTITUTION, OTHER_INSTITUTION, PHARMACIST } from "./support/pharmacyHarness.js";
import {
  admin,
  CANCEL,
  COVERAGE,
  data,
  foreignPharmacist,
  h,
  MINE,
  patient,
  pharmacist,
  pharmacyRefusal,
  QUEUE,
  QUEUE_CHANGES,
  refusal,
  type RxPage,
  SCHEDULE,
  socket,
  usePharmacyHarness,
} from "./support/pharmacyGateway.js";

// The review queue's access and paging, review coverage (PHA-06), and what the API leaves out (PHA-03); the pharmacy
// fields without a backend. A prescription's way through the pharmacy: pharmacy.int.test.ts.

describe("pharmacy through the gateway, on the real pharmacy service", () => {
  usePharmacyHarness();

  it("refuses subscriptions without a token, of the wrong role or of another institution, with stable codes", async () => {
    const anonymous = await socket(undefined);
    expect(anonymous.answer).toEqual({ type: "connection_error", payload: { message: "Forbidden" } });

    const foreign = await socket(foreignPharmacist);
    foreign.client.subscribe("1", QUEUE_CHANGES, { institution: INSTITUTION });
    expect(await foreign.client.next()).toMatchObject({
      type: "error",
      id: "1",
      payload: [{ extensions: { code: "TENANT_MISMATCH" } }],
    });

    const asPatient = await socket(patient);
    asPatient.client.subscribe("2", QUEUE_CHANGES, { institution: INSTITUTION });
    expect(await asPatient.client.next()).toMatchObject({
      type: "error",
      id: "2",
      payload: [{ message: "Your role is not allowed to do this.", extensions: { code: "ROLE_NOT_ALLOWED", messageZh: "您的角色无权执行此操作。" } }],
    });
  });
  it("PHA-03: there is no way to edit drug lines through the API", async () => {
    const amend = await h.post(`mutation { amendPrescriptionLines(input: { requestId: "amend-request-1" }) { serialNumber } }`, undefined, pharmacist);
    expect(refusal(amend)).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
  });
  it("PHA-06: no pharmacist on duty in business hours raises the alert with the expected delay, also for patients", async () => {
    h.now = new Date("2026-03-06T02:00:00Z"); // 10:00 Beijing
    const shiftInput = { requestId: "shift-request-1", institutionId: INSTITUTION, pharmacistId: PHARMACIST, startsAt: "2026-03-06T04:00:00Z", endsAt: "2026-03-06T10:00:00Z" };
    expect(refusal(await h.post(SCHEDULE, { input: shiftInput }, pharmacist))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    expect(refusal(await h.post(SCHEDULE, { input: { ...shiftInput, requestId: "shift-request-0", endsAt: "2026-03-06T03:00:00Z" } }, admin))).toEqual(
      pharmacyRefusal("INVALID_SHIFT"),
    );
    const shift = data<{ shiftId: string }>(await h.post(SCHEDULE, { input: shiftInput }, admin), "scheduleShift");
    expect(shift).toMatchObject({ institutionId: INSTITUTION, pharmacistId: PHARMACIST });

    const coverage = data(await h.post(COVERAGE, { institution: INSTITUTION }, patient), "reviewCoverage");
    expect(coverage).toEqual({
      at: h.now.toISOString(),
      withinBusinessHours: true,
      pharmacistsOnDuty: [],
      gap: true,
      expectedReviewAt: "2026-03-06T04:00:00.000Z",
      expectedDelayMinutes: 120,
    });

    h.now = new Date("2026-03-06T05:00:00Z");
    expect(data(await h.post(COVERAGE, { institution: INSTITUTION }, pharmacist), "reviewCoverage")).toMatchObject({
      gap: false,
      pharmacistsOnDuty: [PHARMACIST],
      expectedReviewAt: null,
      expectedDelayMinutes: 0,
    });

    const cancelled = data(await h.post(CANCEL, { input: { requestId: "cancel-request-1", institutionId: INSTITUTION, shiftId: shift.shiftId } }, admin), "cancelShift");
    expect(cancelled).toEqual({ shiftId: shift.shiftId, institutionId: INSTITUTION });
    expect(refusal(await h.post(CANCEL, { input: { requestId: "cancel-request-2", institutionId: INSTITUTION, shiftId: "no-such-shift" } }, admin))).toEqual(
      pharmacyRefusal("SHIFT_NOT_FOUND"),
    );
    // Nobody on duty and nobody scheduled: the alert, with no expected time to give.
    expect(data(await h.post(COVERAGE, { institution: INSTITUTION }, admin), "reviewCoverage")).toMatchObject({
      gap: true,
      pharmacistsOnDuty: [],
      expectedReviewAt: null,
      expectedDelayMinutes: null,
    });
  });
  it("issue 13: reviewQueue and myPharmacyPrescriptions page by cursor: each version exactly once, in order; an oversized page is refused", async () => {
    // Another institution and patient, so the versions above stay out of it; one minute apart, so the order is known.
    const patientToken = await h.token("patient", "patient-0007");
    const started = h.now;
    const refs = Array.from({ length: 5 }, (_, index) => ({ prescriptionId: `0193b000-0000-7000-8000-0000000007${index}0`, serialNumber: `SN-PAGE-${index}` }));
    try {
      for (const [index, ref] of refs.entries()) {
        h.now = new Date(started.getTime() + index * 60_000);
        await h.publishSigned({ ...ref, institutionId: OTHER_INSTITUTION, patientId: "patient-0007" });
      }
    } finally {
      h.now = started;
    }
    const walk = async (query: string, field: string, variables: Record<string, unknown>, token: string): Promise<string[]> => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const page: RxPage = data<RxPage>(await h.post(query, { ...variables, first: 2, after }, token), field);
        expect(page.edges.length).toBeLessThanOrEqual(2);
        seen.push(...page.edges.map((edge) => edge.node["serialNumber"] as string));
        if (!page.pageInfo.hasNextPage) return seen;
        after = page.pageInfo.endCursor;
      }
      throw new Error("paging never ended");
    };
    const serials = refs.map((ref) => ref.serialNumber);
    await waitFor(async () => (await walk(QUEUE, "reviewQueue", { institution: OTHER_INSTITUTION }, foreignPharmacist)).length === 5, 5_000, "queued");
    // Oldest first, three pages of at most two.
    expect(await walk(QUEUE, "reviewQueue", { institution: OTHER_INSTITUTION }, foreignPharmacist)).toEqual(serials);
    // Newest first.
    expect(await walk(MINE, "myPharmacyPrescriptions", {}, patientToken)).toEqual([...serials].reverse());
    // An edge cursor in the middle of a page continues right after that edge.
    const firstPage = data<RxPage>(await h.post(QUEUE, { institution: OTHER_INSTITUTION, first: 3 }, foreignPharmacist), "reviewQueue");
    const rest = data<RxPage>(await h.post(QUEUE, { institution: OTHER_INSTITUTION, first: 10, after: firstPage.edges[0]!.cursor }, foreignPharmacist), "reviewQueue");
    expect(rest.edges.map((edge) => edge.node["serialNumber"])).toEqual(serials.slice(1));

    const light = `query($first: Int) { reviewQueue(institutionId: "${OTHER_INSTITUTION}", first: $first) { edges { node { serialNumber } } } }`;
    expect(refusal(await h.post(light, { first: 101 }, foreignPharmacist))).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(refusal(await h.post(MINE, { first: 0 }, patientToken))).toMatchObject({ code: "BAD_USER_INPUT" });
    // Pages are priced by the complexity rule: a full page of whole versions costs more than one request may.
    expect(refusal(await h.post(QUEUE, { institution: OTHER_INSTITUTION, first: 100 }, foreignPharmacist))).toMatchObject({ code: "QUERY_TOO_COMPLEX" });
    expect(refusal(await h.post(QUEUE, { institution: OTHER_INSTITUTION, after: "not-a-cursor" }, foreignPharmacist)).code).toMatch(/INVALID_CURSOR/);
  });
});

describe("pharmacy fields without a pharmacy backend", () => {
  it("answer SERVICE_NOT_CONFIGURED, after authentication", async () => {
    const other = await startHarness({ modules: [pharmacyModule] });
    try {
      const anonymous = await other.post(`query { myPharmacyPrescriptions { edges { node { serialNumber } } } }`);
      expect(anonymous.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
      const signedIn = await other.post(`query { myPharmacyPrescriptions { edges { node { serialNumber } } } }`, undefined, await other.token(["patient"]));
      expect(signedIn.body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_NOT_CONFIGURED" });
    } finally {
      await other.close();
    }
  });
});
