import { HospitalGrade } from "@ihp/contracts/identity";
import type { Grade } from "../domain/institutions/index.js";

// HospitalGrade ↔ the domain's grade names, for the gRPC adapter and the integration events. Nothing is judged
// here: an unspecified or unknown grade becomes "UNSPECIFIED", which the decider refuses with INVALID_GRADE.

const TO_PROTO: { readonly [G in Grade]: HospitalGrade } = {
  UNGRADED: HospitalGrade.HOSPITAL_GRADE_UNGRADED,
  PRIMARY: HospitalGrade.HOSPITAL_GRADE_PRIMARY,
  SECONDARY_B: HospitalGrade.HOSPITAL_GRADE_SECONDARY_B,
  SECONDARY_A: HospitalGrade.HOSPITAL_GRADE_SECONDARY_A,
  TERTIARY_B: HospitalGrade.HOSPITAL_GRADE_TERTIARY_B,
  TERTIARY_A: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
};

const FROM_PROTO: ReadonlyMap<HospitalGrade, Grade> = new Map(
  Object.entries(TO_PROTO).map(([grade, proto]) => [proto, grade as Grade]),
);

/** The domain's grade name; "UNSPECIFIED" for HOSPITAL_GRADE_UNSPECIFIED and numbers this build does not know. */
export function gradeFromProto(grade: HospitalGrade): string {
  return FROM_PROTO.get(grade) ?? "UNSPECIFIED";
}

/** A grade read back from a read model or event; an unknown one (never written by this service) is UNSPECIFIED. */
export function gradeToProto(grade: string): HospitalGrade {
  return Object.hasOwn(TO_PROTO, grade) ? TO_PROTO[grade as Grade] : HospitalGrade.HOSPITAL_GRADE_UNSPECIFIED;
}
