import { readFile } from "node:fs/promises";
import { PrescriptionVoided } from "@ihp/contracts/prescription";
import { decodeEnvelope } from "@ihp/messaging";
import { waitFor } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { prescriptionModule } from "../src/contexts/prescription/resolvers.js";
import { Kind, parse } from "../src/graphqlJs.js";
import {
  assistant,
  current,
  described,
  draft,
  errorOf,
  governance,
  h,
  mine,
  otherPhysician,
  patient,
  physician,
  prescriptionOf,
  refused,
  rid,
  SERIAL,
  sign,
  type SummaryView,
  unreadable,
  usePrescriptionHarness,
} from "./support/prescriptionClient.js";
import { asthmaContent, CONFIRM_LINES, CONFIRM_LONG_TERM, contentInput, DRAFT, lineInput, MINE, REVISE, SIGN, STATISTICS } from "./support/prescriptionDocuments.js";
import { CONSULTS, INSTITUTION_ID, ISSUE_DAY, OTHER_INSTITUTION_ID, PATIENT_ID, PHYSICIAN_ID } from "./support/prescriptionHarness.js";

// The physician's, the patient's and pharmacy governance's paths (bad input and unauthenticated callers:
// prescription.refusals.int.test.ts). The patient's list and the statistics read what the physician tests wrote.

usePrescriptionHarness();

