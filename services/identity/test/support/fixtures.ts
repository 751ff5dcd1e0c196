import { DomainError } from "@ihp/eventsourcing";
import type { InstitutionRegisteredData, RegisterInstitution } from "../../src/domain/institutions/index.js";

export const ID = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
export const AT = new Date("2026-03-02T02:00:00Z");

export function registration(overrides: Partial<RegisterInstitution> = {}): RegisterInstitution {
  return {
    type: "RegisterInstitution",
    institutionId: ID,
    name: "  天津市示范互联网医院 ",
    grade: "TERTIARY_A",
    licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
    subjectCodes: ["03.07", "03", "50.01", "03"],
    jurisdiction: "tianjin",
    hostInstitutionName: "天津市示范医院",
    hostLicenceNumber: "PDY00001X12010217A0001",
    at: AT,
    ...overrides,
  };
}

/** What `registration()` records: trimmed name, sorted subjects without repeats. */
export const REGISTERED: InstitutionRegisteredData = {
  institutionId: ID,
  name: "天津市示范互联网医院",
  grade: "TERTIARY_A",
  licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
  subjectCodes: ["03", "03.07", "50.01"],
  jurisdiction: "tianjin",
  hostInstitutionName: "天津市示范医院",
  hostLicenceNumber: "PDY00001X12010217A0001",
};

/** The code of the DomainError a piece of work is refused with; fails the test when it is not refused. */
export async function refusalCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error("expected a refusal");
}
