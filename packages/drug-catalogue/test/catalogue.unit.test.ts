import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  CatalogueError,
  SAMPLE_CATALOGUE_URL,
  SPECIAL_CLASSES,
  parseCatalogue,
  sampleCatalogue,
  type Drug,
} from "../src/index.js";

async function sampleJson(): Promise<{ drugs: Record<string, unknown>[]; interactions: Record<string, unknown>[] }> {
  return JSON.parse(await readFile(SAMPLE_CATALOGUE_URL, "utf8")) as never;
}

function refusal(text: string): string {
  try {
    parseCatalogue(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueError);
    return (error as CatalogueError).message;
  }
  throw new Error("expected the catalogue to be refused");
}

describe("sample catalogue", () => {
  it("loads with its version and the SHA-256 of the file", async () => {
    const catalogue = await sampleCatalogue();
    expect(catalogue.version).toBe("2026.01-sample.1");
    expect(catalogue.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parseCatalogue(await readFile(SAMPLE_CATALOGUE_URL, "utf8")).sha256).toBe(catalogue.sha256);
    expect(catalogue.drugs().length).toBeGreaterThanOrEqual(25);
  });

  it("RX-04: has at least one drug of every special class, a Guangxi high-risk drug and an antimicrobial", async () => {
    const drugs = (await sampleCatalogue()).drugs();
    for (const special of SPECIAL_CLASSES) expect(drugs.some((d) => d.specialClasses.includes(special))).toBe(true);
    expect(drugs.some((d) => d.highRisk)).toBe(true);
    expect(drugs.find((d) => d.code === "amoxicillin-cap-0.25g")?.antimicrobial).toBe(true);
  });

  it("RX-09: has decoction pieces, Chinese patent medicines and a weight-dosed paediatric drug", async () => {
    const drugs = (await sampleCatalogue()).drugs();
    expect(drugs.filter((d) => d.category === "TCM_DECOCTION_PIECE").length).toBeGreaterThanOrEqual(2);
    expect(drugs.some((d) => d.category === "CHINESE_PATENT")).toBe(true);
    expect(drugs.some((d) => d.dose.weightBased === true)).toBe(true);
  });

  it("looks drugs up by code and returns frozen entries", async () => {
    const catalogue = await sampleCatalogue();
    const morphine = catalogue.drug("morphine-hcl-tab-10mg");
    expect(morphine?.specialClasses).toEqual(["NARCOTIC"]);
    expect(Object.isFrozen(morphine)).toBe(true);
    expect(catalogue.drug("no-such-drug")).toBeUndefined();
  });

  it("finds interactions by therapeutic class or code, in either order", async () => {
    const catalogue = await sampleCatalogue();
    const get = (code: string): Drug => catalogue.drug(code)!;
    const warfarin = get("warfarin-sodium-tab-2.5mg");
    const aspirin = get("aspirin-ec-tab-100mg");
    expect(catalogue.interactionsBetween(warfarin, aspirin).map((x) => x.severity)).toEqual(["MAJOR"]);
    expect(catalogue.interactionsBetween(aspirin, warfarin).map((x) => x.severity)).toEqual(["MAJOR"]);
    expect(
      catalogue.interactionsBetween(get("omeprazole-ec-cap-20mg"), get("clopidogrel-bisulfate-tab-75mg"))[0]?.severity,
    ).toBe("MODERATE");
    expect(
      catalogue.interactionsBetween(get("glycyrrhizae-radix-piece"), get("sargassum-piece"))[0]?.severity,
    ).toBe("CONTRAINDICATED");
    expect(catalogue.interactionsBetween(get("metformin-hcl-tab-0.5g"), aspirin)).toEqual([]);
  });
});

describe("parseCatalogue refusals", () => {
  it("refuses text that is not JSON", () => {
    expect(refusal("{")).toMatch(/not JSON/);
  });

  it("refuses a wrong header", async () => {
    const json = { ...(await sampleJson()), formatVersion: 2 };
    expect(refusal(JSON.stringify(json))).toMatch(/header.*formatVersion/);
  });

  it("names the bad entry by index and code and the field at fault", async () => {
    const json = await sampleJson();
    json.drugs[3] = { ...json.drugs[3], dose: { unit: "mg", minPerDose: 0, maxPerDose: 1, maxPerDay: 1 } };
    expect(refusal(JSON.stringify(json))).toMatch(/drugs\[3\] \(code "atorvastatin-calcium-tab-20mg"\).*dose\.minPerDose/);
  });

  it("refuses a dose range whose maximum per dose exceeds the daily maximum", async () => {
    const json = await sampleJson();
    json.drugs[0] = { ...json.drugs[0], dose: { unit: "mg", minPerDose: 1, maxPerDose: 10, maxPerDay: 5 } };
    expect(refusal(JSON.stringify(json))).toMatch(/drugs\[0\].*maxPerDose is above maxPerDay/);
  });

  it("refuses unknown special classes and unknown fields", async () => {
    const json = await sampleJson();
    json.drugs[1] = { ...json.drugs[1], specialClasses: ["OPIATE"] };
    expect(refusal(JSON.stringify(json))).toMatch(/drugs\[1\].*specialClasses\.0/);
    const extra = await sampleJson();
    extra.drugs[2] = { ...extra.drugs[2], colour: "red" };
    expect(refusal(JSON.stringify(extra))).toMatch(/drugs\[2\].*colour/);
  });

  it("refuses duplicate codes", async () => {
    const json = await sampleJson();
    json.drugs.push(json.drugs[0]!);
    expect(refusal(JSON.stringify(json))).toMatch(/repeats the code/);
  });

  it("refuses an interaction naming neither a code nor a class of the catalogue", async () => {
    const json = await sampleJson();
    json.interactions.push({ a: "statin", b: "grapefruit", severity: "MAJOR", note: "x" });
    expect(refusal(JSON.stringify(json))).toMatch(/interactions\[\d+\].*"grapefruit"/);
  });

  it("refuses a decoction piece dosed in anything but grams", async () => {
    const json = await sampleJson();
    const index = json.drugs.findIndex((d) => d.category === "TCM_DECOCTION_PIECE");
    json.drugs[index] = { ...json.drugs[index], dose: { unit: "mg", minPerDose: 1, maxPerDose: 2, maxPerDay: 2 } };
    expect(refusal(JSON.stringify(json))).toMatch(/dose\.unit/);
  });
});
