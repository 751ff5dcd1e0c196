import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { DestructionSubjectKind, type Record as RecordMessage, RecordStatus, SignatureRole } from "@ihp/contracts/records";
import { SqliteEventStore, verifyFile } from "@ihp/eventsourcing/sqlite";
import type { CallScope } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timestampedDigest } from "../../src/application/commands.js";
import { consultOf, type Harness, startHarness } from "./harness.js";

// RecordLifecycleService against the real records service (issue 11 items 3, 6, 8, 9): co-signature, archive and
// addenda, sealing for a dispute, legal hold, restriction, and approved per-patient destruction on a moved clock.

const PRACTITIONERS = {
  "physician-1": { name: "王示范", title: "主治医师" },
  "trainee-1": { name: "李试用", title: "试用期医师" },
  "trainee-2": { name: "赵实习", title: "实习医师" },
  "supervisor-1": { name: "陈主任", title: "主任医师" },
};
const C1 = "c1000000-0000-7000-8000-000000000001"; // patient-1, by a trainee
const C2 = "c2000000-0000-7000-8000-000000000002"; // patient-2
const C3A = "c3000000-0000-7000-8000-00000000003a"; // patient-3, first visit
const C3B = "c3000000-0000-7000-8000-00000000003b"; // patient-3, a later visit

let h: Harness;
const t: Record<string, string> = {};
const ids: Record<string, RecordMessage> = {};

async function drafted(consultId: string, author: string): Promise<RecordMessage> {
  let draft: RecordMessage | undefined;
  await waitFor(
    async () => {
      draft = await h.records.getRecordByConsult({ consultId }, { token: t[author]! }).then((r) => r.record, () => undefined);
      return draft !== undefined;
    },
    10_000,
    `the draft of ${consultId}`,
  );
  return draft!;
}

async function completeAndSign(consultId: string, author: string, requestTag: string): Promise<RecordMessage> {
  const draft = await drafted(consultId, author);
  const sections = { ...draft.sections!, chiefComplaint: "头晕三天" };
  const amended = (await h.records.amendRecord({ requestId: `amend-${requestTag}`, recordId: draft.recordId, expectedVersion: 1, sections }, { token: t[author]! })).record!;
  return (await h.records.signRecord({ requestId: `sign-${requestTag}`, recordId: draft.recordId, version: amended.version }, { token: t[author]! })).record!;
}

/** One lifecycle call as `who`. */
const life = <Req, Res>(method: (request: Req, scope: CallScope) => Promise<Res>, request: Req, who: string) => method(request, { token: t[who]! });

beforeAll(async () => {
  h = await startHarness(PRACTITIONERS);
  const people: [string, ("patient" | "physician" | "records_officer" | "institution_admin")[], string?][] = [
    ["physician-1", ["physician"]],
    ["trainee-1", ["physician"]],
    ["trainee-2", ["physician"]],
    ["supervisor-1", ["physician"]],
    ["officer-1", ["records_officer"]],
    ["officer-x", ["records_officer"], "hosp-2"],
    ["head-1", ["institution_admin"]],
    ["patient-1", ["patient"]],
    ["patient-2", ["patient"]],
    ["patient-3", ["patient"]],
    ["guardian-9", ["patient"]],
    ["dual-x", ["patient", "records_officer"], "hosp-2"],
  ];
  for (const [subject, roles, tenant] of people) t[subject] = await h.token(subject, roles, tenant);
  await h.complete(consultOf(C1, { patientId: "patient-1", physicianId: "trainee-1" }));
  const transcript = [{ messageId: "m-1", senderRole: "PATIENT", kind: "TEXT", text: "最近头晕", mediaUri: "", mediaSha256: "", sentAt: "2026-12-06T02:10:00.000Z" }];
  await h.complete(consultOf(C2, { patientId: "patient-2", physicianId: "physician-1", transcript }));
  await h.complete(consultOf(C3A, { patientId: "patient-3", physicianId: "physician-1" }));
  await h.complete(consultOf(C3B, { patientId: "patient-3", physicianId: "physician-1", startedAt: "2028-03-01T01:00:00.000Z", completedAt: "2028-03-01T01:30:00.000Z" }));
});

afterAll(async () => {
  await h?.close();
});

