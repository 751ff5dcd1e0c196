import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { credentials } from "@grpc/grpc-js";
import { ConsultRecordSourceServiceClient } from "@ihp/contracts/consult";
import { fromGrpcError, withBearerToken } from "@ihp/platform";
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
  RECORD_FIELDS,
  type RecordView,
  runClinicalFlow,
  seedDemo,
  signRecord,
  startEmbeddedPlatform,
} from "@ihp/runner";
import { HttpRfc3161Authority } from "@ihp/timestamping";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type LocalTsa, opensslAvailable, startOpensslTsa, type TestPki } from "../../packages/timestamping/test/support/opensslTsa.js";

// The outpatient record (issue 11) through GraphQL against the real records service in the embedded platform: a
// consult closes → the records service drafts the record from consult's record source → the physician completes and
// signs it (identity e-signature, RFC 3161 timestamp from a local `openssl ts` TSA) → the patient reads it and sees
// who read it. Every read, allowed or refused, is an access event.

type AccessEntry = { accessorId: string; accessorRole: string; purpose: string; outcome: string; reasonCode: string | null; at: string };

async function refusal(work: Promise<unknown>): Promise<FlowError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

if (!opensslAvailable) console.log("records e2e skipped: the openssl command (the local RFC 3161 TSA) is not installed");

