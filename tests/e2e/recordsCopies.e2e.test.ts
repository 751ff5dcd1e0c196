import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
} from "@ihp/runner";
import { waitFor } from "@ihp/testing";
import { HttpRfc3161Authority } from "@ihp/timestamping";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cdaProblems, parseXml } from "../../services/records/test/renderings/cdaStructure.js";
import { createTestPki, type LocalTsa, opensslAvailable, startOpensslTsa, type TestPki } from "../../packages/timestamping/test/support/opensslTsa.js";

// Exports, copies, minimized access logs and custody of the outpatient record (issue 11 items 1, 4, 5, 7) through
// GraphQL against the real records service in the embedded platform: a consult closes, its record is signed, then the
// patient exports it (CDA, FHIR), medical-records staff issue a sealed copy anyone can verify, administration and the
// regulator read minimized access logs, and custody refuses to close without a verified transfer.

type Seal = { institutionId: string; keyId: string; algorithm: string; value: string; sealedHash: string };

async function refusal(work: Promise<unknown>): Promise<FlowError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FlowError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

if (!opensslAvailable) console.log("records copies e2e skipped: the openssl command (the local RFC 3161 TSA) is not installed");

describe.skipIf(!opensslAvailable)("records exports, copies, access logs and custody end to end (embedded mode)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-records-copies-"));
  let pki: TestPki;
  let tsa: LocalTsa;
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let actors: FlowActors;
  let url: string;
  let signed: RecordView;
  const staff = (subject: string, role: "records_officer" | "institution_admin" | "physician") =>
    platform.issuer.issue({ subject, roles: [role], tenantId: demo.institutionId, kind: "human", ttlSeconds: 600 });
  const query = <T>(field: string, text: string, variables: Record<string, unknown>, token: string | undefined) => must<T>(url, text, variables, token, field);

  beforeAll(async () => {
    pki = await createTestPki();
    tsa = await startOpensslTsa(pki);
    const recordsTsa = new HttpRfc3161Authority({ url: tsa.url, tsaCertificate: tsa.certPem, maxSkewMs: 5_000 });
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", recordsTsa });
    url = platform.graphqlUrl;
    demo = await seedDemo(url, platform.issuer, new Date());
    actors = await demoActors(url, demo);
    const { consultId } = await runClinicalFlow(actors, "copies-1", { prescribe: false });
    const draft = await awaitDraftRecord(url, actors.physicianToken, consultId);
    signed = await signRecord(actors, "copies-1", consultId, await completeRecord(actors, "copies-1", draft));
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await tsa?.close();
    await pki?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REC-01, XC-01: the patient exports the signed record as CDA R2 (WS/T 500.2 header) and as a FHIR document Bundle; a pharmacist is refused", async () => {
    const recordId = signed.recordId;
    const cda = await query<string>("medicalRecordCda", "query ($recordId: ID!) { medicalRecordCda(recordId: $recordId) }", { recordId }, actors.patientToken);
    // The WS/T 500.2 header and body checks of the rendering's own structural test, on what the API returns.
    expect(cdaProblems(cda)).toEqual([]);
    const doc = (parseXml(cda) as { ClinicalDocument: Record<string, Record<string, unknown>> }).ClinicalDocument;
    expect(doc["versionNumber"]).toMatchObject({ "@_value": String(signed.version) });

    const fhir = await query<string>("medicalRecordFhir", "query ($recordId: ID!) { medicalRecordFhir(recordId: $recordId) }", { recordId }, actors.patientToken);
    const bundle = JSON.parse(fhir) as { resourceType: string; type: string; entry: { resource: { resourceType: string; subject?: unknown } }[] };
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "document" });
    expect(bundle.entry[0]?.resource.resourceType).toBe("Composition");
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual(expect.arrayContaining(["Patient", "Practitioner", "Organization", "Encounter", "DocumentReference"]));

    const refused = await refusal(query("medicalRecordCda", "query ($recordId: ID!) { medicalRecordCda(recordId: $recordId) }", { recordId }, actors.pharmacistToken));
    expect(refused.code).toBe("RECORD_ACCESS_DENIED");
    const log = await query<{ accessorRole: string; purpose: string; outcome: string }[]>(
      "medicalRecordAccessLog",
      "query ($recordId: ID!) { medicalRecordAccessLog(recordId: $recordId) { accessorRole purpose outcome } }",
      { recordId },
      actors.patientToken,
    );
    expect(log.filter((entry) => entry.purpose === "EXPORT").map((entry) => `${entry.accessorRole}:${entry.outcome}`).sort()).toEqual(["patient:ALLOWED", "patient:ALLOWED", "pharmacist:REFUSED"]);
  });

  it("REP-04: the signed record reaches the regulator feed as one EMR entry — ids, version, time and signature hash, no content", async () => {
    type Node = { category: string; institutionId: string; payload: { __typename: string; recordId?: string; version?: number; signerId?: string; cosigned?: boolean } | null };
    let found: Node | undefined;
    await waitFor(async () => {
      const response = await graphql<{ regulatorFeed: { edges: { node: Node }[] } }>(
        url,
        `{ regulatorFeed(first: 100) { edges { node { category institutionId payload { __typename ... on EmrEntry { recordId version signerId cosigned signedAt documentHash } } } } } }`,
        {},
        demo.tokens["regulator"],
      );
      found = response.data?.regulatorFeed.edges.map((edge) => edge.node).find((node) => node.category === "EMR" && node.payload?.recordId === signed.recordId);
      return found !== undefined;
    }, 15_000, "the EMR entry in the feed");
    expect(found).toMatchObject({ institutionId: demo.institutionId, payload: { __typename: "EmrEntry", version: signed.version, signerId: demo.staff.physicianId, cosigned: false } });
    expect(JSON.stringify(found)).not.toContain("2型糖尿病");
  });

  it("REC-10: the patient asks for a copy, records staff approve it, and anyone verifies the institution's e-seal without a token", async () => {
    const requestMutation = `mutation ($input: RequestRecordCopyInput!) { requestRecordCopy(input: $input) { requestId status applicantType recordIds copyId } }`;
    const input = { requestId: "copies-e2e-1", recordIds: [signed.recordId], applicantType: "PATIENT", applicantId: demo.patient.patientId, proofs: [{ kind: "PATIENT_ID", sha256: "cd".repeat(32) }] };
    expect((await refusal(query("requestRecordCopy", requestMutation, { input: { ...input, proofs: [] } }, actors.patientToken))).code).toBe("PROOF_MISSING");
    expect(await query("requestRecordCopy", requestMutation, { input }, actors.patientToken)).toEqual({ requestId: "copies-e2e-1", status: "REQUESTED", applicantType: "PATIENT", recordIds: [signed.recordId], copyId: null });

    const approve = `mutation ($input: ApproveRecordCopyInput!) { approveRecordCopy(input: $input) { copyId content issuedAt request { status copyId } seal { institutionId keyId algorithm value sealedHash } } }`;
    expect((await refusal(query("approveRecordCopy", approve, { input: { requestId: "copies-e2e-1" } }, actors.physicianToken))).code).toBe("COPY_APPROVER_NOT_RECORDS_STAFF");
    const officer = await staff("records-officer-e2e", "records_officer");
    const issued = await query<{ copyId: string; content: string; request: { status: string; copyId: string }; seal: Seal }>("approveRecordCopy", approve, { input: { requestId: "copies-e2e-1" } }, officer);
    expect(issued.request).toEqual({ status: "ISSUED", copyId: issued.copyId });
    expect(issued.seal.sealedHash).toBe(createHash("sha256").update(issued.content, "utf8").digest("hex"));
    expect(issued.content).toContain(signed.recordId);

    const verify = `query ($input: VerifyRecordCopyInput!) { verifyRecordCopy(input: $input) { valid reason } }`;
    expect(await query("verifyRecordCopy", verify, { input: { content: issued.content, seal: issued.seal } }, undefined)).toEqual({ valid: true, reason: null });
    expect(await query("verifyRecordCopy", verify, { input: { content: `${issued.content} `, seal: issued.seal } }, undefined)).toEqual({ valid: false, reason: "HASH_MISMATCH" });
    const published = await query<{ keyId: string; publicKey: string }>(
      "institutionSeal",
      "query ($institutionId: ID!) { institutionSeal(institutionId: $institutionId) { keyId publicKey } }",
      { institutionId: demo.institutionId },
      undefined,
    );
    expect(published.keyId).toBe(issued.seal.keyId);
    expect(published.publicKey).toContain("BEGIN PUBLIC KEY");
  });

  it("REC-08, REC-09, XC-01: administration and the regulator read the minimized access log (ids, roles, purposes, outcomes, no content); a patient is refused", async () => {
    const audit = `query ($recordId: ID, $accessorId: ID) { medicalRecordAccessAudit(recordId: $recordId, accessorId: $accessorId) { recordId accessorId accessorRole accessorInstitutionId purpose outcome reasonCode at } }`;
    const admin = await staff("admin-e2e", "institution_admin");
    const entries = await query<{ accessorRole: string; purpose: string; outcome: string }[]>("medicalRecordAccessAudit", audit, { recordId: signed.recordId }, admin);
    expect(entries).toContainEqual(expect.objectContaining({ accessorRole: "pharmacist", purpose: "EXPORT", outcome: "REFUSED", reasonCode: "RECORD_ACCESS_DENIED" }));
    expect(entries).toContainEqual(expect.objectContaining({ accessorRole: "records_officer", purpose: "COPY", outcome: "ALLOWED" }));
    expect(JSON.stringify(entries)).not.toContain("2型糖尿病");
    const regulator = await platform.issuer.issue({ subject: "regulator-national", roles: ["regulator"], tenantId: "national", kind: "human", ttlSeconds: 600 });
    const byPhysician = await query<{ accessorId: string }[]>("medicalRecordAccessAudit", audit, { accessorId: demo.staff.physicianId }, regulator);
    expect(byPhysician.length).toBeGreaterThan(0);
    expect(byPhysician.every((entry) => entry.accessorId === demo.staff.physicianId)).toBe(true);
    expect((await refusal(query("medicalRecordAccessAudit", audit, { recordId: signed.recordId }, actors.patientToken))).code).toBe("RECORD_ACCESS_DENIED");
  });

  it("REC-13: the institution cannot close its records' custody without a successor and a verified transfer; renaming keeps the record's id", async () => {
    const admin = await staff("admin-e2e", "institution_admin");
    const institutionId = demo.institutionId;
    const custody = "institutionId name successorInstitutionId verifiedFor closed";
    const rename = await query<{ name: string }>("renameCustodian", `mutation ($input: RenameCustodianInput!) { renameCustodian(input: $input) { ${custody} } }`, { input: { requestId: "custody-rename-1", institutionId, newName: "示范互联网医院（新名）" } }, admin);
    expect(rename.name).toBe("示范互联网医院（新名）");
    const record = await query<{ recordId: string; version: number }>("medicalRecord", "query ($recordId: ID!) { medicalRecord(recordId: $recordId) { recordId version } }", { recordId: signed.recordId }, actors.patientToken);
    expect(record).toEqual({ recordId: signed.recordId, version: signed.version });

    const close = `mutation ($input: CloseCustodianInput!) { closeCustodian(input: $input) { ${custody} } }`;
    expect((await refusal(query("closeCustodian", close, { input: { requestId: "custody-close-1", institutionId } }, admin))).code).toBe("SUCCESSOR_REQUIRED");
    await query("designateSuccessorCustodian", `mutation ($input: DesignateSuccessorCustodianInput!) { designateSuccessorCustodian(input: $input) { ${custody} } }`, {
      input: { requestId: "custody-successor-1", institutionId, successorInstitutionId: "successor-hospital-1", successorName: "接收医院", designationRef: "指定文书-2026-1" },
    }, admin);
    expect((await refusal(query("closeCustodian", close, { input: { requestId: "custody-close-2", institutionId } }, admin))).code).toBe("TRANSFER_NOT_VERIFIED");
    const manifest = await query<{ kind: string; id: string; sha256: string }[]>("custodyManifest", "query ($institutionId: ID!) { custodyManifest(institutionId: $institutionId) { kind id sha256 } }", { institutionId }, admin);
    expect(manifest).toContainEqual(expect.objectContaining({ kind: "RECORD", id: signed.recordId }));
    const verify = `mutation ($input: VerifyCustodyTransferInput!) { verifyCustodyTransfer(input: $input) { ${custody} } }`;
    const tampered = manifest.map((item) => (item.id === signed.recordId ? { ...item, sha256: "f".repeat(64) } : item));
    expect((await refusal(query("verifyCustodyTransfer", verify, { input: { requestId: "custody-verify-1", institutionId, transferId: "transfer-1", received: tampered } }, admin))).code).toBe("TRANSFER_MISMATCH");
    expect(await query("verifyCustodyTransfer", verify, { input: { requestId: "custody-verify-2", institutionId, transferId: "transfer-2", received: manifest } }, admin)).toMatchObject({ verifiedFor: "successor-hospital-1" });
    expect(await query("closeCustodian", close, { input: { requestId: "custody-close-3", institutionId } }, admin)).toMatchObject({ closed: true });
    const physician = await staff("physician-e2e", "physician");
    const denied = await refusal(query("custodyManifest", "query ($institutionId: ID!) { custodyManifest(institutionId: $institutionId) { id } }", { institutionId }, physician));
    expect(denied.code).toBe("CUSTODY_ADMIN_REQUIRED");
    // The gateway passes the records service's code through with its English and Chinese texts.
    expect(denied.errors[0]?.message).toContain("institution's administrator");
    expect(denied.errors[0]?.extensions?.["messageZh"]).toBe("仅本机构管理员可以办理机构更名、病历移交或注销。");
  });
});
