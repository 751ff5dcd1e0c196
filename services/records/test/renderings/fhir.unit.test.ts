import { createHash } from "node:crypto";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { ATTACHMENT_SHA256_EXTENSION, renderCda, renderFhirBundle, type FhirBundle, type FhirResource } from "../../src/renderings/index.js";
import { SECTION_CODES, cdaProblems, parseXml } from "./cdaStructure.js";
import { CONTEXT, signature, signedRecord, withChanges } from "./fixture.js";
import { list, pick, referencesIn } from "./pick.js";

const resources = (bundle: FhirBundle, type: string): FhirResource[] => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
const one = (bundle: FhirBundle, type: string): FhirResource => {
  const found = resources(bundle, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const cdaReferenceOf = (bundle: FhirBundle): FhirResource | undefined =>
  resources(bundle, "DocumentReference").find((d) => d["description"] === "HL7 CDA R2 (WS/T 500.2)");

describe("FHIR R4 document Bundle export", () => {
  it("REC-01: a document Bundle whose first entry is the Composition, with unique urn:uuid full URLs, and every reference resolves inside it", () => {
    const bundle = renderFhirBundle(signedRecord(), CONTEXT);
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "document", identifier: { value: "rec-0001.v1" }, timestamp: "2026-03-02T10:05:09+08:00" });
    expect(bundle.entry[0]!.resource.resourceType).toBe("Composition");
    const urls = bundle.entry.map((e) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const entry of bundle.entry) expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource.id}`);
    const references = referencesIn(bundle.entry.map((e) => e.resource));
    expect(references.length).toBeGreaterThan(15);
    for (const reference of references) expect(urls, reference).toContain(reference);
    expect(resources(bundle, "Practitioner")).toHaveLength(1);
    for (const type of ["Patient", "Organization", "Encounter"]) one(bundle, type);
  });

  it("REC-01: the Composition has status, type (LOINC and WS/T 500 C0002), subject, encounter, date, author, title, custodian, attester and the eight sections", () => {
    const bundle = renderFhirBundle(signedRecord(), CONTEXT);
    const composition = one(bundle, "Composition");
    expect(composition["status"]).toBe("final");
    expect(list(composition, "type", "coding").map((c) => pick(c, "code"))).toEqual(["34108-1", "C0002"]);
    expect(composition["title"]).toBe("门(急)诊病历");
    for (const field of ["subject", "encounter", "date", "author", "custodian", "confidentiality"]) expect(composition[field], field).toBeDefined();
    expect(composition["attester"]).toEqual([{ mode: "legal", time: "2026-03-02T10:05:09+08:00", party: pick(composition, "author", 0) }]);
    expect(list(composition, "section").map((s) => pick(s, "code", "coding", 0, "code"))).toEqual(SECTION_CODES);
    for (const section of list(composition, "section")) {
      expect(pick(section, "text", "status")).toBe("generated");
      expect(XMLValidator.validate(String(pick(section, "text", "div")))).toBe(true);
      expect(pick(section, "text", "div")).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">/);
    }
  });

  it("REC-01: the Patient has the platform id and the HIS 门诊号; diagnoses are ICD-10 Conditions, the main one ranked first on the Encounter", () => {
    const bundle = renderFhirBundle(signedRecord(), CONTEXT);
    const patient = one(bundle, "Patient");
    expect(list(patient, "identifier").map((i) => [pick(i, "system"), pick(i, "value")])).toEqual([
      ["urn:oid:2.16.156.10011.99.4401.1", "pat-7"],
      ["urn:oid:2.16.156.10011.1.11", "MZ0099123"],
    ]);
    expect(patient).toMatchObject({ gender: "male", birthDate: "1961-07-15" });
    const conditions = resources(bundle, "Condition");
    expect(conditions.map((c) => pick(c, "code", "coding", 0, "code"))).toEqual(["E11.900", "I10.x00"]);
    const encounter = one(bundle, "Encounter");
    const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
    const ranked = list(encounter, "diagnosis").map((d) => [pick(d, "rank"), pick(byUrl.get(String(pick(d, "condition", "reference"))), "code", "coding", 0, "code")]);
    expect(ranked).toEqual([[1, "I10.x00"], [2, "E11.900"]]);
    expect(pick(encounter, "period", "start")).toBe("2026-03-02T09:41:27+08:00");
    const diagnosisSection = list(one(bundle, "Composition"), "section").find((s) => pick(s, "title") === "诊断");
    expect(list(diagnosisSection, "entry").map((e) => pick(e, "reference"))).toEqual(conditions.map((c) => `urn:uuid:${c.id}`));
  });

  it("REC-01: the DocumentReference carries the CDA rendering with its size, SHA-1 hash (FHIR) and SHA-256 (extension)", () => {
    const record = signedRecord();
    const bundle = renderFhirBundle(record, CONTEXT);
    const cdaRef = cdaReferenceOf(bundle);
    expect(cdaRef).toMatchObject({ status: "current", docStatus: "final", masterIdentifier: { value: "rec-0001.v1" } });
    const attachment = pick(cdaRef, "content", 0, "attachment");
    const bytes = Buffer.from(String(pick(attachment, "data")), "base64");
    expect(bytes.toString("utf8")).toBe(renderCda(record, CONTEXT));
    expect(cdaProblems(bytes.toString("utf8"))).toEqual([]);
    expect(pick(attachment, "size")).toBe(bytes.length);
    expect(pick(attachment, "hash")).toBe(createHash("sha1").update(bytes).digest("base64"));
    expect(pick(attachment, "extension")).toEqual([{ url: ATTACHMENT_SHA256_EXTENSION, valueBase64Binary: createHash("sha256").update(bytes).digest("base64") }]);
  });

  it("REC-03: each media item is a DocumentReference with its content type, size and SHA-256, linked from the record's DocumentReference", () => {
    const bundle = renderFhirBundle(signedRecord(), CONTEXT);
    const refs = resources(bundle, "DocumentReference");
    const media = refs.find((d) => pick(d, "masterIdentifier", "value") === "media-1");
    expect(pick(media, "content", 0, "attachment")).toMatchObject({
      contentType: "application/json",
      size: 2048,
      extension: [{ url: ATTACHMENT_SHA256_EXTENSION, valueBase64Binary: Buffer.from("5d".repeat(32), "hex").toString("base64") }],
    });
    expect(pick(cdaReferenceOf(bundle), "context", "related")).toEqual([{ reference: `urn:uuid:${String(pick(media, "id"))}` }]);
  });

  it("REC-04/REC-05: a second version replaces the first; a draft is preliminary; a co-signer is a professional attester", () => {
    const v2 = renderFhirBundle(withChanges(signedRecord(), (r) => ({ ...r, header: { ...r.header, version: 2 } })), CONTEXT);
    expect(one(v2, "Composition")["relatesTo"]).toEqual([{ code: "replaces", targetIdentifier: { system: "urn:oid:2.16.156.10011.1.1", value: "rec-0001.v1" } }]);
    const draft = renderFhirBundle(withChanges(signedRecord(), (r) => ({ ...r, signatures: [] })), CONTEXT);
    expect(one(draft, "Composition")["status"]).toBe("preliminary");
    expect(one(draft, "Composition")["attester"]).toEqual([]);
    const cosigned = renderFhirBundle(
      withChanges(signedRecord(), (r) => ({ ...r, signatures: [...r.signatures, signature("COSIGNER", "doc-1", "张主任", "2026-03-02T03:00:00Z")] })),
      CONTEXT,
    );
    expect(resources(cosigned, "Practitioner").map((p) => pick(p, "name", 0, "text"))).toEqual(["李医生", "张主任"]);
    expect(list(one(cosigned, "Composition"), "attester").map((a) => pick(a, "mode"))).toEqual(["legal", "professional"]);
  });

  it("free text with < & \" ' stays text in the XHTML narrative; the export is deterministic", () => {
    const nasty = `a<b & "c" 'd' </p></div><script>x</script>`;
    const record = withChanges(signedRecord(), (r) => ({ ...r, sections: { ...r.sections, chiefComplaint: nasty } }));
    const bundle = renderFhirBundle(record, CONTEXT);
    const div = String(pick(one(bundle, "Composition"), "section", 0, "text", "div"));
    expect(XMLValidator.validate(div)).toBe(true);
    expect(div).not.toContain("<script");
    expect(pick(parseXml(div), "div", "p")).toBe(nasty);
    expect(JSON.stringify(renderFhirBundle(record, CONTEXT))).toBe(JSON.stringify(bundle));
    const ids = bundle.entry.map((e) => e.resource.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
