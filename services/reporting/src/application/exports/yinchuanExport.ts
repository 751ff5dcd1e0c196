import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type EventStore, type LogPosition, START, uuidv7, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { profileAt } from "@ihp/jurisdiction";
import type { Logger } from "@ihp/platform";
import { namesTestAccount, type RegulatorMessage, toRegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { type ExportManifest, exportFiles, exportManifest, inPeriod, previousBeijingDay } from "../../domain/exports/yinchuanExport.js";
import { feedRecordOf } from "../feedQueries.js";

export const YINCHUAN_EXPORT_COMPLETED = "YinchuanExportCompleted";
const READ_BATCH = 1_000;
const ACTOR = "reporting-yinchuan-export";

export interface YinchuanExportDeps {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** YINCHUAN_EXPORT_DIR: one folder per day (YYYY-MM-DD) with the files and manifest.json. */
  readonly dir: string;
  /** Test and demo accounts (REGULATOR_DELIVERY_FILE's list): never exported, as they are never delivered. */
  readonly testAccounts?: ReadonlySet<string> | undefined;
}

export type ExportOutcome =
  | { readonly day: string; readonly status: "EXPORTED" | "ALREADY_EXPORTED"; readonly manifest: ExportManifest }
  | { readonly day: string; readonly status: "NOT_REQUIRED" };

const exportStreamId = (day: string): string => `reporting-export-yinchuan-${day}`;
const sha256 = (content: string): string => createHash("sha256").update(content, "utf8").digest("hex");

/** Writes a file whole or not at all: a reader never sees half a file, and a rerun overwrites a leftover. */
async function writeWhole(path: string, content: string): Promise<void> {
  await writeFile(`${path}.partial`, content, { mode: 0o600 });
  await rename(`${path}.partial`, path);
}

/**
 * REP-08 (Yinchuan art. 11): the previous Beijing day's e-prescriptions, outpatient records and outpatient log of
 * the institutions the feed routes to Yinchuan, exported for the Smart Yinchuan big-data centre when the Yinchuan
 * profile in force that day asks for it. Idempotent per day: the completion is a YinchuanExportCompleted event in the
 * day's own stream (counts, checksums, period, profile version), and a day already recorded is not exported again.
 */
export function yinchuanExport(deps: YinchuanExportDeps) {
  const { store, clock, logger, dir } = deps;
  const testAccounts = deps.testAccounts ?? new Set<string>();

  async function messagesOf(period: { readonly from: string; readonly to: string }): Promise<RegulatorMessage[]> {
    const messages: RegulatorMessage[] = [];
    let after: LogPosition = START;
    for (;;) {
      const events = await store.readAll({ after, limit: READ_BATCH });
      for (const event of events) {
        const record = feedRecordOf(event);
        if (record === undefined || record.data.jurisdiction !== "yinchuan" || !inPeriod(record.data.occurredAt, period)) continue;
        const message = toRegulatorMessage(event.id, record.data);
        if (!namesTestAccount(message, testAccounts)) messages.push(message);
      }
      const last = events.at(-1);
      if (last !== undefined) after = last.position;
      if (events.length < READ_BATCH) return messages;
    }
  }

  return {
    async exportPreviousDay(): Promise<ExportOutcome> {
      const now = clock();
      const period = previousBeijingDay(now);
      const { day } = period;
      const profile = profileAt("yinchuan", day);
      const { bigDataExport } = profile.settings;
      if (bigDataExport.kind !== "smart_yinchuan") return { day, status: "NOT_REQUIRED" };
      const recorded = await store.readStream(exportStreamId(day));
      const done = recorded.find((event) => event.type === YINCHUAN_EXPORT_COMPLETED);
      if (done !== undefined) return { day, status: "ALREADY_EXPORTED", manifest: done.data as unknown as ExportManifest };

      const files = exportFiles(day, bigDataExport.recordTypes, await messagesOf(period));
      const manifest = exportManifest(files, sha256, { day, period: { from: period.from, to: period.to }, profileVersion: profile.version, generatedAt: now.toISOString() });
      const folder = join(dir, day);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      for (const file of files) await writeWhole(join(folder, file.fileName), file.content);
      await writeWhole(join(folder, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

      const correlationId = uuidv7(now.getTime());
      const metadata = { actorId: ACTOR, actorRole: "system", tenantId: "platform", correlationId, causationId: correlationId, occurredAt: now.toISOString(), profileVersion: profile.version };
      try {
        await store.append(exportStreamId(day), [{ id: uuidv7(now.getTime()), type: YINCHUAN_EXPORT_COMPLETED, schemaVersion: 1, data: { ...manifest, files: manifest.files.map((file) => ({ ...file })) }, metadata }], "no_stream");
      } catch (error) {
        // Another replica recorded the day first: its files are the same facts; the record stands.
        if (error instanceof WrongExpectedRevisionError) return { day, status: "ALREADY_EXPORTED", manifest };
        throw error;
      }
      logger.info({ code: "YINCHUAN_EXPORT_COMPLETED", day, files: manifest.files.map(({ recordType, count }) => ({ recordType, count })) }, "Yinchuan daily export written");
      return { day, status: "EXPORTED", manifest };
    },
  };
}
