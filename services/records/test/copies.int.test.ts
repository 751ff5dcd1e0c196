import { createHash, createPublicKey, verify } from "node:crypto";
import { readdir } from "node:fs/promises";
import { AccessOutcome, CopyRequestStatus, type Record as RecordMessage, type VerifyRecordCopyRequest } from "@ihp/contracts/records";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CopiesHarness, startCopiesHarness } from "./copiesSupport.js";

// Exports, copies, minimized access logs and custody over gRPC against the real records service (copies.proto).

let h: CopiesHarness;
let record: RecordMessage;
const PROOF = "ab".repeat(32);

beforeAll(async () => {
  h = await startCopiesHarness();
  record = await h.signedRecord("0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71");
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const accessLog = async (recordId: string) =>
  (await h.records.listRecordAccess({ recordId }, { token: await h.token("patient-1", ["patient"]) })).entries;

describe("exports (REC-01)", () => {
  it("REC-01, REC-08, XC-01: the patient exports CDA R2 (WS/T 500.2 header) and a FHIR document Bundle; each export is an access event with purpose EXPORT", async () => {
    const patient = await h.token("patient-1", ["patient"]);
    const cda = (await h.exports.exportRecordCda({ recordId: record.recordId }, { token: patient })).export!;
    expect(cda).toMatchObject({ recordId: record.recordId, version: record.version, contentType: "application/hl7-cda+xml" });
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(cda.content) as { ClinicalDocument: Record<string, Record<string, unknown>> };
    const doc = xml.ClinicalDocument;
    expect(doc["templateId"]).toMatchObject({ "@root": "2.16.156.10011.2.1.1.22" });
    expect(doc["code"]).toMatchObject({ "@code": "C0002" });
    expect(doc["versionNumber"]).toMatchObject({ "@value": String(record.version) });
    expect(doc["setId"]).toMatchObject({ "@extension": record.setId });
    expect(doc["legalAuthenticator"]).toBeDefined();
    expect(cda.content).toContain("胸闷一周");

    const fhir = (await h.exports.exportRecordFhir({ recordId: record.recordId }, { token: patient })).export!;
    expect(fhir.contentType).toBe("application/fhir+json");
    const bundle = JSON.parse(fhir.content) as { resourceType: string; type: string; entry: { resource: { resourceType: string; status?: string } }[] };
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "document" });
    expect(bundle.entry[0]?.resource.resourceType).toBe("Composition");
    expect(bundle.entry.map((e) => e.resource.resourceType)).toContain("DocumentReference");

    const exports = (await accessLog(record.recordId)).filter((entry) => entry.purpose === "EXPORT");
    expect(exports).toHaveLength(2);
    expect(exports.every((entry) => entry.accessorId === "patient-1" && entry.outcome === AccessOutcome.ACCESS_OUTCOME_ALLOWED)).toBe(true);
  });

  it("REC-01, REC-09, XC-01: the custodian's own system exports over gRPC; another institution's system, a stranger and a pharmacist are refused, each refusal an access event", async () => {
    const his = await h.token("his-hosp-1", ["integration"], "hosp-1", "service");
    const cda = await h.exports.exportRecordCda({ recordId: record.recordId }, { token: his });
    expect(cda.export?.content).toContain("<ClinicalDocument");
    const otherHis = await h.token("his-hosp-2", ["integration"], "hosp-2", "service");
    await expect(h.exports.exportRecordFhir({ recordId: record.recordId }, { token: otherHis })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    const stranger = await h.token("physician-9", ["physician"]);
    await expect(h.exports.exportRecordCda({ recordId: record.recordId }, { token: stranger })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    const pharmacist = await h.token("pharmacist-1", ["pharmacist"]);
    await expect(h.exports.exportRecordCda({ recordId: record.recordId }, { token: pharmacist })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    // A system credential reads exports only: not the JSON record.
    await expect(h.records.getRecord({ recordId: record.recordId }, { token: his })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });

    const log = await accessLog(record.recordId);
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "his-hosp-1", accessorRole: "integration", purpose: "EXPORT", outcome: AccessOutcome.ACCESS_OUTCOME_ALLOWED }));
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "his-hosp-2", purpose: "EXPORT", outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED, reasonCode: "RECORD_ACCESS_DENIED" }));
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "physician-9", purpose: "EXPORT", outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED }));
    // Refused by role before the policy (a pharmacist never reads records; a system only exports): still in the log.
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "pharmacist-1", accessorRole: "pharmacist", purpose: "EXPORT", outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED, reasonCode: "RECORD_ACCESS_DENIED" }));
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "his-hosp-1", accessorRole: "integration", purpose: "", outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED }));
  });
});

