import type {
  EligibilitySettings,
  InstitutionFacts,
  PracticeInput,
  PractitionerEvent,
  PractitionerRegisteredData,
  RegisterPractitioner,
} from "../../src/domain/practitioners/index.js";

export const PRACTITIONER_ID = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
export const INSTITUTION_ID = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
/** 2026-03-02 10:00 Beijing. */
export const AT = new Date("2026-03-02T02:00:00Z");
export const PHOTO = "a".repeat(64);
export const SEALED = "v1.sealed-id-number";

export const INSTITUTION: InstitutionFacts = { institutionId: INSTITUTION_ID, subjectCodes: ["03", "07", "50.01"] };

export const NATIONAL: EligibilitySettings = {
  physicianMinIndependentYears: 3,
  pharmacistMinYears: 3,
  reviewerAffiliations: ["in_house", "contracted"],
};

export const IN_HOUSE_ONLY: EligibilitySettings = { ...NATIONAL, reviewerAffiliations: ["in_house"] };

export function practice(overrides: Partial<PracticeInput> = {}): PracticeInput {
  return {
    title: "主治医师",
    licenceNumber: "110120000012345",
    licenceValidUntil: "2030-12-31",
    scopeCodes: ["INTERNAL_MEDICINE"],
    departmentCodes: ["03.07", "03"],
    dispensingYears: 0,
    affiliation: "",
    ...overrides,
  };
}

export function registration(overrides: Partial<RegisterPractitioner> = {}): RegisterPractitioner {
  return {
    type: "RegisterPractitioner",
    practitionerId: PRACTITIONER_ID,
    institution: INSTITUTION,
    name: " 王示范 ",
    idNumberSealed: SEALED,
    profession: "PHYSICIAN",
    mainInstitutionName: "天津市示范医院",
    mainInstitutionIsHost: true,
    practiceStartedOn: "2020-07-01",
    photoHash: PHOTO,
    practice: practice(),
    at: AT,
    ...overrides,
  };
}

export const REGISTERED: PractitionerRegisteredData = {
  practitionerId: PRACTITIONER_ID,
  institutionId: INSTITUTION_ID,
  person: {
    name: "王示范",
    idNumberSealed: SEALED,
    profession: "PHYSICIAN",
    mainInstitutionName: "天津市示范医院",
    mainInstitutionIsHost: true,
    practiceStartedOn: "2020-07-01",
    photoHash: PHOTO,
  },
  practice: {
    title: "主治医师",
    licenceNumber: "110120000012345",
    licenceValidUntil: "2030-12-31",
    scopeCodes: ["INTERNAL_MEDICINE"],
    departmentCodes: ["03", "03.07"],
    dispensingYears: 0,
    affiliation: "IN_HOUSE",
  },
};

const id = PRACTITIONER_ID;

/** A physician with everything enabling needs on file, not yet enabled. */
export function ready(data: PractitionerRegisteredData = REGISTERED): PractitionerEvent[] {
  return [
    { type: "PractitionerRegistered", data },
    { type: "RegistryVerified", data: { practitionerId: id, source: "file:demo", eLicenceReference: "EL-1" } },
    { type: "IdentityVerified", data: { practitionerId: id, method: "FACE_MATCH", reference: "fm-1" } },
    {
      type: "PracticeDocumentRecorded",
      data: { practitionerId: id, kind: "REGISTERING_INSTITUTION_CONSENT", reference: "CONSENT-1" },
    },
  ];
}

/** An enabled physician. */
export function enabled(data: PractitionerRegisteredData = REGISTERED): PractitionerEvent[] {
  return [...ready(data), { type: "PractitionerEnabled", data: { practitionerId: id } }];
}

export function pharmacist(overrides: Partial<PractitionerRegisteredData["practice"]> = {}): PractitionerRegisteredData {
  return {
    ...REGISTERED,
    person: { ...REGISTERED.person, name: "赵药师", profession: "PHARMACIST" },
    practice: {
      ...REGISTERED.practice,
      title: "主管药师",
      licenceNumber: "ZY00120190001",
      scopeCodes: ["PHARMACY"],
      departmentCodes: [],
      dispensingYears: 5,
      ...overrides,
    },
  };
}
