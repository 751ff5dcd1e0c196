/**
 * What the clinical checks and signatures need to know about practitioners. Identity's practitioners slice provides
 * it (application/practitioners/practitionerAccess.ts); the shape is repeated here so that sessions and signing
 * depend on the questions, not on that slice's internals. Refusals are DomainErrors with that slice's codes.
 */
export type Profession = "PHYSICIAN" | "NURSE" | "PHARMACIST";

export interface PractitionerAccess {
  requireReceiving(input: {
    practitionerId: string;
    institutionId: string;
    departmentCode: string;
    now: Date;
  }): Promise<{ profession: Profession }>;
  requireReviewer(input: {
    pharmacistId: string;
    institutionId: string;
    now: Date;
  }): Promise<{ affiliation: "IN_HOUSE" | "CONTRACTED"; dispensingYears: number }>;
  signer(
    practitionerId: string,
    now: Date,
  ): Promise<{ name: string; profession: Profession; institutionId: string; active: boolean } | undefined>;
}

/** The platform role a practitioner's token carries. */
export function roleOf(profession: Profession): "physician" | "nurse" | "pharmacist" {
  switch (profession) {
    case "PHYSICIAN":
      return "physician";
    case "NURSE":
      return "nurse";
    case "PHARMACIST":
      return "pharmacist";
  }
}