describe("copies (REC-10)", () => {
  it("REC-10: a patient's request needs the patient's proof; a physician may not approve; records staff issue a copy with the institution's e-seal, verifiable by anyone", async () => {
    const patient = await h.token("patient-1", ["patient"]);
    const request = (proofs: { kind: string; sha256: string }[], requestId: string, bearer: string) =>
      h.copies.requestRecordCopy({ requestId, recordIds: [record.recordId], applicantType: "PATIENT", applicantId: "patient-1", proofs }, { token: bearer });
    await expect(request([], "copy-0", patient)).rejects.toMatchObject({ code: "PROOF_MISSING" });
    const other = await h.token("patient-2", ["patient"]);
    await expect(h.copies.requestRecordCopy({ requestId: "copy-x", recordIds: [record.recordId], applicantType: "PATIENT", applicantId: "patient-2", proofs: [{ kind: "PATIENT_ID", sha256: PROOF }] }, { token: other })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    const requested = (await request([{ kind: "PATIENT_ID", sha256: PROOF }], "copy-1", patient)).request!;
    expect(requested).toMatchObject({ requestId: "copy-1", institutionId: "hosp-1", recordIds: [record.recordId], applicantType: "PATIENT", status: CopyRequestStatus.COPY_REQUEST_STATUS_REQUESTED, copyId: "" });

    const physician = await h.token("physician-1", ["physician"]);
    await expect(h.copies.approveRecordCopy({ requestId: "copy-1" }, { token: physician })).rejects.toMatchObject({ code: "COPY_APPROVER_NOT_RECORDS_STAFF" });
    const elsewhere = await h.token("officer-9", ["records_officer"], "hosp-2");
    await expect(h.copies.approveRecordCopy({ requestId: "copy-1" }, { token: elsewhere })).rejects.toMatchObject({ code: "NOT_CUSTODIAN" });

    const officer = await h.token("officer-1", ["records_officer"]);
    const issued = await h.copies.approveRecordCopy({ requestId: "copy-1" }, { token: officer });
    expect(issued.request).toMatchObject({ status: CopyRequestStatus.COPY_REQUEST_STATUS_ISSUED, copyId: issued.copyId });
    const content = JSON.parse(issued.content) as { copyId: string; institutionId: string; records: { recordId: string; version: number; content: string }[] };
    expect(content).toMatchObject({ copyId: issued.copyId, institutionId: "hosp-1" });
    expect(content.records.map((r) => [r.recordId, r.version])).toEqual([[record.recordId, record.version]]);
    expect(content.records[0]?.content).toContain("<ClinicalDocument");
    const hash = createHash("sha256").update(issued.content, "utf8").digest("hex");
    expect(issued.seal).toMatchObject({ institutionId: "hosp-1", algorithm: "ECDSA_P256_SHA256", sealedHash: hash });
    await expect(h.copies.approveRecordCopy({ requestId: "copy-1" }, { token: officer })).rejects.toMatchObject({ code: "COPY_ALREADY_DECIDED" });

    // Anyone verifies, without a token: by the bytes, or by their hash; an altered copy or seal is not valid.
    const check = (body: VerifyRecordCopyRequest) => h.copies.verifyRecordCopy(body, {});
    expect(await check({ content: issued.content, contentSha256: "", seal: issued.seal })).toEqual({ valid: true, reason: "" });
    expect(await check({ content: "", contentSha256: hash, seal: issued.seal })).toEqual({ valid: true, reason: "" });
    expect(await check({ content: issued.content.replace("胸闷一周", "胸闷两周"), contentSha256: "", seal: issued.seal })).toEqual({ valid: false, reason: "HASH_MISMATCH" });
    const forged = { ...issued.seal!, value: Buffer.from(issued.seal!.value, "base64").reverse().toString("base64") };
    expect(await check({ content: issued.content, contentSha256: "", seal: forged })).toEqual({ valid: false, reason: "BAD_SIGNATURE" });
    expect(await check({ content: issued.content, contentSha256: "", seal: { ...issued.seal!, institutionId: "hosp-2" } })).toMatchObject({ valid: false, reason: "UNKNOWN_SEAL_KEY" });

    // Offline: the published key verifies the seal with nothing but node:crypto.
    const published = await h.copies.getInstitutionSeal({ institutionId: "hosp-1" }, {});
    expect(published.keyId).toBe(issued.seal!.keyId);
    expect(verify("sha256", Buffer.from(hash, "hex"), createPublicKey(published.publicKey), Buffer.from(issued.seal!.value, "base64"))).toBe(true);
    await expect(h.copies.getInstitutionSeal({ institutionId: "hosp-never" }, {})).rejects.toMatchObject({ code: "INSTITUTION_SEAL_NOT_FOUND" });
    // The private key is where RECORDS_SEAL_KEY_DIR says (the manifests' key claim), not in DATA_DIR.
    expect(await readdir(h.sealKeyDir)).toEqual(["hosp-1.pem"]);
    expect(await readdir(h.dataDir)).not.toContain("records-seal");

    // Issuance is logged on the record: the officer's read for the copy (purpose COPY).
    expect(await accessLog(record.recordId)).toContainEqual(expect.objectContaining({ accessorId: "officer-1", accessorRole: "records_officer", purpose: "COPY", outcome: AccessOutcome.ACCESS_OUTCOME_ALLOWED }));
  });

  it("REC-10: records staff file an agent's request at the counter, which needs the power of attorney among its proofs, and may reject it", async () => {
    const officer = await h.token("officer-1", ["records_officer"]);
    const agent = (kinds: string[], requestId: string) =>
      h.copies.requestRecordCopy({ requestId, recordIds: [record.recordId], applicantType: "AGENT", applicantId: "agent-1", proofs: kinds.map((kind) => ({ kind, sha256: PROOF })) }, { token: officer });
    await expect(agent(["PATIENT_ID", "AGENT_ID", "AGENCY_PROOF"], "copy-agent-0")).rejects.toMatchObject({ code: "PROOF_MISSING" });
    expect((await agent(["PATIENT_ID", "AGENT_ID", "AGENCY_PROOF", "POWER_OF_ATTORNEY"], "copy-agent-1")).request).toMatchObject({ applicantType: "AGENT", status: CopyRequestStatus.COPY_REQUEST_STATUS_REQUESTED });
    // Records staff may refuse it instead, with a stable reason code; a decided request is not decided again.
    expect((await h.copies.rejectRecordCopy({ requestId: "copy-agent-1", reasonCode: "PROOF_NOT_GENUINE" }, { token: officer })).request).toMatchObject({ status: CopyRequestStatus.COPY_REQUEST_STATUS_REJECTED });
    await expect(h.copies.approveRecordCopy({ requestId: "copy-agent-1" }, { token: officer })).rejects.toMatchObject({ code: "COPY_ALREADY_DECIDED" });
    await expect(h.copies.rejectRecordCopy({ requestId: "copy-agent-1", reasonCode: "free text" }, { token: officer })).rejects.toMatchObject({ code: "INVALID_RECORD_INPUT" });
    const physician = await h.token("physician-1", ["physician"]);
    await expect(h.copies.rejectRecordCopy({ requestId: "copy-agent-1", reasonCode: "X_Y" }, { token: physician })).rejects.toMatchObject({ code: "COPY_APPROVER_NOT_RECORDS_STAFF" });
    await expect(h.copies.requestRecordCopy({ requestId: "copy-agent-2", recordIds: [record.recordId], applicantType: "AGENT", applicantId: "agent-1", proofs: [] }, { token: physician })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
  });
});

describe("minimized access logs (REC-08, REC-09, XC-01)", () => {
  const FIELDS = ["accessorId", "accessorInstitutionId", "accessorRole", "at", "outcome", "purpose", "reasonCode", "recordId"];

  it("REC-09, XC-01: medical administration sees who/when/why/outcome of a record's reads and of a clinician's reads — ids and codes only", async () => {
    const stranger = await h.token("physician-9", ["physician"]);
    await expect(h.records.getRecord({ recordId: record.recordId }, { token: stranger })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    const admin = await h.token("admin-1", ["institution_admin"]);
    const byRecord = (await h.audit.listRecordAccessAudit({ recordId: record.recordId, accessorId: "" }, { token: admin })).entries;
    expect(byRecord.length).toBeGreaterThan(3);
    for (const entry of byRecord) expect(Object.keys(entry).sort()).toEqual(FIELDS);
    expect(byRecord).toContainEqual(expect.objectContaining({ recordId: record.recordId, accessorId: "physician-9", accessorRole: "physician", accessorInstitutionId: "hosp-1", outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED, reasonCode: "RECORD_ACCESS_DENIED" }));
    const text = JSON.stringify(byRecord);
    for (const clinical of ["胸闷", "心绞痛", "I20.9", "王示范"]) expect(text).not.toContain(clinical);

    const officer = await h.token("officer-1", ["records_officer"]);
    const byClinician = (await h.audit.listRecordAccessAudit({ recordId: "", accessorId: "physician-9" }, { token: officer })).entries;
    expect(byClinician.length).toBeGreaterThanOrEqual(2);
    expect(byClinician.every((entry) => entry.accessorId === "physician-9" && entry.recordId === record.recordId)).toBe(true);
  });

  it("REC-08, REC-09: the regulator of the record's jurisdiction sees it; another jurisdiction's regulator, another institution's admin, a patient and a physician are refused", async () => {
    const national = await h.token("reg-national", ["regulator"], "national");
    expect((await h.audit.listRecordAccessAudit({ recordId: record.recordId, accessorId: "" }, { token: national })).entries.length).toBeGreaterThan(0);
    const guangxi = await h.token("reg-gx", ["regulator"], "guangxi");
    await expect(h.audit.listRecordAccessAudit({ recordId: record.recordId, accessorId: "" }, { token: guangxi })).rejects.toMatchObject({ code: "NOT_CUSTODIAN" });
    // By clinician, a regulator of another jurisdiction sees nothing of this record.
    expect((await h.audit.listRecordAccessAudit({ recordId: "", accessorId: "physician-9" }, { token: guangxi })).entries).toEqual([]);
    const otherAdmin = await h.token("admin-2", ["institution_admin"], "hosp-2");
    await expect(h.audit.listRecordAccessAudit({ recordId: record.recordId, accessorId: "" }, { token: otherAdmin })).rejects.toMatchObject({ code: "NOT_CUSTODIAN" });
    for (const [subject, role] of [["patient-1", "patient"], ["physician-1", "physician"]] as const) {
      await expect(h.audit.listRecordAccessAudit({ recordId: record.recordId, accessorId: "" }, { token: await h.token(subject, [role]) })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    }
    const admin = await h.token("admin-1", ["institution_admin"]);
    await expect(h.audit.listRecordAccessAudit({ recordId: record.recordId, accessorId: "physician-9" }, { token: admin })).rejects.toMatchObject({ code: "INVALID_RECORD_INPUT" });
  });
});

describe("custody (REC-13)", () => {
  it("REC-13: a rename keeps ids; closing needs a designated successor and a transfer verified item by item", async () => {
    const admin = await h.token("admin-1", ["institution_admin"]);
    const physician = await h.token("physician-1", ["physician"]);
    await expect(h.custody.renameCustodian({ requestId: "rename-x", institutionId: "hosp-1", newName: "新名" }, { token: physician })).rejects.toMatchObject({ code: "CUSTODY_ADMIN_REQUIRED" });
    const otherAdmin = await h.token("admin-2", ["institution_admin"], "hosp-2");
    await expect(h.custody.renameCustodian({ requestId: "rename-y", institutionId: "hosp-1", newName: "新名" }, { token: otherAdmin })).rejects.toMatchObject({ code: "NOT_CUSTODIAN" });

    const renamed = await h.custody.renameCustodian({ requestId: "rename-1", institutionId: "hosp-1", newName: "示范互联网医院（更名）" }, { token: admin });
    expect(renamed.custody).toMatchObject({ institutionId: "hosp-1", name: "示范互联网医院（更名）", closed: false });
    const patient = await h.token("patient-1", ["patient"]);
    const after = (await h.records.getRecord({ recordId: record.recordId }, { token: patient })).record!;
    expect([after.recordId, after.setId, after.version, after.institutionId]).toEqual([record.recordId, record.setId, record.version, record.institutionId]);

    await expect(h.custody.closeCustodian({ requestId: "close-0", institutionId: "hosp-1" }, { token: admin })).rejects.toMatchObject({ code: "SUCCESSOR_REQUIRED" });
    const designated = await h.custody.designateSuccessor({ requestId: "succ-1", institutionId: "hosp-1", successorInstitutionId: "hosp-2", successorName: "接收医院", designationRef: "卫健委指定文书-1" }, { token: admin });
    expect(designated.custody).toMatchObject({ successorInstitutionId: "hosp-2", verifiedFor: "" });
    await expect(h.custody.closeCustodian({ requestId: "close-1", institutionId: "hosp-1" }, { token: admin })).rejects.toMatchObject({ code: "TRANSFER_NOT_VERIFIED" });

    const { items } = await h.custody.getCustodyManifest({ institutionId: "hosp-1" }, { token: admin });
    const own = items.find((item) => item.kind === "RECORD" && item.id === record.recordId);
    expect(own?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const altered = items.map((item, index) => (index === 0 ? { ...item, sha256: "0".repeat(64) } : item));
    await expect(h.custody.verifyCustodyTransfer({ requestId: "verify-0", institutionId: "hosp-1", transferId: "t-0", received: altered }, { token: admin })).rejects.toMatchObject({ code: "TRANSFER_MISMATCH" });
    await expect(h.custody.verifyCustodyTransfer({ requestId: "verify-1", institutionId: "hosp-1", transferId: "t-1", received: items.slice(1) }, { token: admin })).rejects.toMatchObject({ code: "TRANSFER_MISMATCH" });
    const verified = await h.custody.verifyCustodyTransfer({ requestId: "verify-2", institutionId: "hosp-1", transferId: "t-2", received: items }, { token: admin });
    expect(verified.custody).toMatchObject({ verifiedFor: "hosp-2" });

    const closed = await h.custody.closeCustodian({ requestId: "close-2", institutionId: "hosp-1" }, { token: admin });
    expect(closed.custody).toMatchObject({ closed: true, successorInstitutionId: "hosp-2" });
    await expect(h.custody.renameCustodian({ requestId: "rename-2", institutionId: "hosp-1", newName: "再改名" }, { token: admin })).rejects.toMatchObject({ code: "CUSTODIAN_CLOSED" });
  });
});
