import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { prescriptionModule } from "../src/contexts/prescription/resolvers.js";
import { startHarness } from "./support/harness.js";
import {
  current,
  described,
  draft,
  errorOf,
  h,
  mine,
  otherPhysician,
  patient,
  physician,
  prescriptionOf,
  refused,
  rid,
  usePrescriptionHarness,
} from "./support/prescriptionClient.js";
import { CONFIRM_LONG_TERM, contentInput, DRAFT, GET, lineInput, REVISE, SIGN, STATISTICS } from "./support/prescriptionDocuments.js";
import { CONSULTS, INSTITUTION_ID } from "./support/prescriptionHarness.js";

// Prescription fields refused through the gateway: unauthenticated callers, no backend, bad input, and that a
// refused mutation changes nothing.

usePrescriptionHarness();

describe("prescriptions through the gateway: refusals", () => {
  it("refuses an unauthenticated caller on every field with UNAUTHENTICATED", async () => {
    const drafting = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput() }, undefined);
    expect(drafting).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
    const reading = await h.post(`query { myPrescriptions { edges { node { id } } } }`);
    expect(errorOf(reading.body).extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    const statistics = await h.post(STATISTICS, { input: { institutionId: INSTITUTION_ID, purpose: "季度合理用药点评" } });
    expect(errorOf(statistics.body).extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("answers SERVICE_NOT_CONFIGURED when the gateway has no prescription address", async () => {
    const bare = await startHarness({ modules: [prescriptionModule] });
    try {
      const token = await bare.token(["physician"]);
      const response = await bare.post(GET, { id: "0195a000-0000-7000-8000-00000000a001" }, token);
      expect(errorOf(response.body).extensions?.["code"]).toBe("SERVICE_NOT_CONFIGURED");
    } finally {
      await bare.close();
    }
  });

  it("bad input: an unknown drug code is UNKNOWN_DRUG, a negative number BAD_USER_INPUT, a wrong type BAD_USER_INPUT", async () => {
    const unknown = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ lines: [lineInput({ drugCode: "no-such-drug" })] }) }, physician);
    expect(unknown).toMatchObject(described("UNKNOWN_DRUG"));
    const negative = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ lines: [lineInput({ daysSupply: -1 })] }) }, physician);
    expect(negative.code).toBe("BAD_USER_INPUT");
    const wrongType = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ lines: [lineInput({ daysSupply: "seven" })] }) }, physician);
    expect(wrongType.code).toBe("BAD_USER_INPUT");
    const badId = await h.post(GET, { id: "not-a-prescription-id" }, physician);
    expect(errorOf(badId.body).extensions?.["code"]).toBe("INVALID_PRESCRIPTION_ID");
  });

  it("refused mutations change nothing: the prescription keeps its revision and the lists gain no entry", async () => {
    const before = await draft(contentInput());
    await waitFor(async () => (await mine(physician)).some((s) => s.id === before.id), 5_000, "the draft in the list");
    const listed = (await mine(physician)).length;

    const refusedDraftId = rid("draft");
    await refused(DRAFT, { requestId: refusedDraftId, consultId: CONSULTS.adult, content: contentInput({ lines: [lineInput({ drugCode: "no-such-drug" })] }) }, physician);
    await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput() }, otherPhysician);
    await refused(REVISE, { requestId: rid("revise"), prescriptionId: before.id, content: contentInput({ lines: [lineInput({ instructions: "遵医嘱" })] }) }, physician);
    await refused(SIGN, { requestId: rid("sign"), prescriptionId: before.id, version: 1, validityDays: 4 }, physician);
    await refused(CONFIRM_LONG_TERM, { requestId: rid("confirm"), prescriptionId: before.id, version: 1 }, patient);
    expect(await current(before.id)).toEqual(before);

    // The refused draft's request id is still free, and the projection is ordered: once this draft is listed,
    // a row from any refused one would be too.
    const after = await prescriptionOf(DRAFT, { requestId: refusedDraftId, consultId: CONSULTS.adult, content: contentInput() }, physician, "draftPrescription");
    expect(after.version).toBe(1);
    await waitFor(async () => (await mine(physician)).some((s) => s.id === after.id), 5_000, "the later draft in the list");
    expect((await mine(physician)).length).toBe(listed + 1);
  });
});
