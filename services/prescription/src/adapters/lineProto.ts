import type { PrescriptionLine } from "@ihp/contracts/prescription";
import type { DocumentLine } from "../domain/prescriptions/index.js";

/**
 * The contract's PrescriptionLine of a line (read and published alike): the signed document's line without its id
 * and instructions, dose and quantity as the decimal text the document shows.
 */
export function lineToProto({ lineId: _lineId, instructions: _instructions, ...line }: DocumentLine): PrescriptionLine {
  return { ...line, dose: String(line.dose), quantity: String(line.quantity) };
}
