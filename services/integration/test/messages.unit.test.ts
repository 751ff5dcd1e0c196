import { describe, expect, it } from "vitest";
import { PRIOR_RECORD_TYPES as CONSULT_PRIOR_RECORD_TYPES } from "../../consult/src/domain/consults/types.js";
import { checkImagingReport, isDicomUid, isIcd10Code, PRIOR_RECORD_TYPES } from "../src/domain/messages.js";
import { imagingReport } from "./support/ingestFixture.js";

describe("integration message checks", () => {
  it("CON-03: the encounter record types are exactly consult's prior record types", () => {
    expect(PRIOR_RECORD_TYPES).toEqual(CONSULT_PRIOR_RECORD_TYPES);
  });

  it("DICOM UID syntax (PS3.5 §9.1): numeric components, no leading zeros, at most 64 characters", () => {
    expect(isDicomUid("1.2.840.10008.1.2.1")).toBe(true);
    expect(isDicomUid("1.2.0.3")).toBe(true);
    for (const bad of ["", "1..2", "1.02.3", "1.2.a", ".1.2", "1.2.", `1.${"2".repeat(63)}`]) expect(isDicomUid(bad)).toBe(false);
  });

  it("ICD-10 code syntax", () => {
    for (const good of ["E11", "E11.9", "I10", "J45.909", "S72.001A"]) expect(isIcd10Code(good)).toBe(true);
    for (const bad of ["e11.9", "11.9", "E1", "E11.", "diabetes"]) expect(isIcd10Code(bad)).toBe(false);
  });

  it("REC-08: an imaging report without pixel data: https DICOMweb URL, DICOM modality code", () => {
    expect(checkImagingReport(imagingReport)).toBeUndefined();
    expect(checkImagingReport({ ...imagingReport, retrieveUrl: "https://user:pw@pacs.example/studies/1" })?.code).toBe("INVALID_IMAGING_REPORT");
    expect(checkImagingReport({ ...imagingReport, modality: "computed tomography" })?.code).toBe("INVALID_IMAGING_REPORT");
  });
});
