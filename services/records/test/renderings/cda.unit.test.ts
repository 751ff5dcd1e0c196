import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { NOT_EXAMINED_TEXT } from "../../src/domain/document.js";
import { renderCda } from "../../src/renderings/index.js";
import { SECTION_CODES, cdaProblems, parseXml } from "./cdaStructure.js";
import { CONTEXT, signature, signedRecord, withChanges } from "./fixture.js";
import { list, pick } from "./pick.js";

const docOf = (xml: string): unknown => pick(parseXml(xml), "ClinicalDocument");
const sectionsOf = (doc: unknown): unknown[] => list(doc, "component", 0, "structuredBody", "component").map((c) => pick(c, "section"));
const sectionOf = (doc: unknown, code: string): unknown => sectionsOf(doc).find((s) => pick(s, "code", "@_code") === code);
const sectionText = (doc: unknown, code: string): string[] => list(sectionOf(doc, code), "text", "paragraph").map(String);

/** Removes the first element with this tag (self-closing or with content) from a rendering. */
function without(xml: string, tag: string): string {
  const match = new RegExp(`\\s*<${tag}(\\s[^>]*)?(/>|>[\\s\\S]*?</${tag}>)`).exec(xml);
  if (!match) throw new Error(`no <${tag}> in the rendering`);
  return xml.slice(0, match.index) + xml.slice(match.index + match[0].length);
}