describe("prescriptions through the gateway: physician", () => {
  it("RX-03: drafts and signs; the prescription shows status, review outcome, serial number, issue and last valid day", async () => {
    const drafted = await draft(contentInput());
    expect(drafted).toMatchObject({
      consultId: CONSULTS.adult,
      institutionId: INSTITUTION_ID,
      patientId: PATIENT_ID,
      physicianId: PHYSICIAN_ID,
      version: 1,
      status: "DRAFT",
      reviewStatus: "NOT_SUBMITTED",
      reviewReasonCode: null,
      serialNumber: null,
      predecessorSerialNumber: null,
      issuedOn: null,
      validUntil: null,
      diagnosisCodes: ["E11.9"],
      emergency: false,
      extensionReason: null,
      longTerm: false,
      longTermConfirmationNeeded: false,
    });
    expect(drafted.lines).toEqual([
      expect.objectContaining({
        drugCode: "metformin-hcl-tab-0.5g",
        approvedName: "盐酸二甲双胍片",
        dose: "500",
        doseUnit: "mg",
        daysSupply: 7,
        quantity: "14",
        instructions: "餐中服用",
        proposedByKind: "HUMAN",
        confirmedBy: null,
      }),
    ]);
    expect(drafted.revision).toMatch(/^\d+$/);

    const input = { requestId: rid("sign"), prescriptionId: drafted.id, version: 1, validityDays: 3 };
    const signed = await prescriptionOf(SIGN, input, physician, "signPrescription");
    expect(signed).toMatchObject({ status: "SIGNED", reviewStatus: "UNDER_REVIEW", issuedOn: ISSUE_DAY, validUntil: "2026-03-04", predecessorSerialNumber: null });
    expect(signed.serialNumber).toMatch(SERIAL);
    // Repeating the request returns the first result rather than signing again.
    expect(await prescriptionOf(SIGN, input, physician, "signPrescription")).toEqual(signed);
    expect(await current(drafted.id)).toEqual(signed);
  });

  it("RX-06: a validity of 4 days is refused with VALIDITY_TOO_LONG; the default is the day of issue only", async () => {
    const drafted = await draft(contentInput());
    const refusal = await refused(SIGN, { requestId: rid("sign"), prescriptionId: drafted.id, version: 1, validityDays: 4 }, physician);
    expect(refusal).toMatchObject(described("VALIDITY_TOO_LONG"));
    expect(await current(drafted.id)).toEqual(drafted);
    const signed = await sign(drafted);
    expect(signed).toMatchObject({ issuedOn: ISSUE_DAY, validUntil: ISSUE_DAY });
  });

  it("RX-01: another physician can neither prescribe in the consult nor sign its prescription (NOT_ASSIGNED_PHYSICIAN), nor read it (NOT_PRESCRIPTION_PARTICIPANT)", async () => {
    const refusal = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput() }, otherPhysician);
    expect(refusal).toMatchObject(described("NOT_ASSIGNED_PHYSICIAN"));
    const own = await draft(contentInput());
    expect(await unreadable(own.id, otherPhysician)).toMatchObject(described("NOT_PRESCRIPTION_PARTICIPANT"));
    const signing = await refused(SIGN, { requestId: rid("sign"), prescriptionId: own.id, version: 1 }, otherPhysician);
    expect(signing).toMatchObject(described("NOT_ASSIGNED_PHYSICIAN"));
    expect(await current(own.id)).toEqual(own);
    // And the other way round: a consult assigned to someone else.
    const elsewhere = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.othersConsult, content: contentInput() }, physician);
    expect(elsewhere.code).toBe("NOT_ASSIGNED_PHYSICIAN");
  });

  it("IDN-03, RX-01: a service token writes nothing — no drafting, signing or confirming (HUMAN_CLINICIAN_REQUIRED)", async () => {
    const proposal = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput() }, assistant);
    // The shared check (platform requireHuman) names IDN-03; the texts are the prescription table's.
    const { ruleId: _ruleId, ...texts } = described("HUMAN_CLINICIAN_REQUIRED");
    expect(proposal).toMatchObject({ ...texts, ruleId: "IDN-03" });
    const mine = await draft(contentInput(), CONSULTS.adult, physician);
    expect((await refused(SIGN, { requestId: rid("sign"), prescriptionId: mine.id, version: 1 }, assistant)).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    const confirm = { requestId: rid("confirm"), prescriptionId: mine.id, version: 1, lineIds: [mine.lines[0]!.lineId] };
    expect((await refused(CONFIRM_LINES, confirm, assistant)).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    expect((await sign(mine)).status).toBe("SIGNED");
  });

  it("RX-02: a diagnosis not confirmed offline in the consult is refused with DIAGNOSIS_NOT_CONFIRMED_OFFLINE", async () => {
    const refusal = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ diagnosisCodes: ["K29.7"] }) }, physician);
    expect(refusal).toMatchObject(described("DIAGNOSIS_NOT_CONFIRMED_OFFLINE"));
  });

  it("RX-03: editing after signing voids the signed version and opens a new one, which gets a new serial linked to the old", async () => {
    const signed = await sign(await draft(contentInput()));
    const revised = await prescriptionOf(
      REVISE,
      { requestId: rid("revise"), prescriptionId: signed.id, content: contentInput({ lines: [lineInput({ dose: 250, quantity: 14 })] }) },
      physician,
      "revisePrescription",
    );
    expect(revised).toMatchObject({ version: 2, status: "DRAFT", reviewStatus: "NOT_SUBMITTED", serialNumber: null, predecessorSerialNumber: signed.serialNumber });
    expect(revised.lines[0]).toMatchObject({ dose: "250" });
    await waitFor(() => h.published.some((m) => m.subject === "ihp.prescription.v1.PrescriptionVoided" && voidedSerial(m) === signed.serialNumber), 5_000, "PrescriptionVoided");

    // The reviewed version is what gets signed: the old version number is stale.
    const stale = await refused(SIGN, { requestId: rid("sign"), prescriptionId: signed.id, version: 1 }, physician);
    expect(stale.code).toBe("SIGNATURE_STALE");
    const resigned = await sign(revised);
    expect(resigned).toMatchObject({ version: 2, status: "SIGNED", predecessorSerialNumber: signed.serialNumber });
    expect(resigned.serialNumber).toMatch(SERIAL);
    expect(resigned.serialNumber).not.toBe(signed.serialNumber);
  });

  it("RX-04: morphine (a narcotic in the sample catalogue) is refused with SPECIAL_CONTROL_DRUG", async () => {
    const morphine = contentInput({ lines: [lineInput({ drugCode: "morphine-hcl-tab-10mg", dose: 10, frequency: "QD", quantity: 7 })] });
    const refusal = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: morphine }, physician);
    expect(refusal).toMatchObject(described("SPECIAL_CONTROL_DRUG"));
  });

  it("RX-05: for a child of 6 years 11 months signing without the attestations is refused; at 7 years 0 months it is accepted", async () => {
    const young = await draft(asthmaContent(), CONSULTS.child6y11m);
    // Issue 13 item 16: the draft already says what signing would refuse, so the front end can ask for it now.
    expect(young.missingAttestations).toEqual(["GUARDIAN_PRESENT", "ACCOMPANYING_PHYSICIAN_PRESENT"]);
    const refusal = await refused(SIGN, { requestId: rid("sign"), prescriptionId: young.id, version: 1 }, physician);
    expect(refusal).toMatchObject(described("GUARDIAN_ATTESTATION_REQUIRED"));
    expect(await current(young.id)).toEqual(young);
    const attested = await prescriptionOf(
      REVISE,
      { requestId: rid("revise"), prescriptionId: young.id, content: asthmaContent({ guardianPresent: true, accompanyingPhysicianPresent: true }) },
      physician,
      "revisePrescription",
    );
    expect(attested.missingAttestations).toEqual([]);
    expect((await sign(attested)).status).toBe("SIGNED");

    const seven = await draft(asthmaContent(), CONSULTS.child7y0m);
    expect(seven.missingAttestations).toEqual([]);
    expect((await sign(seven)).status).toBe("SIGNED");
  });

  it("RX-07: 8 days' supply without a reason is refused; with a reason it is accepted and the reason is shown", async () => {
    const eightDays = [lineInput({ daysSupply: 8, quantity: 16 })];
    const refusal = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ lines: eightDays }) }, physician);
    expect(refusal).toMatchObject(described("SUPPLY_EXCEEDS_LIMIT"));
    const reasoned = await draft(contentInput({ lines: eightDays, extensionReason: "春节假期无法复诊" }));
    expect(reasoned.extensionReason).toBe("春节假期无法复诊");
    const signed = await sign(reasoned);
    expect(signed).toMatchObject({ status: "SIGNED", extensionReason: "春节假期无法复诊" });
  });

  it("RX-08: 85 days on a long-term prescription is refused; over 4 weeks the patient confirms before signing", async () => {
    const longTerm = (days: number) => contentInput({ longTerm: true, assessmentNote: "血糖控制稳定，无低血糖", lines: [lineInput({ daysSupply: days, quantity: days * 2 })] });
    const refusal = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: longTerm(85) }, physician);
    expect(refusal).toMatchObject(described("LONG_TERM_TOO_LONG"));

    const plan = await draft(longTerm(35));
    expect(plan).toMatchObject({ longTerm: true, longTermConfirmed: false, longTermConfirmationNeeded: true });
    const unconfirmed = await refused(SIGN, { requestId: rid("sign"), prescriptionId: plan.id, version: 1 }, physician);
    expect(unconfirmed).toMatchObject(described("LONG_TERM_PATIENT_CONFIRMATION_REQUIRED"));
    const byPhysician = await refused(CONFIRM_LONG_TERM, { requestId: rid("confirm"), prescriptionId: plan.id, version: 1 }, physician);
    expect(byPhysician.code).toBe("ROLE_NOT_ALLOWED");

    const confirmed = await prescriptionOf(CONFIRM_LONG_TERM, { requestId: rid("confirm"), prescriptionId: plan.id, version: 1 }, patient, "confirmLongTermPlan");
    expect(confirmed).toMatchObject({ longTermConfirmed: true, longTermConfirmationNeeded: false });
    expect((await sign(confirmed)).status).toBe("SIGNED");
  });

  it("RX-09: six drug lines are refused with TOO_MANY_LINES, and usage \"遵医嘱\" with USAGE_VAGUE", async () => {
    const six = [
      lineInput(),
      lineInput({ drugCode: "amlodipine-besylate-tab-5mg", dose: 5, frequency: "QD", quantity: 7 }),
      lineInput({ drugCode: "atorvastatin-calcium-tab-20mg", dose: 20, frequency: "QN", quantity: 7 }),
      lineInput({ drugCode: "losartan-potassium-tab-50mg", dose: 50, frequency: "QD", quantity: 7 }),
      lineInput({ drugCode: "aspirin-ec-tab-100mg", dose: 100, frequency: "QD", quantity: 7 }),
      lineInput({ drugCode: "omeprazole-ec-cap-20mg", dose: 20, frequency: "QD", quantity: 7 }),
    ];
    const tooMany = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ lines: six, diagnosisCodes: ["E11.9", "I10"] }) }, physician);
    expect(tooMany).toMatchObject(described("TOO_MANY_LINES"));
    const vague = await refused(DRAFT, { requestId: rid("draft"), consultId: CONSULTS.adult, content: contentInput({ lines: [lineInput({ instructions: "遵医嘱" })] }) }, physician);
    expect(vague).toMatchObject(described("USAGE_VAGUE"));
  });

  it("RX-10: every signed version has its own unique serial number, shown in the prescription lists", async () => {
    const first = await sign(await draft(contentInput()));
    const second = await sign(await draft(contentInput()));
    expect(first.serialNumber).toMatch(SERIAL);
    expect(second.serialNumber).toMatch(SERIAL);
    const sequence = (serial: string | null) => Number(serial!.slice(-6));
    expect(sequence(second.serialNumber)).toBeGreaterThan(sequence(first.serialNumber));

    await waitFor(async () => (await mine(physician)).some((s) => s.id === second.id && s.serialNumber === second.serialNumber), 5_000, "the list shows the serial");
    const serials = (await mine(physician)).flatMap((s) => (s.serialNumber === null ? [] : [s.serialNumber]));
    expect(serials).toEqual(expect.arrayContaining([first.serialNumber, second.serialNumber]));
    expect(new Set(serials).size).toBe(serials.length);
  });
});

