import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { verifyFile } from "@ihp/eventsourcing/sqlite";
import {
  awaitDraftRecord,
  completeRecord,
  demoActors,
  type DemoSeed,
  type EmbeddedPlatform,
  type FlowActors,
  FlowError,
  graphql,
  must,
  type RecordView,
  runClinicalFlow,
  seedDemo,
  signRecord,
  startEmbeddedPlatform,
  stepUp,
} from "@ihp/runner";
import { HttpRfc3161Authority } from "@ihp/timestamping";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type LocalTsa, opensslAvailable, startOpensslTsa, type TestPki } from "../../packages/timestamping/test/support/opensslTsa.js";

// The record's lifecycle (issue 11 items 3, 6, 8, 9) through GraphQL against the real records service in the embedded
// platform, on a clock the test moves (years forward; never sleeps): archive and a signed addendum, sealing and
// unsealing for a dispute, legal hold, restriction on the patient's deletion request, and approved per-patient
// destruction 15 years after the last visit, after which every service's log still verifies.

const LIFECYCLE = `recordId patientId status version cosignerId completedAt legalHolds restrictedAt profileVersion
  addenda { addendumId parentVersion signerId timestampedAt }
  seal { sealId disputeOpen parts { snapshotHash version addendumIds sealingList { party partyId } } }
  destructionApprovalId destructionApprovedBy`;

type Lifecycle = {
  recordId: string;
  status: string;
  version: number;
  legalHolds: string[];
  restrictedAt: string | null;
  addenda: { addendumId: string; parentVersion: number; signerId: string; timestampedAt: string }[];
  seal: { sealId: string; disputeOpen: boolean; parts: { snapshotHash: string; addendumIds: string[] }[] } | null;
  destructionApprovalId: string | null;
};

async function refusal(work: Promise<unknown>): Promise<string | undefined> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.code;
}

/** The Beijing civil day `years` after `day` (YYYY-MM-DD), plus `days`. */
function dayAfter(day: string, years: number, days = 0): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d + days)).toISOString().slice(0, 10);
}

if (!opensslAvailable) console.log("records lifecycle e2e skipped: the openssl command (the local RFC 3161 TSA) is not installed");