describe.skipIf(!opensslAvailable)("records end to end, embedded mode: consult closes → draft → signed → read, every read logged", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-records-"));
  let pki: TestPki;
  let tsa: LocalTsa;
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;
  let consultId: string;
  let signed: RecordView;

  const read = (field: string, args: string, variables: Record<string, unknown>, selection: string, token: string) =>
    must<unknown>(url, `query (${args}) { ${field}(${Object.keys(variables).map((name) => `${name}: $${name}`).join(", ")}) { ${selection} } }`, variables, token, field);
  const accessLog = (recordId: string, token: string) =>
    read("medicalRecordAccessLog", "$recordId: ID!", { recordId }, "accessorId accessorRole purpose outcome reasonCode at", token) as Promise<AccessEntry[]>;

  beforeAll(async () => {
    pki = await createTestPki();
    tsa = await startOpensslTsa(pki);
    const recordsTsa = new HttpRfc3161Authority({ url: tsa.url, tsaCertificate: tsa.certPem, maxSkewMs: 5_000 });
    // RECORDS_E2E_LOG=error shows the services' error logs, e.g. to find where an INTERNAL answer came from.
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: process.env["RECORDS_E2E_LOG"] === "error" ? "error" : "silent", recordsTsa });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
    actors = await demoActors(url, demo);
    consultId = (await runClinicalFlow(actors, "records-1", { prescribe: false })).consultId;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await tsa?.close();
    await pki?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REC-01, REC-04, REC-07: the closed consult's draft is completed and signed by its physician with a trusted timestamp", async () => {
    const draft = await awaitDraftRecord(url, actors.physicianToken, consultId);
    expect(draft).toMatchObject({ version: 1, status: "DRAFT", authorId: demo.staff.physicianId, completedAt: null, visitKind: "FOLLOW_UP", priorRecordId: "records-1-prior-record" });
    expect(draft.visitAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+08:00$/);
    expect(draft.sections).toMatchObject({ chiefComplaint: "", examined: false, treatmentAdvice: "2型糖尿病复诊，病情稳定，续用二甲双胍。" });
    expect(draft.sections.diagnoses).toEqual([{ code: "E11.9", name: "2型糖尿病", system: "ICD-10 国家临床版 2.0", main: true }]);
    // REC-01: the embedded mode keeps media by default, sealed (recordsMedia.e2e.test.ts reads them): the transcript.
    expect(draft.media.map((item) => item.kind)).toEqual(["TRANSCRIPT"]);

    // WS/T 500.2: signing an incomplete record (no chief complaint) is refused; completing it makes version 2.
    expect((await refusal(signRecord(actors, "records-early", consultId, draft))).code).toBe("RECORD_INCOMPLETE");
    const completed = await completeRecord(actors, "records-1", draft);
    expect(completed).toMatchObject({ version: 2, status: "DRAFT" });

    signed = await signRecord(actors, "records-1", consultId, completed);
    expect(signed).toMatchObject({ version: 2, status: "SIGNED" });
    expect(signed.authorName).not.toBe("");
    expect(signed.completedAt).not.toBeNull();
    const [signature] = signed.signatures;
    expect(signature).toMatchObject({ signerId: demo.staff.physicianId, role: "AUTHOR" });
    // REC-07: the RFC 3161 token over the signature (SHA-256 of its value) verifies with `openssl ts -verify`.
    const digest = createHash("sha256").update(Buffer.from(signature!.value, "base64")).digest("hex");
    const verified = await tsa.opensslVerify(Buffer.from(signature!.timestampToken, "base64"), digest);
    expect(verified, verified.output).toMatchObject({ ok: true });

    // REC-04: both versions stay queryable with committer, server time, ISO 21089 change type and the diff.
    const versions = (await read("medicalRecordVersions", "$recordId: ID!", { recordId: signed.recordId }, "version operatorId changeType committedAt changes { op path before after }", actors.physicianToken)) as {
      version: number;
      operatorId: string;
      changeType: string;
      changes: { op: string; path: string; after: string | null }[];
    }[];
    expect(versions.map((v) => [v.version, v.operatorId, v.changeType])).toEqual([
      [1, "svc:records", "originate"],
      [2, demo.staff.physicianId, "amend"],
    ]);
    expect(versions[1]!.changes).toContainEqual(expect.objectContaining({ op: "changed", path: "sections.chiefComplaint", after: JSON.stringify("2型糖尿病复诊，续药。") }));
  });

  it("REC-01, REC-08, XC-01: the patient reads their signed record and sees who read it and when", async () => {
    const mine = (await read("patientMedicalRecords", "$patientId: ID", { patientId: null }, RECORD_FIELDS, actors.patientToken)) as RecordView[];
    expect(mine.map((record) => [record.recordId, record.status, record.authorName])).toEqual([[signed.recordId, "SIGNED", signed.authorName]]);
    // REC-01 header: the patient's name, which identity gave the records service's own credential at origination.
    expect(await read("patientMedicalRecords", "$patientId: ID", { patientId: null }, "recordId patientName", actors.patientToken)).toEqual([{ recordId: signed.recordId, patientName: "陈示例" }]);
    const log = await accessLog(signed.recordId, actors.patientToken);
    const readers = new Set(log.map((entry) => `${entry.accessorRole}:${entry.outcome}`));
    expect(readers).toEqual(new Set(["physician:ALLOWED", "patient:ALLOWED"]));
    expect(log[0]).toMatchObject({ accessorId: demo.patient.patientId, purpose: "SELF_SERVICE", outcome: "ALLOWED", reasonCode: null });
    // Newest first, and the log read itself is logged.
    expect(Date.parse(log[0]!.at)).toBeGreaterThanOrEqual(Date.parse(log.at(-1)!.at));
  });

  it("REC-09: a physician without a care relationship is refused, and the attempt is in the record's access log", async () => {
    const stranger = await platform.issuer.issue({ subject: "physician-no-care", roles: ["physician"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 600 });
    const refused = await refusal(read("medicalRecord", "$recordId: ID!", { recordId: signed.recordId }, "recordId sections { chiefComplaint }", stranger));
    expect(refused.code).toBe("RECORD_ACCESS_DENIED");
    expect(JSON.stringify(refused.errors)).not.toContain("2型糖尿病");
    // Another patient and a pharmacist are refused too; the pharmacist's role never reads records at all.
    const otherPatient = await platform.issuer.issue({ subject: "patient-other", roles: ["patient"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 600 });
    expect((await refusal(read("medicalRecord", "$recordId: ID!", { recordId: signed.recordId }, "recordId", otherPatient))).code).toBe("RECORD_ACCESS_DENIED");
    expect((await refusal(read("medicalRecord", "$recordId: ID!", { recordId: signed.recordId }, "recordId", actors.pharmacistToken))).code).toBe("RECORD_ACCESS_DENIED");

    const log = await accessLog(signed.recordId, actors.patientToken);
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "physician-no-care", accessorRole: "physician", outcome: "REFUSED", reasonCode: "RECORD_ACCESS_DENIED" }));
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "patient-other", outcome: "REFUSED" }));
    // Medical-records staff of the custodian read by role.
    const officer = await platform.issuer.issue({ subject: "records-officer-1", roles: ["records_officer"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 600 });
    expect(await read("medicalRecord", "$recordId: ID!", { recordId: signed.recordId }, "recordId status", officer)).toEqual({ recordId: signed.recordId, status: "SIGNED" });
  });

  it("REC-05, REC-06: after signing only the author may amend (a new draft version); a stranger's amend is refused", async () => {
    const stranger = await platform.issuer.issue({ subject: "physician-no-care", roles: ["physician"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 600 });
    const amend = graphql(url, `mutation ($input: AmendMedicalRecordInput!) { amendMedicalRecord(input: $input) { version } }`, {
      input: { requestId: "records-stranger-amend", recordId: signed.recordId, expectedVersion: signed.version, sections: { ...signed.sections, examined: false, examinationFindings: "" } },
    }, stranger);
    expect((await amend).errors?.[0]?.extensions?.["code"]).toBe("NOT_RECORD_AUTHOR");
  });

  it("REC-01: consult answers its record source to the records service's own credential only", async () => {
    const client = new ConsultRecordSourceServiceClient(`127.0.0.1:${platform.grpcPorts.consult}`, credentials.createInsecure());
    const ask = (token: string) =>
      new Promise<unknown>((resolve, reject) => client.getRecordSource({ consultId }, withBearerToken(token), (error, value) => (error === null ? resolve(value) : reject(fromGrpcError(error)))));
    try {
      const system = await platform.issuer.issue({ subject: "svc:other", roles: ["system"], tenantId: "platform", kind: "service", ttlSeconds: 600 });
      await expect(ask(system)).rejects.toMatchObject({ code: "RECORD_SOURCE_CREDENTIAL_REQUIRED" });
      await expect(ask(actors.physicianToken)).rejects.toMatchObject({ code: "RECORD_SOURCE_CREDENTIAL_REQUIRED" });
      const records = await platform.issuer.issue({ subject: "svc:records", roles: ["records"], tenantId: "platform", kind: "service", ttlSeconds: 600 });
      expect(await ask(records)).toMatchObject({ consultId, physicianId: demo.staff.physicianId, summary: "2型糖尿病复诊，病情稳定，续用二甲双胍。" });
    } finally {
      client.close();
    }
  });
});