describe("prescriptions through the gateway: patient", () => {
  it("lists the patient's own prescriptions as a Relay connection and reads one; another patient is refused (NOT_PRESCRIPTION_PARTICIPANT), an unknown id PRESCRIPTION_NOT_FOUND", async () => {
    const own = await sign(await draft(contentInput()));
    await waitFor(async () => (await mine(patient)).some((s) => s.id === own.id), 5_000, "the patient's list");
    const page = await h.post(MINE, { first: 2 }, patient);
    const connection = page.body.data?.["myPrescriptions"] as { edges: { cursor: string; node: SummaryView }[]; pageInfo: { endCursor: string; hasNextPage: boolean; hasPreviousPage: boolean } };
    expect(connection.edges).toHaveLength(2);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    // Most recent first.
    expect(connection.edges[0]!.node).toMatchObject({ id: own.id, status: "SIGNED", serialNumber: own.serialNumber, drugNames: ["盐酸二甲双胍片"] });
    const next = await h.post(MINE, { first: 2, after: connection.pageInfo.endCursor }, patient);
    const nextIds = (next.body.data?.["myPrescriptions"] as { edges: { node: SummaryView }[] }).edges.map((e) => e.node.id);
    expect(nextIds).toHaveLength(2);
    expect(nextIds).not.toContain(own.id);

    expect(await current(own.id, patient)).toEqual(own);
    const stranger = await h.token("pat-0002", ["patient"]);
    // One convention for the API (README "Lookups"): not yours is a permission error, audited; an unknown id NOT_FOUND.
    expect(await unreadable(own.id, stranger)).toMatchObject(described("NOT_PRESCRIPTION_PARTICIPANT"));
    expect(await unreadable("0193a9f2-7c1d-7e4b-9a6f-00000000dead", patient)).toMatchObject(described("PRESCRIPTION_NOT_FOUND"));
    expect(await mine(stranger)).toEqual([]);
  });
});

