import { HospitalGrade, hospitalGradeFromJSON, hospitalGradeToJSON } from "./gen/ihp/identity/v1/institutions.js";

/** Grade names as the domain and the GraphQL schema use them: the contract's enum names without their prefix. */
export const HOSPITAL_GRADE_NAMES = ["UNGRADED", "PRIMARY", "SECONDARY_B", "SECONDARY_A", "TERTIARY_B", "TERTIARY_A"] as const;
export type HospitalGradeName = (typeof HOSPITAL_GRADE_NAMES)[number];

const PREFIX = "HOSPITAL_GRADE_";

/** The name of a contract grade; undefined for UNSPECIFIED and for values added to the proto after this build. */
export function hospitalGradeName(grade: HospitalGrade): HospitalGradeName | undefined {
  const name = hospitalGradeToJSON(grade).slice(PREFIX.length);
  return (HOSPITAL_GRADE_NAMES as readonly string[]).includes(name) ? (name as HospitalGradeName) : undefined;
}

/** The contract grade of a name; UNSPECIFIED for a name the contract does not have. */
export function hospitalGradeOf(name: string): HospitalGrade {
  const grade = hospitalGradeFromJSON(`${PREFIX}${name}`);
  return grade === HospitalGrade.UNRECOGNIZED ? HospitalGrade.HOSPITAL_GRADE_UNSPECIFIED : grade;
}
