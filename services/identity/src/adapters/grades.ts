import { hospitalGradeName, hospitalGradeOf, type HospitalGrade } from "@ihp/contracts/identity";

// HospitalGrade ↔ the domain's grade names, for the gRPC adapter and the integration events. Nothing is judged
// here: an unspecified or unknown grade becomes "UNSPECIFIED", which the decider refuses with INVALID_GRADE.

/** The domain's grade name; "UNSPECIFIED" for HOSPITAL_GRADE_UNSPECIFIED and numbers this build does not know. */
export function gradeFromProto(grade: HospitalGrade): string {
  return hospitalGradeName(grade) ?? "UNSPECIFIED";
}

/** A grade read back from a read model or event; an unknown one (never written by this service) is UNSPECIFIED. */
export function gradeToProto(grade: string): HospitalGrade {
  return hospitalGradeOf(grade);
}