describe("prescriptions through the gateway: pharmacy governance", () => {
  it("RX-11: statistics are refused for a physician, and allowed for pharmacy_governance with a purpose", async () => {
    const input = { institutionId: INSTITUTION_ID, purpose: "季度合理用药点评" };
    const byPhysician = await h.post(STATISTICS, { input }, physician);
    expect(byPhysician.body.data ?? null).toBeNull();
    expect(errorOf(byPhysician.body).extensions).toMatchObject({ code: "ROLE_NOT_ALLOWED" });

    await waitFor(
      async () => {
        const { body } = await h.post(STATISTICS, { input }, governance);
        const result = body.data?.["prescribingStatistics"] as { queryId: string; totals: { physicianId: string; drugCode: string; prescriptions: number }[] } | undefined;
        return result !== undefined && result.queryId !== "" && result.totals.some((t) => t.physicianId === PHYSICIAN_ID && t.drugCode === "metformin-hcl-tab-0.5g" && t.prescriptions > 0);
      },
      5_000,
      "totals for the governance role",
    );
    const otherInstitution = await h.post(STATISTICS, { input: { ...input, institutionId: OTHER_INSTITUTION_ID } }, governance);
    expect(errorOf(otherInstitution.body).extensions?.["code"]).toBe("TENANT_MISMATCH");
  });

  it("RX-11: a statistics query without a purpose is refused (omitted: validation; empty: PURPOSE_REQUIRED)", async () => {
    const omitted = await h.post(`query { prescribingStatistics(input: { institutionId: "${INSTITUTION_ID}" }) { queryId } }`, undefined, governance);
    expect(errorOf(omitted.body).extensions?.["code"]).toBe("GRAPHQL_VALIDATION_FAILED");
    const empty = await h.post(STATISTICS, { input: { institutionId: INSTITUTION_ID, purpose: "" } }, governance);
    const error = errorOf(empty.body);
    expect({ ...error.extensions, message: error.message }).toMatchObject(described("PURPOSE_REQUIRED"));
  });

  it("RX-11: the module's API has no export or download field for statistics", async () => {
    const sdl = parse(await readFile(prescriptionModule.schemaFile, "utf8"));
    const fields = sdl.definitions.flatMap((definition) =>
      definition.kind === Kind.OBJECT_TYPE_EXTENSION || definition.kind === Kind.OBJECT_TYPE_DEFINITION ? (definition.fields ?? []).map((f) => f.name.value) : [],
    );
    expect(fields).toContain("prescribingStatistics");
    expect(fields.filter((name) => /export|download|csv|file/i.test(name))).toEqual([]);
  });
});

function voidedSerial(message: Parameters<typeof decodeEnvelope>[0]): string {
  return PrescriptionVoided.decode(decodeEnvelope(message).envelope.payload).serialNumber;
}
