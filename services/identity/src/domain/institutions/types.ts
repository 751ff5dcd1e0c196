import type { JurisdictionCode } from "@ihp/jurisdiction";

/** Hospital grade (等级等次), as the contract's HospitalGrade names it. */
export const GRADES = ["UNGRADED", "PRIMARY", "SECONDARY_B", "SECONDARY_A", "TERTIARY_B", "TERTIARY_A"] as const;
export type Grade = (typeof GRADES)[number];

/**
 * 医疗机构执业许可证: registration number (登记号) and validity, civil dates "YYYY-MM-DD" in Beijing time.
 * A type alias, not an interface, so it is assignable to the JSON of event data.
 */
export type Licence = {
  readonly number: string;
  readonly validFrom: string;
  readonly validUntil: string;
};

/** A registered internet hospital as its events describe it. */
export interface Institution {
  readonly institutionId: string;
  readonly name: string;
  readonly grade: Grade;
  readonly licence: Licence;
  /** Approved diagnosis subjects (诊疗科目), sorted, no repeats. */
  readonly subjectCodes: readonly string[];
  readonly jurisdiction: JurisdictionCode;
  /** The physical institution (实体医疗机构) the internet hospital rests on. */
  readonly hostInstitutionName: string;
  readonly hostLicenceNumber: string;
  /** REP-01: connected to the supervision platform. */
  readonly regulatorConnected: boolean;
  /** The platform's confirmation reference of the last connection change; "" when none was given. */
  readonly platformReference: string;
}
