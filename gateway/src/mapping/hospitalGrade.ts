import { HospitalGrade } from "@ihp/contracts/identity";

/** GraphQL enum HospitalGrade; the proto's UNSPECIFIED has no GraphQL value, since an input must name a grade. */
export type HospitalGradeName = "UNGRADED" | "PRIMARY" | "SECONDARY_B" | "SECONDARY_A" | "TERTIARY_B" | "TERTIARY_A";

const TO_PROTO: Record<HospitalGradeName, HospitalGrade> = {
  UNGRADED: HospitalGrade.HOSPITAL_GRADE_UNGRADED,
  PRIMARY: HospitalGrade.HOSPITAL_GRADE_PRIMARY,
  SECONDARY_B: HospitalGrade.HOSPITAL_GRADE_SECONDARY_B,
  SECONDARY_A: HospitalGrade.HOSPITAL_GRADE_SECONDARY_A,
  TERTIARY_B: HospitalGrade.HOSPITAL_GRADE_TERTIARY_B,
  TERTIARY_A: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
};

const FROM_PROTO = new Map<HospitalGrade, HospitalGradeName>(
  (Object.entries(TO_PROTO) as [HospitalGradeName, HospitalGrade][]).map(([name, grade]) => [grade, name]),
);

export function gradeToProto(name: HospitalGradeName): HospitalGrade {
  return TO_PROTO[name];
}

/** Null for UNSPECIFIED or a value added to the proto after this gateway was built: the field is nullable for that. */
export function gradeFromProto(grade: HospitalGrade): HospitalGradeName | null {
  return FROM_PROTO.get(grade) ?? null;
}