describe("CDA R2 rendering (WS/T 500.2 门(急)诊病历)", () => {
  it("REC-01: the rendering of a signed record has every required header element and the eight sections in order", () => {
    const xml = renderCda(signedRecord(), CONTEXT);
    expect(cdaProblems(xml)).toEqual([]);
    const doc = docOf(xml);
    expect(pick(doc, "templateId", 0, "@_root")).toBe("2.16.156.10011.2.1.1.22");
    expect(pick(doc, "id", 0)).toMatchObject({ "@_root": "2.16.156.10011.1.1", "@_extension": "rec-0001.v1" });
    expect(pick(doc, "setId", "@_extension")).toBe("set-0001");
    expect(pick(doc, "versionNumber", "@_value")).toBe("1");
    expect(sectionsOf(doc).map((s) => pick(s, "code", "@_code"))).toEqual([...SECTION_CODES, undefined]);
    expect(sectionsOf(doc).map((s) => pick(s, "title"))).toEqual(["主诉", "现病史", "既往史", "过敏史", "体格检查", "辅助检查", "诊断", "治疗处理意见", "诊疗过程资料"]);
  });

  it("REC-01: the patient carries the HIS 门诊号 and the platform id; times are Beijing time, the visit to the minute", () => {
    const doc = docOf(renderCda(signedRecord(), CONTEXT));
    const ids = list(doc, "recordTarget", "patientRole", "id");
    expect(ids).toContainEqual({ "@_root": "2.16.156.10011.1.11", "@_extension": "MZ0099123" });
    expect(ids).toContainEqual({ "@_root": "2.16.156.10011.99.4401.1", "@_extension": "pat-7" });
    expect(pick(doc, "recordTarget", "patientRole", "patient", "birthTime", "@_value")).toBe("19610715");
    expect(pick(doc, "componentOf", "encompassingEncounter", "effectiveTime", "@_value")).toBe("202603020941+0800");
    expect(pick(doc, "componentOf", "encompassingEncounter", "code", "@_displayName")).toBe("复诊");
    expect(pick(doc, "effectiveTime", "@_value")).toBe("20260302100509+0800");
    expect(pick(doc, "legalAuthenticator", "time", "@_value")).toBe("20260302100509+0800");
    expect(pick(doc, "legalAuthenticator", "assignedEntity", "assignedPerson", "name")).toBe("李医生");
    expect(pick(doc, "custodian", "assignedCustodian", "representedCustodianOrganization", "name")).toBe("广州市第一人民医院");
  });

  it("REC-01: a missing required element is caught by the structure check (each one, and a missing section)", () => {
    const xml = renderCda(signedRecord(), CONTEXT);
    const required = ["realmCode", "typeId", "templateId", "title", "effectiveTime", "confidentialityCode", "languageCode", "setId", "versionNumber", "recordTarget", "author", "custodian", "componentOf"];
    for (const tag of required) expect(cdaProblems(without(xml, tag)), tag).not.toEqual([]);
    expect(cdaProblems(xml.replace('code="48765-2"', 'code="00000-0"'))).toContain(`structuredBody sections ${SECTION_CODES.join(" ")}`);
    expect(cdaProblems(xml.replace("<title>门(急)诊病历</title>", "<title>门诊</title"))[0]).toMatch(/well-formed/);
  });

  it("REC-01: diagnoses are ICD-10 coded entries with the edition, the main one marked", () => {
    const doc = docOf(renderCda(signedRecord(), CONTEXT));
    const entries = list(sectionOf(doc, "29548-5"), "entry").map((e) => pick(e, "observation"));
    expect(entries.map((o) => [pick(o, "value", "@_code"), pick(o, "value", "@_displayName"), pick(o, "priorityCode", "@_code")])).toEqual([
      ["E11.900", "2型糖尿病", "2"],
      ["I10.x00", "原发性高血压", "1"],
    ]);
    expect(pick(entries[0], "value")).toMatchObject({ "@_xsi:type": "CD", "@_codeSystem": "2.16.156.10011.2.3.3.11", "@_codeSystemName": "ICD-10 国家临床版 2.0" });
  });

  it("REC-01: a remote consult renders 体格检查 as not examined; an examination renders its findings", () => {
    expect(sectionText(docOf(renderCda(signedRecord(), CONTEXT)), "29545-1")).toEqual([NOT_EXAMINED_TEXT]);
    const examined = withChanges(signedRecord(), (r) => ({ ...r, sections: { ...r.sections, physicalExamination: { examined: true, findings: "BP 150/95 mmHg" } } }));
    expect(sectionText(docOf(renderCda(examined, CONTEXT)), "29545-1")).toEqual(["BP 150/95 mmHg"]);
  });

  it("REC-01: the prior offline record, the report and the prescription are linked by id", () => {
    const xml = renderCda(signedRecord(), CONTEXT);
    const doc = docOf(xml);
    const linked = (code: string): unknown[] =>
      list(sectionOf(doc, code), "entry").map((e) => pick(e, "act", "reference", "externalDocument", "id", 0, "@_extension"));
    expect(linked("10164-2")).toEqual(["HIS-MZ-20260110-77"]);
    expect(linked("30954-2")).toEqual(["lab-900"]);
    expect(linked("18776-5")).toEqual(["rx-31"]);
    expect(sectionText(doc, "18776-5")).toContain("处方 RX20260302000031");
  });

  it("REC-01: the consult's media are attached as observationMedia with their SHA-256; without media there is no media section", () => {
    const doc = docOf(renderCda(signedRecord(), CONTEXT));
    const media = sectionsOf(doc).find((s) => pick(s, "title") === "诊疗过程资料");
    const observation = pick(list(media, "entry")[0], "observationMedia");
    expect(pick(observation, "id", 0)).toEqual({ "@_root": "2.16.156.10011.99.4401.6", "@_extension": "media-1" });
    expect(pick(observation, "value")).toMatchObject({
      "@_mediaType": "application/json",
      "@_integrityCheckAlgorithm": "SHA-256",
      "@_integrityCheck": Buffer.from("5d".repeat(32), "hex").toString("base64"),
    });
    expect(pick(observation, "value", "reference", "@_value")).toBe(`urn:sha256:${"5d".repeat(32)}`);
    const bare = docOf(renderCda(withChanges(signedRecord(), (r) => ({ ...r, media: [] })), CONTEXT));
    expect(sectionsOf(bare).map((s) => pick(s, "title"))).not.toContain("诊疗过程资料");
    expect(cdaProblems(renderCda(withChanges(signedRecord(), (r) => ({ ...r, media: [] })), CONTEXT))).toEqual([]);
  });

  it("free text with < & \" ' and markup stays text: the XML is well-formed and parses back to the same strings", () => {
    const nasty = `血压<140 & "偏高" 'x' </text></section><evil attr="1"/> ]]> \u0001end`;
    const record = withChanges(signedRecord(), (r) => ({
      ...r,
      header: { ...r.header, department: { ...r.header.department, code: `a"b'c<d>&e` }, patient: { ...r.header.patient, name: "A&B <王>" } },
      sections: { ...r.sections, chiefComplaint: nasty },
    }));
    const xml = renderCda(record, CONTEXT);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain("<evil");
    expect(cdaProblems(xml)).toEqual([]);
    const doc = docOf(xml);
    expect(sectionText(doc, "10154-3")).toEqual([nasty.replace("\u0001", "")]);
    expect(pick(doc, "recordTarget", "patientRole", "patient", "name")).toBe("A&B <王>");
    const department = pick(doc, "componentOf", "encompassingEncounter", "location", "healthCareFacility", "serviceProviderOrganization");
    expect(pick(department, "id", 0, "@_extension")).toBe(`a"b'c<d>&e`);
  });

  it("REC-04: a second version names the version it replaces; the first has no related document", () => {
    expect(pick(docOf(renderCda(signedRecord(), CONTEXT)), "relatedDocument")).toBeUndefined();
    const v2 = withChanges(signedRecord(), (r) => ({ ...r, header: { ...r.header, version: 2 } }));
    const doc = docOf(renderCda(v2, CONTEXT));
    expect(pick(doc, "id", 0, "@_extension")).toBe("rec-0001.v2");
    expect(pick(doc, "relatedDocument", "@_typeCode")).toBe("RPLC");
    expect(pick(doc, "relatedDocument", "parentDocument", "id", 0, "@_extension")).toBe("rec-0001.v1");
  });

  it("REC-05: a draft has no legal authenticator and dates from the visit; a co-signature is an authenticator", () => {
    const draft = withChanges(signedRecord(), (r) => ({ ...r, signatures: [] }));
    const draftDoc = docOf(renderCda(draft, CONTEXT));
    expect(pick(draftDoc, "legalAuthenticator")).toBeUndefined();
    expect(pick(draftDoc, "effectiveTime", "@_value")).toBe("20260302094127+0800");
    const cosigned = withChanges(signedRecord(), (r) => ({ ...r, signatures: [...r.signatures, signature("COSIGNER", "doc-1", "张主任", "2026-03-02T03:00:00Z")] }));
    const authenticator = pick(docOf(renderCda(cosigned, CONTEXT)), "authenticator", 0);
    expect(pick(authenticator, "assignedEntity", "assignedPerson", "name")).toBe("张主任");
    expect(pick(authenticator, "time", "@_value")).toBe("20260302110000+0800");
  });

  it("an unknown HIS id is a null-flavoured id; the same record renders the same bytes; a bad OID arc is refused", () => {
    const noHis = withChanges(signedRecord(), (r) => ({ ...r, header: { ...r.header, patient: { ...r.header.patient, hisPatientId: null } } }));
    const ids = list(docOf(renderCda(noHis, CONTEXT)), "recordTarget", "patientRole", "id");
    expect(ids[0]).toEqual({ "@_root": "2.16.156.10011.1.11", "@_nullFlavor": "UNK" });
    expect(renderCda(signedRecord(), CONTEXT)).toBe(renderCda(signedRecord(), CONTEXT));
    expect(() => renderCda(signedRecord(), { oidRoot: "urn:x" })).toThrow(/oidRoot/);
  });
});
