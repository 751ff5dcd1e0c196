import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { verifyFile } from "@ihp/eventsourcing/sqlite";
import Database from "better-sqlite3";
import {
  beijingDate,
  demoActors,
  type DemoSeed,
  type EmbeddedPlatform,
  type FlowActors,
  FlowError,
  graphql,
  loginAs,
  must,
  prescribeForReview,
  residentId,
  runClinicalFlow,
  seedDemo,
  startEmbeddedPlatform,
  startFollowUp,
  stepUp,
} from "@ihp/runner";
import { filesContaining, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldsOutsideAllowList, introspect, leakedSecrets, readWholeFeed, selectEverything } from "./support/feedExport.js";

// The demo patient as registerPatient (runner/src/clinicalFlow.ts) registers her. She has no phone number on file:
// the phone a patient could give is checked by the same search the day registration takes one.
const PATIENT_SECRETS = {
  name: "陈示例",
  idNumber: residentId("110105", "19700312", "demo"),
  birthDate: "1970-03-12",
  birthDateCompact: "19700312",
};

// The whole clinical path across all five real services, through the gateway only, as front-ends drive it: identity
// (staff, patient, logins, step-up, signatures), consult, prescription, pharmacy and the regulator feed.

async function refusal(work: Promise<unknown>): Promise<FlowError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe("clinical flow end to end, embedded mode: every service, through GraphQL only", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-flow-"));
  let platform: EmbeddedPlatform;
  const logLines: string[] = [];
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;

  beforeAll(async () => {
    // Debug level, captured: the canary test below checks no log line carries what was typed.
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "debug", logDestination: { write: (line) => void logLines.push(line) } });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
    actors = await demoActors(url, demo);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("CON-03, RX-03, PHA-01, PHA-05, PHA-08: consult → signed prescription → signed approval → dispensing → delivery", async () => {
    const flow = await runClinicalFlow(actors, "flow-1", { prescribe: true });

    const consult = await must<{ status: string; confirmedDiagnoses: { code: string }[]; eligibility: string }>(
      url,
      `query ($id: ID!) { consult(id: $id) { status confirmedDiagnoses { code } eligibility } }`,
      { id: flow.consultId },
      actors.physicianToken,
      "consult",
    );
    expect(consult).toMatchObject({ status: "COMPLETED", confirmedDiagnoses: [{ code: "E11.9" }], eligibility: "ELIGIBLE" });

    // The pharmacist's decision travels back over the bus to the prescription the physician sees.
    const reviewStatus = async () =>
      (
        await graphql<{ prescription: { reviewStatus: string; serialNumber: string } | null }>(
          url,
          `query ($id: ID!) { prescription(id: $id) { reviewStatus serialNumber } }`,
          { id: flow.prescriptionId },
          actors.physicianToken,
        )
      ).data?.prescription?.reviewStatus;
    await waitFor(async () => (await reviewStatus()) === "APPROVED", 10_000, "the approval to reach the prescription");

    const dispensed = await must<{
      status: string;
      dispensedAt: string | null;
      pharmacistId: string;
      pharmacistSignature: { signerId: string; algorithm: string; certificateSerial: string } | null;
      delivery: { carrier: string; trackingNumber: string } | null;
    }>(
      url,
      `query ($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) {
        status dispensedAt pharmacistId pharmacistSignature { signerId algorithm certificateSerial } delivery { carrier trackingNumber } } }`,
      { id: flow.prescriptionId, serial: flow.serialNumber },
      actors.pharmacistToken,
      "pharmacyPrescription",
    );
    expect(dispensed.pharmacistId).toBe(demo.staff.pharmacistId);
    // PHA-05, IDN-09: the pharmacist's own SM2 key, certified by the local CA, signed the approval.
    expect(dispensed.pharmacistSignature).toMatchObject({ signerId: demo.staff.pharmacistId, algorithm: "SM2_SM3" });
    expect(dispensed.pharmacistSignature?.certificateSerial).toMatch(/\S/);
    expect(dispensed.dispensedAt).not.toBeNull();
    expect(dispensed.delivery?.trackingNumber).toMatch(/\S/);
  });

  it("REP-03, REP-04: staff, consult, prescription, review, dispensing and delivery reach the regulator feed, without the patient's name", async () => {
    const categories = async () => {
      const response = await graphql<{ regulatorFeed: { edges: { node: { category: string } }[] } }>(
        url,
        `{ regulatorFeed(first: 100) { edges { node { category } } } }`,
        {},
        demo.tokens["regulator"],
      );
      return new Set(response.data?.regulatorFeed.edges.map((edge) => edge.node.category));
    };
    const wanted = ["INSTITUTION_LICENCE", "REGULATOR_CONNECTION", "STAFF_RECORD", "CONSULT", "PRESCRIPTION", "PRESCRIPTION_REVIEW", "DISPENSING", "DELIVERY"];
    await waitFor(async () => {
      const seen = await categories();
      return wanted.every((category) => seen.has(category));
    }, 15_000, "every category in the feed");
    // Every field of every payload type the schema has, as the running gateway describes it: nothing is left out
    // of the search by not being asked for.
    const types = await introspect(url, ["FeedEntry"]);
    const selection = selectEverything(types, "FeedEntry");
    expect(selection).toContain("... on StaffRecordEntry {");
    expect(selection).toMatch(/drugs \{ __typename drugCode/);
    const nodes = await readWholeFeed(url, demo.tokens["regulator"]!, selection);
    const payloadTypes = new Set(nodes.map((node) => (node as { payload: { __typename: string } | null }).payload?.__typename));
    for (const type of ["StaffRecordEntry", "ConsultStartedEntry", "PrescriptionSignedEntry", "DeliveryDispatchedEntry"]) expect(payloadTypes).toContain(type);
    expect(leakedSecrets(JSON.stringify(nodes), PATIENT_SECRETS)).toEqual([]);
    // REP-04: no field outside feed.proto's messages, by name, on any entry or payload.
    expect(fieldsOutsideAllowList(nodes)).toEqual([]);
  });

  it("REP-04: the feed checks above catch a leak and a field outside the allow-list (they can fail)", () => {
    const leaky = [
      {
        __typename: "FeedEntry",
        category: "CONSULT",
        payload: { __typename: "ConsultStartedEntry", consultId: "c-1", patientId: "p-1", note: { __typename: "Note", text: `患者 ${PATIENT_SECRETS.name}` } },
      },
      { __typename: "FeedEntry", payload: { __typename: "PrescriptionSignedEntry", drugs: [{ __typename: "FeedPrescribedDrug", drugCode: "x", patientBirthDate: PATIENT_SECRETS.birthDate }] } },
    ];
    expect(leakedSecrets(JSON.stringify(leaky), PATIENT_SECRETS)).toEqual(["name", "birthDate"]);
    expect(fieldsOutsideAllowList(leaky)).toEqual([
      "$[0].payload.note (ConsultStartedEntry)",
      "$[0].payload.note: type Note has no feed.proto message",
      "$[1].payload.drugs[0].patientBirthDate (FeedPrescribedDrug)",
    ]);
  });

  it("CON-02: a first visit is refused through the real services, with a message to visit a hospital", async () => {
    const error = await refusal(
      must(
        url,
        `mutation ($input: RequestConsultInput!) { requestConsult(input: $input) { id } }`,
        { input: { requestId: "flow-first-visit", institutionId: demo.institutionId, consultType: "FOLLOW_UP", departmentCode: "03.07" } },
        actors.patientToken,
        "requestConsult",
      ),
    );
    expect(error.code).toBe("FIRST_VISIT_NOT_ALLOWED");
    expect(String(error.errors[0]?.extensions?.["messageZh"])).toContain("医院");
  });

  it("IDN-03: accepting without a step-up for that consult is refused by identity; RX-02: an unconfirmed diagnosis cannot ground a prescription", async () => {
    const requested = await must<{ id: string }>(
      url,
      `mutation ($input: RequestConsultInput!) { requestConsult(input: $input) { id } }`,
      {
        input: {
          requestId: "flow-2-request",
          institutionId: demo.institutionId,
          consultType: "FOLLOW_UP",
          departmentCode: "03.07",
          priorRecord: {
            documentId: "flow-2-record",
            recordType: "DISCHARGE_SUMMARY",
            recordDate: beijingDate(new Date(), -3),
            issuingInstitution: "示例市第一人民医院",
            diagnoses: [{ code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" }],
          },
        },
      },
      actors.patientToken,
      "requestConsult",
    );
    const accept = (requestId: string) =>
      must(url, `mutation ($input: ConsultActionInput!) { acceptConsult(input: $input) { id } }`, { input: { requestId, consultId: requested.id } }, actors.physicianToken, "acceptConsult");
    expect((await refusal(accept("flow-2-accept-early"))).code).toBe("STEP_UP_REQUIRED");

    await stepUp(url, actors.physicianToken, { consultId: requested.id }, actors.passkeys.physician, "flow-2-step-up");
    await accept("flow-2-accept");
    await must(
      url,
      `mutation ($input: DecideConsultEligibilityInput!) { decideEligibility(input: $input) { consult { id } } }`,
      { input: { requestId: "flow-2-eligibility", consultId: requested.id, eligible: true, verifiedDiagnoses: [{ code: "I10", name: "原发性高血压", version: "ICD-10 国家临床版 2.0" }] } },
      actors.physicianToken,
      "decideEligibility",
    );
    const consent = await must<{ version: string; sha256: string }>(url, `{ consentText { version sha256 } }`, {}, undefined, "consentText");
    await must(
      url,
      `mutation ($input: GiveConsultConsentInput!) { giveConsent(input: $input) { id } }`,
      { input: { requestId: "flow-2-consent", consultId: requested.id, consentVersion: consent.version, consentSha256: consent.sha256 } },
      actors.patientToken,
      "giveConsent",
    );
    await must(url, `mutation ($input: ConsultActionInput!) { startConsult(input: $input) { id } }`, { input: { requestId: "flow-2-start", consultId: requested.id } }, actors.physicianToken, "startConsult");
    const draft = refusal(
      must(
        url,
        `mutation ($input: DraftPrescriptionInput!) { draftPrescription(input: $input) { id } }`,
        {
          input: {
            requestId: "flow-2-draft",
            consultId: requested.id,
            content: {
              lines: [{ drugCode: "metformin-hcl-tab-0.5g", dose: 500, doseUnit: "mg", route: "PO", frequency: "BID", daysSupply: 7, quantity: 14, quantityUnit: "片" }],
              diagnosisCodes: ["E11.9"],
            },
          },
        },
        actors.physicianToken,
        "draftPrescription",
      ),
    );
    expect((await draft).code).toBe("DIAGNOSIS_NOT_CONFIRMED_OFFLINE");
  });

  it("IDN-03: a pharmacist's step-up binds one prescription: a made-up id gets none, and one for X does not approve Y", async () => {
    const pharmacist = actors.pharmacistToken;
    const consultId = await startFollowUp(actors, "flow-bind", new Date());
    const x = await prescribeForReview(actors, "flow-bind-x", consultId);
    const y = await prescribeForReview(actors, "flow-bind-y", consultId);

    // A random prescription id: the pharmacy is asked first and knows none, so identity records no step-up.
    const madeUp = { prescriptionId: "0193a9f2-7c1d-7e4b-9a6f-000000000000", serialNumber: y.serialNumber };
    expect((await refusal(stepUp(url, pharmacist, madeUp, actors.passkeys.pharmacist, "flow-bind-made-up"))).code).toBe("PRESCRIPTION_NOT_FOUND");

    await stepUp(url, pharmacist, x, actors.passkeys.pharmacist, "flow-bind-step-up-x");
    const pharmacyLog = () => {
      const db = new Database(join(dataDir, readdirSync(dataDir).find((file) => file.startsWith("pharmacy") && file.endsWith("-events.sqlite"))!), { readonly: true });
      try {
        return db.prepare("SELECT type FROM events ORDER BY position").all() as { type: string }[];
      } finally {
        db.close();
      }
    };
    const before = pharmacyLog();
    const approve = (ids: { prescriptionId: string; serialNumber: string }, requestId: string) =>
      must(url, `mutation ($input: ApprovePrescriptionInput!) { approvePrescription(input: $input) { status } }`, { input: { requestId, ...ids } }, pharmacist, "approvePrescription");
    expect((await refusal(approve(y, "flow-bind-approve-y"))).code).toBe("STEP_UP_REQUIRED");
    // The refusal wrote nothing but its audit record.
    expect(pharmacyLog().slice(before.length).map((event) => event.type)).toEqual(["AccessRefused"]);
    const status = (ids: { prescriptionId: string; serialNumber: string }) =>
      must<{ status: string }>(
        url,
        `query ($id: ID!, $serial: String!) { pharmacyPrescription(prescriptionId: $id, serialNumber: $serial) { status } }`,
        { id: ids.prescriptionId, serial: ids.serialNumber },
        pharmacist,
        "pharmacyPrescription",
      );
    expect((await status(y)).status).toBe("UNDER_REVIEW");
    // The step-up for X still approves X.
    expect(await approve(x, "flow-bind-approve-x")).toEqual({ status: "APPROVED" });
  });

  it("IDN-08: once the physician signs in again, the old session's token sends no message and drafts no prescription, and a token naming no session terminates nothing", async () => {
    const consultId = await startFollowUp(actors, "flow-session", new Date());
    const old = actors.physicianToken;
    const current = await loginAs(url, demo.staff.physicianLogin, demo.staff.password);
    const sessionless = await platform.issuer.issue({ subject: demo.staff.physicianId, roles: ["physician"], tenantId: demo.institutionId, kind: "human" });
    const message = (token: string, requestId: string) =>
      must(url, `mutation ($input: SendConsultMessageInput!) { sendMessage(input: $input) { id } }`, { input: { requestId, consultId, kind: "TEXT", text: "请按时服药" } }, token, "sendMessage");
    const draft = (token: string, requestId: string) =>
      must(
        url,
        `mutation ($input: DraftPrescriptionInput!) { draftPrescription(input: $input) { id } }`,
        {
          input: {
            requestId,
            consultId,
            content: {
              lines: [{ drugCode: "metformin-hcl-tab-0.5g", dose: 500, doseUnit: "mg", route: "PO", frequency: "BID", daysSupply: 7, quantity: 14, quantityUnit: "片" }],
              diagnosisCodes: ["E11.9"],
            },
          },
        },
        token,
        "draftPrescription",
      );
    const terminate = (token: string, requestId: string) =>
      must(url, `mutation ($input: TerminateConsultInput!) { terminateConsult(input: $input) { id status } }`, { input: { requestId, consultId, reasonCode: "CONDITION_CHANGED" } }, token, "terminateConsult");
    expect((await refusal(message(old, "flow-session-message-old"))).code).toBe("SESSION_SUPERSEDED");
    expect((await refusal(draft(old, "flow-session-draft-old"))).code).toBe("SESSION_SUPERSEDED");
    expect((await refusal(message(sessionless, "flow-session-message-none"))).code).toBe("SESSION_REQUIRED");
    expect((await refusal(terminate(sessionless, "flow-session-terminate-none"))).code).toBe("SESSION_REQUIRED");
    // The consult is still open: the current session writes and ends it.
    await message(current, "flow-session-message-new");
    await draft(current, "flow-session-draft-new");
    expect(await terminate(current, "flow-session-terminate")).toMatchObject({ status: "TERMINATED_REFERRED" });
  });

  it("XC-01: every service's log verifies after the flow", () => {
    const logs = readdirSync(dataDir).filter((file) => file.endsWith("-events.sqlite"));
    expect(logs).toHaveLength(7); // identity, integration, consult, prescription, pharmacy, reporting, records
    for (const file of logs) expect(verifyFile(join(dataDir, file)), file).toMatchObject({ ok: true });
  });

  it("XC-01 (issue 10): what was typed into the consult, and the patient's identity and birth date, are in no file of the data folder and no debug log line in clear", async () => {
    // runner/src/clinicalFlow.ts types these through GraphQL: the patient's message and the physician's summary.
    const typed = ["最近空腹血糖7.2", "病情稳定，续用二甲双胍", PATIENT_SECRETS.name, PATIENT_SECRETS.idNumber, PATIENT_SECRETS.birthDate];
    expect(await filesContaining(dataDir, typed)).toEqual([]);
    expect(logLines.length).toBeGreaterThan(100);
    const logged = logLines.join("\n");
    expect(typed.filter((value) => logged.includes(value))).toEqual([]);
  });
});
