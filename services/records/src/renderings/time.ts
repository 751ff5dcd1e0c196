/**
 * Times in the renderings: the record keeps ISO 8601 instants; CDA wants HL7 TS (YYYYMMDDHHMM[SS]+0800) and FHIR
 * wants ISO with an offset. Both are written in Beijing time (UTC+8, no daylight saving), whatever offset the stored
 * instant had, so the same record always renders the same text.
 */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

function beijingParts(iso: string): string[] {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime()) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso)) {
    throw new Error(`Not an ISO 8601 date-time: ${JSON.stringify(iso.slice(0, 40))}`);
  }
  const shifted = new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return [shifted.slice(0, 4), shifted.slice(5, 7), shifted.slice(8, 10), shifted.slice(11, 13), shifted.slice(14, 16), shifted.slice(17, 19)];
}

/** HL7 TS in Beijing time to the minute (visit time, WS/T 500) or to the second (signatures, document time). */
export function hl7Time(iso: string, precision: "minute" | "second"): string {
  const [year, month, day, hour, minute, second] = beijingParts(iso);
  return `${year}${month}${day}${hour}${minute}${precision === "second" ? second : ""}+0800`;
}

/** HL7 TS of a date (birth date): YYYYMMDD, from YYYY-MM-DD. */
export function hl7Date(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`Not a YYYY-MM-DD date: ${JSON.stringify(date.slice(0, 20))}`);
  return date.replace(/-/g, "");
}

/** FHIR dateTime/instant in Beijing time with seconds: YYYY-MM-DDTHH:MM:SS+08:00. */
export function fhirTime(iso: string): string {
  const [year, month, day, hour, minute, second] = beijingParts(iso);
  return `${year}-${month}-${day}T${hour}:${minute}:${second}+08:00`;
}
