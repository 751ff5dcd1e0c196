import { Sex } from "./gen/ihp/identity/v1/patients.js";

/** The sex codes the domains record (GB/T 2261.1 letters), by contract value. */
const CODES: ReadonlyMap<Sex, "M" | "F" | "U"> = new Map([
  [Sex.SEX_MALE, "M"],
  [Sex.SEX_FEMALE, "F"],
  [Sex.SEX_UNKNOWN, "U"],
]);

/** The code of a contract value; "" for UNSPECIFIED and for values added to the proto after this build. */
export function sexCode(sex: Sex): "M" | "F" | "U" | "" {
  return CODES.get(sex) ?? "";
}

/** The contract value of a code; UNSPECIFIED for anything else. */
export function sexOfCode(code: string): Sex {
  return [...CODES].find(([, candidate]) => candidate === code)?.[0] ?? Sex.SEX_UNSPECIFIED;
}
