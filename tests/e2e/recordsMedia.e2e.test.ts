import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { verifyFile } from "@ihp/eventsourcing/sqlite";
import { waitFor } from "@ihp/testing";
import { awaitDraftRecord, demoActors, type DemoSeed, type EmbeddedPlatform, type FlowActors, graphql, must, runClinicalFlow, seedDemo, startEmbeddedPlatform } from "@ihp/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Record media (issue 11 item 2; REC-01, REC-03, XC-01) through GraphQL against the embedded platform, where the
// records service keeps media by default (a folder under the data dir), sealed: the closed consult's transcript is
// stored as ciphertext, read back hash-checked, every read an access event; destruction is refused until 3 years
// after the consult ended and allowed after, with the record still readable and the log verifying. The platform's
// clock is injected and moved forward (tokens are checked against real time, the services decide on the clock).

type MediaView = { mediaId: string; kind: string; sha256: string; bytes: number };
type Content = { media: MediaView; contentBase64: string | null; sourceUri: string | null };
type AccessEntry = { accessorId: string; outcome: string; reasonCode: string | null };

/** The clock offset that lands on the same time of day `years` calendar years and `days` days from now. */
function offsetTo(years: number, days: number): number {
  const at = new Date();
  at.setUTCFullYear(at.getUTCFullYear() + years);
  at.setUTCDate(at.getUTCDate() + days);
  return at.getTime() - Date.now();
}

