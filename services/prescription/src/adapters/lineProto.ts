import type { PrescriptionLine } from "@ihp/contracts/prescription";
import type { DocumentLine } from "../domain/prescriptions/index.js";

/** The contract's PrescriptionLine of a recorded line: without its id, dose and quantity as the decimal text the document shows. */
export function lineToProto({ lineId: _lineId, ...line }: DocumentLine): PrescriptionLine {
  return { ...line, dose: String(line.dose), quantity: String(line.quantity) };
}