describe.skipIf(!opensslAvailable)("records lifecycle end to end, embedded mode, on a moved clock", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-records-lifecycle-"));
  let offsetMs = 0;
  let pki: TestPki;
  let tsa: LocalTsa;
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;
  let consultId: string;
  let signed: RecordView;
  const tokens: Record<string, string> = {};

  /** Moves the platform's clock to noon (Beijing) of a civil day. */
  const moveTo = (day: string) => {
    offsetMs = Date.parse(`${day}T12:00:00+08:00`) - Date.now();
  };
  const mutate = <T = Lifecycle>(field: string, type: string, input: Record<string, unknown>, token: string, selection = LIFECYCLE) =>
    must<T>(url, `mutation ($input: ${type}!) { ${field}(input: $input) { ${selection} } }`, { input }, token, field);
  const query = <T>(text: string, variables: Record<string, unknown>, token: string, field: string) => must<T>(url, text, variables, token, field);
  const readRecord = (token: string) => query<{ recordId: string; status: string }>(`query ($id: ID!) { medicalRecord(recordId: $id) { recordId status } }`, { id: signed.recordId }, token, "medicalRecord");

  beforeAll(async () => {
    pki = await createTestPki();
    tsa = await startOpensslTsa(pki);
    const recordsTsa = new HttpRfc3161Authority({ url: tsa.url, tsaCertificate: tsa.certPem, maxSkewMs: 5_000 });
    const clock = () => new Date(Date.now() + offsetMs);
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", recordsTsa, clock });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
    actors = await demoActors(url, demo);
    consultId = (await runClinicalFlow(actors, "lifecycle-1", { prescribe: false })).consultId;
    const draft = await awaitDraftRecord(url, actors.physicianToken, consultId);
    signed = await signRecord(actors, "lifecycle-1", consultId, await completeRecord(actors, "lifecycle-1", draft));
    // Minted tokens for the people who act after the clock moves years forward (the demo logins' sessions would not).
    const issue = (subject: string, role: "records_officer" | "institution_admin" | "patient" | "physician") =>
      platform.issuer.issue({ subject, roles: [role], tenantId: demo.institutionId, kind: "human", ttlSeconds: 3_600 });
    tokens["officer"] = await issue("records-officer-1", "records_officer");
    tokens["head"] = await issue("institution-head-1", "institution_admin");
    tokens["patient"] = await issue(demo.patient.patientId, "patient");
    tokens["physician"] = await issue(demo.staff.physicianId, "physician");
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await tsa?.close();
    await pki?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REC-05: co-signature is for a record awaiting one, by a physician only; a signed record is refused", async () => {
    const input = { requestId: "lifecycle-cosign-1", recordId: signed.recordId, version: signed.version };
    expect(await refusal(mutate("cosignMedicalRecord", "CosignMedicalRecordInput", input, actors.pharmacistToken))).toBe("RECORD_LIFECYCLE_DENIED");
    expect(await refusal(mutate("cosignMedicalRecord", "CosignMedicalRecordInput", input, actors.physicianToken))).toBe("NOT_PENDING_COSIGN");
  });

  it("REC-06: records staff archive the signed record; an amendment is refused; the author adds a signed addendum with an openssl TSA timestamp", async () => {
    const archive = { requestId: "lifecycle-archive-1", recordId: signed.recordId };
    expect(await refusal(mutate("archiveMedicalRecord", "MedicalRecordLifecycleInput", archive, actors.physicianToken))).toBe("RECORD_LIFECYCLE_DENIED");
    const archived = await mutate("archiveMedicalRecord", "MedicalRecordLifecycleInput", archive, tokens["officer"]!);
    expect(archived.status).toBe("ARCHIVED");
    const amend = await refusal(completeRecord(actors, "lifecycle-late", { ...signed }));
    expect(amend).toBe("RECORD_ARCHIVED");

    await stepUp(url, actors.physicianToken, { consultId }, actors.passkeys.physician, "lifecycle-addendum-step-up");
    const input = { requestId: "lifecycle-addendum-1", recordId: signed.recordId, text: "补充：患者自述近一周夜间口干。", reason: "漏记症状" };
    const corrected = await mutate("addMedicalRecordAddendum", "AddMedicalRecordAddendumInput", input, actors.physicianToken);
    expect(corrected).toMatchObject({ status: "ARCHIVED", addenda: [{ parentVersion: signed.version, signerId: demo.staff.physicianId }] });
    expect(corrected.addenda[0]!.timestampedAt).not.toBe("");
  });
  it("REC-11, REC-12: sealed with both parties' attestations over the snapshot, then unsealed with every party present", async () => {
    const snapshot = await query<{ snapshotHash: string; version: number; addendumIds: string[] }>(
      `query ($id: ID!) { medicalRecordSealSnapshot(recordId: $id) { snapshotHash version addendumIds } }`,
      { id: signed.recordId },
      tokens["officer"]!,
      "medicalRecordSealSnapshot",
    );
    expect(snapshot.addendumIds).toHaveLength(1);
    const attest = (party: string, partyId: string) => ({ party, partyId, name: partyId, algorithm: "SM2", certificateSerial: "01", value: "c2lnbmVk", signedHash: snapshot.snapshotHash });
    const attestations = [attest("PATIENT_SIDE", demo.patient.patientId), attest("INSTITUTION", demo.institutionId)];
    const seal = { requestId: "lifecycle-seal-1", recordId: signed.recordId, sealId: "seal-dispute-1", version: snapshot.version, attestations };
    expect(await refusal(mutate("sealMedicalRecord", "SealMedicalRecordInput", { ...seal, attestations: attestations.slice(1) }, tokens["officer"]!))).toBe("SEAL_ATTESTATION_MISSING");
    const sealed = await mutate("sealMedicalRecord", "SealMedicalRecordInput", seal, tokens["officer"]!);
    expect(sealed.seal).toMatchObject({ sealId: "seal-dispute-1", disputeOpen: true, parts: [{ snapshotHash: snapshot.snapshotHash, addendumIds: snapshot.addendumIds }] });
    const unseal = { requestId: "lifecycle-unseal-1", recordId: signed.recordId, attestations: attestations.slice(0, 1) };
    expect(await refusal(mutate("unsealMedicalRecord", "UnsealMedicalRecordInput", unseal, tokens["officer"]!))).toBe("UNSEAL_NOT_ALLOWED");
    const unsealed = await mutate("unsealMedicalRecord", "UnsealMedicalRecordInput", { ...unseal, requestId: "lifecycle-unseal-2", attestations }, tokens["officer"]!);
    expect(unsealed.seal).toBeNull();
  });

  it("PIPL art. 47: the patient's deletion request during retention keeps the record and stops its use: the physician is refused, the patient still reads it", async () => {
    const input = { requestId: "lifecycle-restrict-1", recordId: signed.recordId };
    expect(await refusal(mutate("restrictMedicalRecord", "MedicalRecordLifecycleInput", input, tokens["officer"]!))).toBe("RECORD_LIFECYCLE_DENIED");
    const restricted = await mutate("restrictMedicalRecord", "MedicalRecordLifecycleInput", input, actors.patientToken);
    expect(restricted.restrictedAt).not.toBeNull();
    expect(await refusal(readRecord(actors.physicianToken))).toBe("RECORD_RESTRICTED");
    expect(await readRecord(actors.patientToken)).toEqual({ recordId: signed.recordId, status: "ARCHIVED" });
  });

  it("REC-02, PHA-09, XC-08: 14y364d after the last visit and the period's last day refused, the day after allowed on the head's approval; a hold blocks; tombstone; every log verifies", async () => {
    const visitDay = signed.visitAt.slice(0, 10);
    const lastDay = dayAfter(visitDay, 15);
    const hold = { requestId: "lifecycle-hold-1", recordId: signed.recordId, holdId: "litigation-1", reasonCode: "LITIGATION" };
    expect((await mutate("placeRecordLegalHold", "RecordLegalHoldInput", hold, tokens["officer"]!)).legalHolds).toEqual(["litigation-1"]);
    const approve = { requestId: "lifecycle-approve-1", patientId: demo.patient.patientId };
    const approveAs = (token: string, requestId = approve.requestId) =>
      mutate<{ approvalId: string; approvedBy: string; retainUntil: string; profileVersion: string; lastVisitAt: string }>(
        "approveRecordDestruction",
        "ApproveRecordDestructionInput",
        { ...approve, requestId },
        token,
        "approvalId approvedBy retainUntil profileVersion lastVisitAt",
      );
    const due = () =>
      query<{ day: string; items: { recordId: string; kind: string; retainUntil: string; profileVersion: string }[] }>(
        `{ recordsDueForDestruction { day items { recordId kind retainUntil profileVersion } } }`,
        {},
        tokens["officer"]!,
        "recordsDueForDestruction",
      );

    moveTo(dayAfter(visitDay, 15, -1)); // 14 years 364 days
    expect(await refusal(approveAs(tokens["officer"]!))).toBe("RECORD_LIFECYCLE_DENIED");
    expect(await refusal(approveAs(tokens["head"]!))).toBe("LEGAL_HOLD_ACTIVE");
    await mutate("removeRecordLegalHold", "RecordLegalHoldInput", { ...hold, requestId: "lifecycle-unhold-1", reasonCode: null }, tokens["officer"]!);
    expect(await refusal(approveAs(tokens["head"]!))).toBe("RETENTION_NOT_OVER");
    // The transcript (media, 3 years) is long due; the record itself is not yet.
    const early = (await due()).items;
    expect(early).toContainEqual(expect.objectContaining({ recordId: signed.recordId, kind: "MEDIA" }));
    expect(early.filter((item) => item.kind === "RECORD").map((item) => item.recordId)).not.toContain(signed.recordId);
    moveTo(lastDay);
    expect(await refusal(approveAs(tokens["head"]!))).toBe("RETENTION_NOT_OVER");

    moveTo(dayAfter(visitDay, 15, 1));
    const listed = await due();
    expect(listed.day).toBe(dayAfter(visitDay, 15, 1));
    expect(listed.items).toContainEqual(expect.objectContaining({ recordId: signed.recordId, kind: "RECORD", retainUntil: lastDay }));
    // Listing destroys nothing.
    expect(await readRecord(tokens["officer"]!)).toEqual({ recordId: signed.recordId, status: "ARCHIVED" });

    const approval = await approveAs(tokens["head"]!);
    expect(approval).toMatchObject({ approvedBy: "institution-head-1", retainUntil: lastDay, lastVisitAt: signed.visitAt });
    expect(approval.profileVersion).toMatch(/^national@/);
    const destroy = { requestId: "lifecycle-destroy-1", patientId: demo.patient.patientId, approvalId: approval.approvalId };
    const destroyAs = (token: string, input = destroy) =>
      mutate<{ records: Lifecycle[] }>("destroyPatientRecords", "DestroyPatientRecordsInput", input, token, `records { ${LIFECYCLE} }`);
    expect(await refusal(destroyAs(tokens["physician"]!))).toBe("RECORD_LIFECYCLE_DENIED");
    expect(await refusal(destroyAs(tokens["officer"]!, { ...destroy, approvalId: "some-other-approval" }))).toBe("DESTRUCTION_NOT_APPROVED");
    const destroyed = await destroyAs(tokens["officer"]!);
    expect(destroyed.records.map((record) => [record.recordId, record.status])).toEqual([[signed.recordId, "DESTROYED"]]);
    expect(await refusal(readRecord(tokens["patient"]!))).toBe("RECORD_DESTROYED");

    // XC-01: every service's log still verifies after the tombstones and the key's destruction.
    const logs = readdirSync(dataDir).filter((file) => file.endsWith("-events.sqlite"));
    expect(logs).toContain("records-events.sqlite");
    for (const file of logs) expect(verifyFile(join(dataDir, file)), file).toMatchObject({ ok: true });
    // The record's clinical text is nowhere readable: not through the API (above) and not in the log in clear.
    const history = await graphql(url, `query ($id: ID!) { medicalRecordVersions(recordId: $id) { version } }`, { id: signed.recordId }, tokens["officer"]);
    expect(history.errors?.[0]?.extensions?.["code"]).toBe("RECORD_DESTROYED");
  });
});