describe("records media end to end, embedded mode: sealed transcript → read (hash-checked, logged) → destroyed after 3 years", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-records-media-"));
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;
  let recordId: string;
  let transcript: MediaView;
  let officer: string;
  /** A second consult's record of the same patient, for the erasure. */
  let second: { recordId: string; transcript: MediaView };

  const media = (token: string) =>
    must<Content>(url, `query ($recordId: ID!, $mediaId: ID!) { medicalRecordMedia(recordId: $recordId, mediaId: $mediaId) { media { mediaId kind sha256 bytes } contentBase64 sourceUri } }`, { recordId, mediaId: transcript.mediaId }, token, "medicalRecordMedia");
  const destroy = async (requestId: string, token: string) => {
    const response = await graphql<{ destroyRecordMedia: { destroyedMediaIds: string[]; record: { recordId: string } } }>(
      url,
      `mutation ($input: DestroyRecordMediaInput!) { destroyRecordMedia(input: $input) { destroyedMediaIds record { recordId } } }`,
      { input: { requestId, recordId, mediaId: transcript.mediaId, approvalRef: "head-approval-1" } },
      token,
    );
    return { code: response.errors?.[0]?.extensions?.["code"] as string | undefined, data: response.data?.destroyRecordMedia };
  };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", clock });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
    actors = await demoActors(url, demo);
    const consultId = (await runClinicalFlow(actors, "media-1", { prescribe: false })).consultId;
    const draft = await awaitDraftRecord(url, actors.physicianToken, consultId);
    recordId = draft.recordId;
    transcript = draft.media.find((item) => item.kind === "TRANSCRIPT")!;
    const secondDraft = await awaitDraftRecord(url, actors.physicianToken, (await runClinicalFlow(actors, "media-2", { prescribe: false })).consultId);
    second = { recordId: secondDraft.recordId, transcript: secondDraft.media.find((item) => item.kind === "TRANSCRIPT")! };
    officer = await platform.issuer.issue({ subject: "records-officer-1", roles: ["records_officer"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 3_600 });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REC-01, XC-01: the consult transcript is linked and stored sealed (no clear text on disk); the patient reads it hash-checked; a stranger is refused and logged", async () => {
    expect(transcript).toMatchObject({ kind: "TRANSCRIPT" });
    const blobRoot = join(dataDir, "records-blobs", "objects");
    const blobs = readdirSync(blobRoot).flatMap((folder) => readdirSync(join(blobRoot, folder)).map((name) => join(blobRoot, folder, name)));
    expect(blobs.length).toBeGreaterThan(0);
    for (const file of blobs) expect(readFileSync(file).includes(Buffer.from("空腹血糖", "utf8"))).toBe(false);

    const read = await media(actors.patientToken);
    const content = Buffer.from(read.contentBase64 ?? "", "base64");
    expect(createHash("sha256").update(content).digest("hex")).toBe(transcript.sha256);
    expect(content.toString("utf8")).toContain("最近空腹血糖7.2");

    const stranger = await platform.issuer.issue({ subject: "patient-stranger", roles: ["patient"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 600 });
    const refused = await graphql(url, `query ($recordId: ID!, $mediaId: ID!) { medicalRecordMedia(recordId: $recordId, mediaId: $mediaId) { contentBase64 } }`, { recordId, mediaId: transcript.mediaId }, stranger);
    expect(refused.errors?.[0]?.extensions?.["code"]).toBe("RECORD_ACCESS_DENIED");
    expect(JSON.stringify(refused)).not.toContain("空腹血糖");
    const log = await must<AccessEntry[]>(url, `query ($recordId: ID!) { medicalRecordAccessLog(recordId: $recordId) { accessorId outcome reasonCode } }`, { recordId }, actors.patientToken, "medicalRecordAccessLog");
    expect(log).toContainEqual({ accessorId: "patient-stranger", outcome: "REFUSED", reasonCode: "RECORD_ACCESS_DENIED" });
    expect(log).toContainEqual({ accessorId: demo.patient.patientId, outcome: "ALLOWED", reasonCode: null });
  });

  it("REC-03, XC-01: destroyRecordMedia refused for a physician, refused at 2 years 364 days, allowed after 3 years; the record still reads and every log verifies", async () => {
    expect((await destroy("media-destroy-physician", actors.physicianToken)).code).toBe("MEDIA_DESTRUCTION_DENIED");
    expect((await destroy("media-destroy-now", officer)).code).toBe("MEDIA_RETENTION_NOT_OVER");
    offset = offsetTo(3, -1); // 2 years 364 days after the consult ended
    expect((await destroy("media-destroy-early", officer)).code).toBe("MEDIA_RETENTION_NOT_OVER");
    offset = offsetTo(3, 0); // 3 years: the last day that must still be kept
    expect((await destroy("media-destroy-last-day", officer)).code).toBe("MEDIA_RETENTION_NOT_OVER");
    offset = offsetTo(3, 1); // the day after
    const destroyed = await destroy("media-destroy-due", officer);
    expect(destroyed.code).toBeUndefined();
    expect(destroyed.data?.destroyedMediaIds).toEqual([transcript.mediaId]);

    const gone = await graphql(url, `query ($recordId: ID!, $mediaId: ID!) { medicalRecordMedia(recordId: $recordId, mediaId: $mediaId) { contentBase64 } }`, { recordId, mediaId: transcript.mediaId }, officer);
    expect(gone.errors?.[0]?.extensions?.["code"]).toBe("MEDIA_ERASED");
    const still = await must<{ recordId: string; media: MediaView[] }>(url, `query ($recordId: ID!) { medicalRecord(recordId: $recordId) { recordId media { mediaId kind sha256 bytes } } }`, { recordId }, officer, "medicalRecord");
    expect(still.media).toContainEqual(transcript);
    const logs = readdirSync(dataDir).filter((file) => file.startsWith("records-") && file.endsWith(".sqlite") && file.includes("event"));
    expect(logs.length).toBeGreaterThan(0);
    for (const name of logs) expect(verifyFile(join(dataDir, name)), name).toMatchObject({ ok: true });
  });

  it("REC-03, XC-01 (issue 10 erasure): the patient's erasure order for class media destroys the media key in the records service; the record's text (clinical key) still reads", async () => {
    const admin = demo.tokens["institution_admin"]!;
    const readSecond = () =>
      graphql<{ medicalRecordMedia: Content }>(url, `query ($recordId: ID!, $mediaId: ID!) { medicalRecordMedia(recordId: $recordId, mediaId: $mediaId) { contentBase64 } }`, { recordId: second.recordId, mediaId: second.transcript.mediaId }, officer);
    expect((await readSecond()).data?.medicalRecordMedia.contentBase64).toBeTruthy();
    const ordered = await must<{ erasureId: string }>(
      url,
      `mutation ($input: RequestSubjectErasureInput!) { requestSubjectErasure(input: $input) { erasureId } }`,
      { input: { requestId: "media-erasure-1", patientId: demo.patient.patientId, retentionClass: "media", approvalRef: "院长审批-media-1" } },
      admin,
      "requestSubjectErasure",
    );
    const status = () => must<{ status: string }>(url, `query ($id: ID!) { subjectErasure(erasureId: $id) { status } }`, { id: ordered.erasureId }, admin, "subjectErasure");
    await waitFor(async () => (await status()).status === "COMPLETE", 20_000, "every holder's confirmation");
    expect((await readSecond()).errors?.[0]?.extensions?.["code"]).toBe("MEDIA_ERASED");
    const record = await must<{ sections: { treatmentAdvice: string } }>(url, `query ($recordId: ID!) { medicalRecord(recordId: $recordId) { sections { treatmentAdvice } } }`, { recordId: second.recordId }, officer, "medicalRecord");
    expect(record.sections.treatmentAdvice).toBe("2型糖尿病复诊，病情稳定，续用二甲双胍。");
  });
});
