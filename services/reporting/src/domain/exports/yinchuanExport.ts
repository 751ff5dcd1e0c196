import type { BigDataExportRecordType } from "@ihp/jurisdiction";
import type { RegulatorMessage } from "../delivery/regulatorMessage.js";

// REP-08 (Yinchuan art. 11): the daily transmission and backup to the Smart Yinchuan big-data centre — one JSON-lines
// file per record type the profile names, with a SHA-256 per file and a manifest. Pure: the caller reads the day's
// messages from the log, hashes, writes and records.

/** The regulator feed's categories each record type is made of. */
export const EXPORT_CATEGORIES: Readonly<Record<BigDataExportRecordType, readonly string[]>> = {
  // Signed and voided e-prescriptions.
  e_prescription: ["PRESCRIPTION"],
  // Signed outpatient records (the feed's EMR entries, from the records service).
  outpatient_record: ["EMR"],
  // The outpatient log: every consult started, completed, terminated or refused.
  outpatient_log: ["CONSULT"],
};

export interface ExportFile {
  readonly recordType: BigDataExportRecordType;
  readonly fileName: string;
  /** JSON lines, one minimum-necessary message per line, in log order; "" when the day had none. */
  readonly content: string;
  readonly count: number;
}

export interface ExportManifest {
  readonly exportKind: "smart_yinchuan";
  readonly day: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly profileVersion: string;
  readonly generatedAt: string;
  readonly files: readonly { readonly recordType: BigDataExportRecordType; readonly fileName: string; readonly count: number; readonly sha256: string }[];
}

/** The Beijing day before `now`'s Beijing day, and its bounds in UTC: [00:00+08, next 00:00+08). */
export function previousBeijingDay(now: Date): { readonly day: string; readonly from: string; readonly to: string } {
  const beijingMidnight = Math.floor((now.getTime() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
  const from = new Date(beijingMidnight - 86_400_000);
  const day = new Date(from.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return { day, from: from.toISOString(), to: new Date(beijingMidnight).toISOString() };
}

/** Whether a fact's time falls in the period (from inclusive, to exclusive). */
export function inPeriod(occurredAt: string, period: { readonly from: string; readonly to: string }): boolean {
  const at = Date.parse(occurredAt);
  return at >= Date.parse(period.from) && at < Date.parse(period.to);
}

/** One file per record type the profile names; each line a message's id, type, institution, time and body only. */
export function exportFiles(day: string, recordTypes: readonly BigDataExportRecordType[], messages: readonly RegulatorMessage[]): ExportFile[] {
  return recordTypes.map((recordType) => {
    const categories = EXPORT_CATEGORIES[recordType];
    const lines = messages
      .filter((message) => categories.includes(message.type.split(".")[0] ?? ""))
      .map(({ messageId, type, institutionId, occurredAt, body }) => JSON.stringify({ messageId, type, institutionId, occurredAt, body }));
    return { recordType, fileName: `${day}-${recordType}.jsonl`, content: lines.map((line) => `${line}\n`).join(""), count: lines.length };
  });
}

export function exportManifest(
  files: readonly ExportFile[],
  sha256: (content: string) => string,
  facts: { readonly day: string; readonly period: { readonly from: string; readonly to: string }; readonly profileVersion: string; readonly generatedAt: string },
): ExportManifest {
  return {
    exportKind: "smart_yinchuan",
    ...facts,
    files: files.map(({ recordType, fileName, count, content }) => ({ recordType, fileName, count, sha256: sha256(content) })),
  };
}
