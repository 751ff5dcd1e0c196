import { hospitalGradeName, hospitalGradeOf, type HospitalGrade, type HospitalGradeName } from "@ihp/contracts/identity";

/** GraphQL enum HospitalGrade: the contract's names (the proto's UNSPECIFIED has none, since an input must name one). */
export type { HospitalGradeName };

export function gradeToProto(name: HospitalGradeName): HospitalGrade {
  return hospitalGradeOf(name);
}

/** Null for UNSPECIFIED or a value added to the proto after this gateway was built: the field is nullable for that. */
export function gradeFromProto(grade: HospitalGrade): HospitalGradeName | null {
  return hospitalGradeName(grade) ?? null;
}
