import { XMLParser, XMLValidator } from "fast-xml-parser";
import { list, pick } from "./pick.js";

/** Repeated CDA elements, always parsed as arrays. */
const ARRAYS = new Set(["templateId", "id", "component", "entry", "paragraph", "authenticator"]);

export const parseXml = (xml: string): Record<string, unknown> =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
  }).parse(xml) as Record<string, unknown>;

const at = pick;

/** WS/T 500.2 section codes (LOINC) in document order. */
export const SECTION_CODES = ["10154-3", "10164-2", "11348-0", "48765-2", "29545-1", "30954-2", "29548-5", "18776-5"];

/**
 * What a WS/T 500.2 outpatient record's CDA header and body must have; each missing piece is one line. The test
 * asserts the rendering has none, and that removing any required element from a rendering is caught.
 */
export function cdaProblems(xml: string): string[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return [`not well-formed XML: ${valid.err.msg}`];
  const doc = at(parseXml(xml), "ClinicalDocument");
  if (doc === undefined) return ["no ClinicalDocument root"];
  const problems: string[] = [];
  const need = (label: string, ok: boolean): void => {
    if (!ok) problems.push(label);
  };
  need("xmlns urn:hl7-org:v3", at(doc, "@_xmlns") === "urn:hl7-org:v3");
  need("realmCode CN", at(doc, "realmCode", "@_code") === "CN");
  need("typeId POCD_MT000040", at(doc, "typeId", "@_root") === "2.16.840.1.113883.1.3" && at(doc, "typeId", "@_extension") === "POCD_MT000040");
  need("templateId WS/T 500.2", list(doc, "templateId").some((t) => at(t, "@_root") === "2.16.156.10011.2.1.1.22"));
  need("id", typeof at(doc, "id", 0, "@_root") === "string" && typeof at(doc, "id", 0, "@_extension") === "string");
  need("code C0002", at(doc, "code", "@_code") === "C0002" && typeof at(doc, "code", "@_codeSystem") === "string");
  need("title", at(doc, "title") === "门(急)诊病历");
  need("effectiveTime", /^\d{14}\+0800$/.test(String(at(doc, "effectiveTime", "@_value"))));
  need("confidentialityCode", typeof at(doc, "confidentialityCode", "@_code") === "string");
  need("languageCode zh-CN", at(doc, "languageCode", "@_code") === "zh-CN");
  need("setId", typeof at(doc, "setId", "@_extension") === "string");
  need("versionNumber", /^\d+$/.test(String(at(doc, "versionNumber", "@_value"))));
  const role = at(doc, "recordTarget", "patientRole");
  need("recordTarget/patientRole/id", list(role, "id").length >= 2);
  need("recordTarget patient name", typeof at(role, "patient", "name") === "string");
  need("recordTarget patient administrativeGenderCode", typeof at(role, "patient", "administrativeGenderCode", "@_code") === "string");
  need("recordTarget patient birthTime", typeof at(role, "patient", "birthTime", "@_value") === "string");
  need("author time", typeof at(doc, "author", "time", "@_value") === "string");
  need("author assignedAuthor id", typeof at(doc, "author", "assignedAuthor", "id", 0, "@_extension") === "string");
  need("author name", typeof at(doc, "author", "assignedAuthor", "assignedPerson", "name") === "string");
  const custodianOrg = at(doc, "custodian", "assignedCustodian", "representedCustodianOrganization");
  need("custodian organization id", typeof at(custodianOrg, "id", 0, "@_extension") === "string");
  need("custodian organization name", typeof at(custodianOrg, "name") === "string");
  const encounter = at(doc, "componentOf", "encompassingEncounter");
  need("encompassingEncounter effectiveTime", /^\d{12}\+0800$/.test(String(at(encounter, "effectiveTime", "@_value"))));
  need("encompassingEncounter id", typeof at(encounter, "id", 0, "@_extension") === "string");
  const sections = list(doc, "component", 0, "structuredBody", "component").map((c) => at(c, "section"));
  const codes = sections.map((s) => at(s, "code", "@_code"));
  need(`structuredBody sections ${SECTION_CODES.join(" ")}`, JSON.stringify(codes.slice(0, SECTION_CODES.length)) === JSON.stringify(SECTION_CODES));
  need("after the eight sections only the code-less media section", codes.length <= SECTION_CODES.length + 1 && codes.slice(SECTION_CODES.length).every((c) => c === undefined));
  for (const s of sections) need(`section ${String(at(s, "code", "@_code"))} title and text`, typeof at(s, "title") === "string" && at(s, "text") !== undefined);
  const diagnoses = sections.find((s) => at(s, "code", "@_code") === "29548-5");
  const values = list(diagnoses, "entry").map((e) => at(e, "observation", "value"));
  need("diagnosis entries coded (xsi:type CD, code, codeSystem)", values.length > 0 && values.every((v) => at(v, "@_xsi:type") === "CD" && typeof at(v, "@_code") === "string" && typeof at(v, "@_codeSystem") === "string"));
  return problems;
}
