import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type EventStore, uuidv7, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { profileAt } from "@ihp/jurisdiction";
import { ACCESS_RECORDED, ACCESS_REFUSED, type Logger } from "@ihp/platform";
import { previousBeijingDay } from "../../domain/exports/yinchuanExport.js";
import { type SecurityRecord, type SecurityReport, securityReport } from "../../domain/exports/securityReport.js";

export const SECURITY_REPORT_WRITTEN = "SecurityReportWritten";

/** Where a service's security records for one Beijing day come from. */
export interface SecurityRecordSource {
  readonly service: string;
  records(day: string, period: { readonly from: string; readonly to: string }): Promise<readonly SecurityRecord[]>;
}

/**
 * Reporting's own trail: its audit stream of the day (`reporting-audit-<day>`), as ListAuditRecords would show it.
 * The other services keep theirs in their own logs; see the README for how they join.
 */
export function ownAuditSource(store: EventStore): SecurityRecordSource {
  return {
    service: "reporting",
    async records(day) {
      const text = (data: Readonly<Record<string, unknown>>, key: string): string => (typeof data[key] === "string" ? data[key] : "");
      return (await store.readStream(`reporting-audit-${day}`))
        .filter((event) => event.type === ACCESS_REFUSED || event.type === ACCESS_RECORDED)
        .map((event) => ({
          service: "reporting",
          occurredAt: event.metadata.occurredAt,
          action: text(event.data, "action"),
          outcome: event.type === ACCESS_REFUSED ? ("REFUSED" as const) : ("ALLOWED" as const),
          reasonCode: event.type === ACCESS_REFUSED ? text(event.data, "reason") : "",
          ruleId: text(event.data, "ruleId"),
          institutionId: event.metadata.tenantId,
        }));
    },
  };
}

export type SecurityReportOutcome =
  | { readonly day: string; readonly status: "WRITTEN" | "ALREADY_WRITTEN"; readonly report: SecurityReport }
  | { readonly day: string; readonly status: "NOT_REQUIRED" };

/**
 * XC-07 (Yinchuan art. 24): once per Beijing day, the report of the previous day's security events — counts by kind
 * (refusals, lockouts, step-ups, key events), by code, and minimized lines — written to `<dir>/<day>-security.json`
 * and recorded as SecurityReportWritten (the report itself: codes and ids only) in the day's stream, so a day is reported
 * once.
 */
export function securityReportJob(deps: { readonly store: EventStore; readonly clock: () => Date; readonly logger: Logger; readonly dir: string; readonly sources: readonly SecurityRecordSource[] }) {
  const { store, clock, logger, dir, sources } = deps;
  return {
    async reportPreviousDay(): Promise<SecurityReportOutcome> {
      const now = clock();
      const period = previousBeijingDay(now);
      const { day } = period;
      const profile = profileAt("yinchuan", day);
      if (!profile.settings.dailySecurityReport) return { day, status: "NOT_REQUIRED" };
      const streamId = `reporting-security-report-${day}`;
      const done = (await store.readStream(streamId)).find((event) => event.type === SECURITY_REPORT_WRITTEN);
      if (done !== undefined) return { day, status: "ALREADY_WRITTEN", report: done.data["report"] as unknown as SecurityReport };
      const records = (await Promise.all(sources.map((source) => source.records(day, period)))).flat();
      const report = securityReport(records, { day, period: { from: period.from, to: period.to }, profileVersion: profile.version, generatedAt: now.toISOString(), sources: sources.map((source) => source.service) });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${day}-security.json`);
      await writeFile(`${path}.partial`, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
      await rename(`${path}.partial`, path);
      const correlationId = uuidv7(now.getTime());
      const metadata = { actorId: "reporting-security-report", actorRole: "system", tenantId: "platform", correlationId, causationId: correlationId, occurredAt: now.toISOString(), profileVersion: profile.version };
      try {
        await store.append(streamId, [{ id: uuidv7(now.getTime()), type: SECURITY_REPORT_WRITTEN, schemaVersion: 1, data: { report: JSON.parse(JSON.stringify(report)) as Record<string, never> }, metadata }], "no_stream");
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) return { day, status: "ALREADY_WRITTEN", report };
        throw error;
      }
      logger.info({ code: "SECURITY_REPORT_WRITTEN", day, counts: report.counts }, "daily security report written");
      return { day, status: "WRITTEN", report };
    },
  };
}
