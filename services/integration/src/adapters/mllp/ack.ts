import { formatHl7DateTime, type Hl7Message, Hl7Segment } from "@medplum/core";

export type AckCode = "AA" | "AE" | "AR";

/** HL7 table 0357 (message error condition codes) used in ERR-3. */
export const HL7_ERROR = {
  REQUIRED_FIELD_MISSING: "101",
  DATA_TYPE_ERROR: "102",
  UNSUPPORTED_MESSAGE_TYPE: "200",
  UNSUPPORTED_PROCESSING_ID: "202",
  UNSUPPORTED_VERSION: "203",
  UNKNOWN_KEY: "204",
  APPLICATION_ERROR: "207",
} as const;

export interface AckContent {
  readonly code: AckCode;
  /** MSA-3 text: "ACCEPTED", "DUPLICATE", or the refusal's stable code and plain reason. */
  readonly text: string;
  readonly error?: { readonly hl7Code: string; readonly code: string; readonly reason: string };
}

/** Escapes the HL7 delimiters in a text we put in a field (our own codes and reasons, never the sender's data). */
export function escapeHl7(value: string): string {
  return value.replace(/[\\|^&~\r\n]/g, (c) => ({ "\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "&": "\\T\\", "~": "\\R\\" })[c] ?? " ");
}

function errSegment(error: NonNullable<AckContent["error"]>): string[] {
  return ["ERR", "", "", `${error.hl7Code}^^HL70357`, "E", `${escapeHl7(error.code)}^${escapeHl7(error.reason)}^IHP`];
}

/** The ACK of a parsed message, built by the parser's own buildAck (MSH-5/6 ← MSH-3/4, MSA-2 = MSH-10). */
export function ackFor(message: Hl7Message, content: AckContent): string {
  const ack = message.buildAck({ ackCode: content.code });
  ack.setSegment("MSA", new Hl7Segment(["MSA", content.code, ack.getSegment("MSA")?.getComponent(2, 1) ?? "", escapeHl7(content.text)], ack.context));
  if (content.error !== undefined) ack.segments.push(new Hl7Segment(errSegment(content.error), ack.context));
  return ack.toString();
}

/** The ACK of bytes that are no HL7 message at all (no MSH to answer to): MSA-2 empty. */
export function bareAck(institutionId: string, content: AckContent, now: Date): string {
  const msh = ["MSH", "^~\\&", "IHP", escapeHl7(institutionId), "", "", formatHl7DateTime(now), "", "ACK", String(now.getTime()), "P", "2.5.1"].join("|");
  const segments = [msh, ["MSA", content.code, "", escapeHl7(content.text)].join("|")];
  if (content.error !== undefined) segments.push(errSegment(content.error).join("|"));
  return segments.join("\r");
}