describe("records lifecycle over gRPC (issue 11)", () => {
  it("REC-05: a qualified supervisor co-signs a trainee's record with a timestamped signature; the awaiting-co-signature feed sees it arrive and leave", async () => {
    const seen: RecordMessage[] = [];
    const feed = h.records.watchPendingCosign({}, { token: t["supervisor-1"]! });
    const reading = (async () => {
      for await (const message of feed) if (message.record !== undefined) seen.push(message.record);
    })().catch(() => undefined);
    try {
      const pending = await completeAndSign(C1, "trainee-1", "c1-0001");
      expect(pending).toMatchObject({ status: RecordStatus.RECORD_STATUS_PENDING_COSIGN, completedAt: "" });
      ids["c1"] = pending;
      await waitFor(() => Promise.resolve(seen.some((r) => r.recordId === pending.recordId && r.status === RecordStatus.RECORD_STATUS_PENDING_COSIGN)), 10_000, "the pending record in the feed");

      const request = { requestId: "cosign-0001", recordId: pending.recordId, version: pending.version };
      await expect(life(h.lifecycle.cosignRecord, request, "patient-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
      await expect(life(h.lifecycle.cosignRecord, request, "officer-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
      await expect(life(h.lifecycle.cosignRecord, request, "trainee-1")).rejects.toMatchObject({ code: "COSIGNER_IS_AUTHOR" });
      await expect(life(h.lifecycle.cosignRecord, request, "trainee-2")).rejects.toMatchObject({ code: "COSIGNER_NOT_QUALIFIED" });
      await expect(life(h.lifecycle.cosignRecord, { ...request, version: 1 }, "supervisor-1")).rejects.toMatchObject({ code: "STALE_VERSION" });

      const { record } = await life(h.lifecycle.cosignRecord, request, "supervisor-1");
      expect(record).toMatchObject({ status: RecordStatus.RECORD_STATUS_SIGNED, cosignerId: "supervisor-1", version: pending.version });
      expect(record!.completedAt).not.toBe("");
      const cosignature = record!.signatures.find((s) => s.role === SignatureRole.SIGNATURE_ROLE_COSIGNER)!;
      expect(cosignature).toMatchObject({ signerId: "supervisor-1", signerName: "陈主任" });
      const verified = await h.tsa.verify(Buffer.from(cosignature.timestampToken, "base64"), { algorithm: "SHA-256", value: timestampedDigest(cosignature.value) });
      expect(verified.genTime.toISOString()).toBe(cosignature.timestampedAt);
      // Repeating the request id returns the first result and signs nothing new.
      const again = await life(h.lifecycle.cosignRecord, request, "supervisor-1");
      expect(again.record!.signatures).toHaveLength(2);
      await expect(life(h.lifecycle.cosignRecord, { ...request, requestId: "cosign-0002" }, "supervisor-1")).rejects.toMatchObject({ code: "NOT_PENDING_COSIGN" });

      await waitFor(() => Promise.resolve(seen.some((r) => r.recordId === pending.recordId && r.status === RecordStatus.RECORD_STATUS_SIGNED)), 10_000, "the co-signed record leaving the feed");
      const shown = (await h.records.getRecord({ recordId: pending.recordId }, { token: t["patient-1"]! })).record!;
      expect(shown).toMatchObject({ status: RecordStatus.RECORD_STATUS_SIGNED });
    } finally {
      await feed.return?.();
      await reading;
    }
  });

  it("REC-06: records staff archive a signed record; it takes no amendment, only signed addenda linked to their parent version", async () => {
    const recordId = ids["c1"]!.recordId;
    await expect(life(h.lifecycle.archiveRecord, { requestId: "archive-0001", recordId }, "physician-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    await expect(life(h.lifecycle.archiveRecord, { requestId: "archive-0001", recordId }, "officer-x")).rejects.toMatchObject({ code: "NOT_CUSTODIAN" });
    // Also a patient of another institution who is records staff there: staff operations check the custodian.
    await expect(life(h.lifecycle.archiveRecord, { requestId: "archive-0001", recordId }, "dual-x")).rejects.toMatchObject({ code: "NOT_CUSTODIAN" });
    const archived = (await life(h.lifecycle.archiveRecord, { requestId: "archive-0001", recordId }, "officer-1")).record!;
    expect(archived.status).toBe(RecordStatus.RECORD_STATUS_ARCHIVED);
    const current = (await h.records.getRecord({ recordId }, { token: t["trainee-1"]! })).record!;
    const sections = { ...current.sections!, chiefComplaint: "改" };
    await expect(
      h.records.amendRecord({ requestId: "amend-late-01", recordId, expectedVersion: current.version, sections }, { token: t["trainee-1"]! }),
    ).rejects.toMatchObject({ code: "RECORD_ARCHIVED" });

    const addendum = { requestId: "addendum-0001", recordId, text: "补充：血压 130/85", reason: "漏记体征" };
    await expect(life(h.lifecycle.addRecordAddendum, addendum, "physician-1")).rejects.toMatchObject({ code: "NOT_RECORD_AUTHOR" });
    await expect(life(h.lifecycle.addRecordAddendum, { ...addendum, text: " " }, "trainee-1")).rejects.toMatchObject({ code: "INVALID_RECORD_INPUT" });
    const { record } = await life(h.lifecycle.addRecordAddendum, addendum, "trainee-1");
    expect(record).toMatchObject({ status: RecordStatus.RECORD_STATUS_ARCHIVED, addenda: [{ parentVersion: current.version, signerId: "trainee-1" }] });
    expect(record!.addenda[0]!.timestampedAt).not.toBe("");
  });

  it("REC-11, REC-12: sealed with both parties' attestations over the snapshot hash, later addenda as an increment; a claim restarts the 3 years", async () => {
    const recordId = ids["c1"]!.recordId;
    const snapshot = await life(h.lifecycle.getSealSnapshot, { recordId }, "officer-1");
    expect(snapshot.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    const attest = (party: string, partyId: string, hash = snapshot.snapshotHash) => ({ party, partyId, name: partyId, algorithm: "SM2", certificateSerial: "7", value: "c2ln", signedHash: hash });
    const both = [attest("PATIENT_SIDE", "patient-1"), attest("INSTITUTION", "hosp-1")];
    const seal = { requestId: "seal-000001", recordId, sealId: "seal-1", version: snapshot.version, attestations: both };
    await expect(life(h.lifecycle.sealRecord, seal, "physician-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    await expect(life(h.lifecycle.sealRecord, { ...seal, attestations: [attest("INSTITUTION", "hosp-1")] }, "officer-1")).rejects.toMatchObject({ code: "SEAL_ATTESTATION_MISSING" });
    await expect(life(h.lifecycle.sealRecord, { ...seal, attestations: [attest("PATIENT_SIDE", "patient-1", "0".repeat(64)), attest("INSTITUTION", "hosp-1")] }, "officer-1")).rejects.toMatchObject({
      code: "SEAL_ATTESTATION_MISSING",
    });
    await expect(life(h.lifecycle.sealRecord, { ...seal, attestations: [attest("JUDGE", "x")] }, "officer-1")).rejects.toMatchObject({ code: "INVALID_RECORD_INPUT" });
    const sealed = (await life(h.lifecycle.sealRecord, seal, "officer-1")).record!;
    expect(sealed.seal).toMatchObject({ sealId: "seal-1", disputeOpen: true, parts: [{ snapshotHash: snapshot.snapshotHash, addendumIds: [sealed.addenda[0]!.addendumId] }] });

    await expect(life(h.lifecycle.sealRecordIncrement, { requestId: "seal-inc-01", recordId, version: snapshot.version, attestations: both }, "officer-1")).rejects.toMatchObject({
      code: "NOTHING_TO_SEAL",
    });
    await life(h.lifecycle.addRecordAddendum, { requestId: "addendum-0002", recordId, text: "补充：复查心电图正常", reason: "补记" }, "trainee-1");
    const next = await life(h.lifecycle.getSealSnapshot, { recordId }, "officer-1");
    expect(next.snapshotHash).not.toBe(snapshot.snapshotHash);
    const increment = [attest("PATIENT_SIDE", "patient-1", next.snapshotHash), attest("INSTITUTION", "hosp-1", next.snapshotHash)];
    const incremented = (await life(h.lifecycle.sealRecordIncrement, { requestId: "seal-inc-02", recordId, version: next.version, attestations: increment }, "officer-1")).record!;
    expect(incremented.seal!.parts).toHaveLength(2);
    expect(incremented.seal!.parts[1]!.addendumIds).toEqual(next.addendumIds);

    h.setNow("2027-06-01T02:00:00.000Z");
    await life(h.lifecycle.lodgeDisputeClaim, { requestId: "claim-00001", recordId, claimId: "claim-1" }, "officer-1");
    h.setNow("2030-06-01T02:00:00.000Z"); // 3 years since the claim, Beijing day 2030-06-01: still waiting
    await expect(life(h.lifecycle.unsealRecord, { requestId: "unseal-0001", recordId, attestations: [] }, "officer-1")).rejects.toMatchObject({ code: "UNSEAL_NOT_ALLOWED" });
    h.setNow("2030-06-02T02:00:00.000Z");
    const unsealed = (await life(h.lifecycle.unsealRecord, { requestId: "unseal-0002", recordId, attestations: [] }, "officer-1")).record!;
    expect(unsealed.seal).toBeUndefined();
  });

  it("REC-02, PIPL art. 47: a legal hold blocks destruction; the deletion request of the patient (here a minor's verified guardian) restricts use — clinicians refused, the patient still reads", async () => {
    h.setNow("2030-06-03T02:00:00.000Z");
    // These were drafted at the start; signed now (the TSA follows the same clock).
    ids["c2"] = await drafted(C2, "physician-1");
    ids["c3a"] = await drafted(C3A, "physician-1");
    ids["c3b"] = await drafted(C3B, "physician-1");
    const recordId = ids["c2"].recordId;
    const hold = { requestId: "hold-000001", recordId, holdId: "hold-1", reasonCode: "LITIGATION" };
    await expect(life(h.lifecycle.placeLegalHold, hold, "patient-2")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    expect((await life(h.lifecycle.placeLegalHold, hold, "officer-1")).record!.legalHolds).toEqual(["hold-1"]);

    await expect(life(h.lifecycle.restrictRecord, { requestId: "restrict-01", recordId }, "patient-3")).rejects.toMatchObject({ code: "NOT_RECORD_SUBJECT" });
    await expect(life(h.lifecycle.restrictRecord, { requestId: "restrict-01", recordId }, "physician-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    // The verified guardian of the (minor) patient may ask too; here the patient does, and then it is done.
    const byGuardian = (await life(h.lifecycle.restrictRecord, { requestId: "restrict-03", recordId: ids["c3a"].recordId }, "guardian-9").catch((error: unknown) => error)) as { code?: string };
    expect(byGuardian.code).toBe("NOT_RECORD_SUBJECT"); // guardian-9 is patient-2's guardian, not patient-3's
    const restricted = (await life(h.lifecycle.restrictRecord, { requestId: "restrict-02", recordId }, "guardian-9")).record!;
    await expect(life(h.lifecycle.restrictRecord, { requestId: "restrict-04", recordId }, "patient-2")).rejects.toMatchObject({ code: "ALREADY_RESTRICTED" });
    expect(restricted.restrictedAt).not.toBe("");
    await expect(h.records.getRecord({ recordId }, { token: t["physician-1"]! })).rejects.toMatchObject({ code: "RECORD_RESTRICTED" });
    expect((await h.records.getRecord({ recordId }, { token: t["patient-2"]! })).record!.recordId).toBe(recordId);
  });

  it("REC-02, PHA-09, XC-08: per patient, 14y364d after the last visit and the last day refused, the day after allowed on the head's approval; a later visit moves the clock; held never; logs verify", async () => {
    const recordId = ids["c2"]!.recordId;
    h.setNow("2041-12-04T16:00:00.000Z"); // Beijing 2041-12-05: 14 years 364 days after the 2026-12-06 visit
    const due = (await life(h.lifecycle.listDueForDestruction, {}, "officer-1")).items;
    expect(due.map((item) => item.recordId)).not.toContain(recordId);
    await expect(life(h.lifecycle.listDueForDestruction, {}, "physician-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    const approve = { requestId: "approve-0001", patientId: "patient-2" };
    await expect(life(h.lifecycle.approveRecordDestruction, approve, "officer-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    await expect(life(h.lifecycle.approveRecordDestruction, approve, "head-1")).rejects.toMatchObject({ code: "LEGAL_HOLD_ACTIVE" });
    await life(h.lifecycle.removeLegalHold, { requestId: "unhold-0001", recordId, holdId: "hold-1" }, "officer-1");
    await expect(life(h.lifecycle.approveRecordDestruction, approve, "head-1")).rejects.toMatchObject({ code: "RETENTION_NOT_OVER" });
    h.setNow("2041-12-06T02:00:00.000Z"); // the period's last day
    await expect(life(h.lifecycle.approveRecordDestruction, approve, "head-1")).rejects.toMatchObject({ code: "RETENTION_NOT_OVER" });

    h.setNow("2041-12-07T02:00:00.000Z");
    const listed = await life(h.lifecycle.listDueForDestruction, {}, "officer-1");
    expect(listed.day).toBe("2041-12-07");
    expect(listed.items).toContainEqual(expect.objectContaining({ kind: DestructionSubjectKind.DESTRUCTION_SUBJECT_KIND_RECORD, recordId, patientId: "patient-2", retainUntil: "2041-12-06" }));
    expect(listed.items.map((item) => item.patientId)).not.toContain("patient-3"); // their last visit was in 2028
    await expect(life(h.lifecycle.approveRecordDestruction, { requestId: "approve-0003", patientId: "patient-3" }, "head-1")).rejects.toMatchObject({ code: "RETENTION_NOT_OVER" });
    // Still listed, never destroyed by listing: the record is there until approved and destroyed.
    expect((await h.records.getRecord({ recordId }, { token: t["officer-1"]! })).record!.recordId).toBe(recordId);

    const approval = await life(h.lifecycle.approveRecordDestruction, approve, "head-1");
    expect(approval).toMatchObject({ patientId: "patient-2", approvedBy: "head-1", retainUntil: "2041-12-06", lastVisitAt: "2026-12-06T10:03+08:00" });
    expect(approval.profileVersion).toMatch(/^national@/);
    expect(approval.records[0]).toMatchObject({ destructionApprovalId: approval.approvalId, destructionApprovedBy: "head-1" });

    const destroy = { requestId: "destroy-0001", patientId: "patient-2", approvalId: approval.approvalId };
    await expect(life(h.lifecycle.destroyPatientRecords, destroy, "physician-1")).rejects.toMatchObject({ code: "RECORD_LIFECYCLE_DENIED" });
    await expect(life(h.lifecycle.destroyPatientRecords, { ...destroy, approvalId: "not-the-approval" }, "officer-1")).rejects.toMatchObject({ code: "DESTRUCTION_NOT_APPROVED" });
    await expect(life(h.lifecycle.destroyPatientRecords, destroy, "officer-x")).rejects.toMatchObject({ code: "RECORD_NOT_FOUND" });
    // A hold placed after the approval blocks the destruction until it is removed: held records are never destroyed.
    await life(h.lifecycle.placeLegalHold, { requestId: "hold-000002", recordId, holdId: "hold-2", reasonCode: "REGULATOR_INQUIRY" }, "officer-1");
    await expect(life(h.lifecycle.destroyPatientRecords, destroy, "officer-1")).rejects.toMatchObject({ code: "LEGAL_HOLD_ACTIVE" });
    await life(h.lifecycle.removeLegalHold, { requestId: "unhold-0002", recordId, holdId: "hold-2" }, "officer-1");
    const destroyed = await life(h.lifecycle.destroyPatientRecords, { ...destroy, requestId: "destroy-0002" }, "officer-1");
    expect(destroyed.records.map((r) => r.status)).toEqual([RecordStatus.RECORD_STATUS_DESTROYED]);
    await expect(h.records.getRecord({ recordId }, { token: t["patient-2"]! })).rejects.toMatchObject({ code: "RECORD_DESTROYED" });
    // A repeat (another request id) finds the work done: no second key destruction (checked on the log below).
    const repeated = await life(h.lifecycle.destroyPatientRecords, { ...destroy, requestId: "destroy-0003" }, "officer-1");
    expect(repeated.records.map((r) => r.status)).toEqual([RecordStatus.RECORD_STATUS_DESTROYED]);
    // Other patients' records are untouched.
    expect((await h.records.getRecord({ recordId: ids["c3a"]!.recordId }, { token: t["patient-3"]! })).record!.sections!.treatmentAdvice).toBe("胸闷复诊小结：病情稳定");

    // The tombstone and the key's destruction are in the log, which still verifies (read after the service stopped).
    await h.stopService();
    const logFile = (await readdir(h.dataDir)).find((name) => name.startsWith("records-") && name.endsWith(".sqlite") && !name.includes("keys") && !name.includes("read"));
    expect(logFile).toBeDefined();
    expect(verifyFile(join(h.dataDir, logFile!))).toMatchObject({ ok: true });
    const raw = SqliteEventStore.open({ path: join(h.dataDir, logFile!) });
    try {
      // The clinical key (then a new generation allowed), and the transcript's own media key.
      const erasure = (await raw.readStream("erasure-patient-2")).map((event) => [event.type, event.data["retentionClass"], event.data["approvalRef"]]);
      expect(erasure).toEqual([
        ["SubjectKeyDestroyed", "clinical", approval.approvalId],
        ["SubjectKeyReissued", "clinical", approval.approvalId],
        ["SubjectKeyDestroyed", `media:${C2}`, approval.approvalId],
      ]);
      const tombstone = (await raw.readStream(`records-record-${recordId}`)).find((event) => event.type === "RecordDestroyed");
      expect(tombstone?.data).toMatchObject({ documentId: recordId, approvalId: approval.approvalId, approvedBy: "head-1", retainUntil: "2041-12-06" });
      // Under the destroyed key the clinical text is ciphertext only, and nothing in the tombstone names content.
      const originated = (await raw.readStream(`records-record-${recordId}`))[0]!;
      expect(JSON.stringify(originated.data)).not.toContain("胸闷复诊小结");
      expect(JSON.stringify(tombstone?.data)).not.toContain("胸闷");
    } finally {
      await raw.close();
    }
  });
});
