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
 * Reporting's own audit stream of the day (`reporting-audit-<day>`, as ListAuditRecords would show it). Key events are
 * in it too: the service host records every key destruction and reissue as an audit record (service-host
 * keyEventAudit.ts), in every service — which is how the other services' key events reach the report through their
 * audit query.
 */
export function ownLogSource(store: EventStore): SecurityRecordSource {
  const text = (data: Readonly<Record<string, unknown>>, key: string): string => (typeof data[key] === "string" ? data[key] : "");
  return {
    service: "reporting",
    async records(day) {
      const audit = (await store.readStream(`reporting-audit-${day}`))
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
      return audit;
    },
  };
}

export type SecurityReportOutcome =
  | { readonly day: string; readonly status: "WRITTEN" | "ALREADY_WRITTEN" | "INCOMPLETE"; readonly report: SecurityReport }
  | { readonly day: string; readonly status: "NOT_REQUIRED" };

/**
 * XC-07 (Yinchuan art. 24): once per Beijing day, the report of the previous day's security events — counts by kind
 * (refusals, lockouts, step-ups, key events), by code, and minimized lines — written to `<dir>/<day>-security.json`
 * and recorded as SecurityReportWritten (the report itself: codes and ids only) in the day's stream, so a day is reported
 * once. A source that cannot be read is named in the file's `missingSources` (never a silent gap) and the day is not
 * recorded, so the next run retries it.
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
      const read = await Promise.allSettled(sources.map((source) => source.records(day, period)));
      const records = read.flatMap((result) => (result.status === "fulfilled" ? result.value : []));
      const missing = sources.filter((_source, index) => read[index]?.status === "rejected");
      for (const [index, result] of read.entries()) {
        if (result.status === "rejected") logger.warn({ code: "SECURITY_REPORT_SOURCE_UNAVAILABLE", day, source: sources[index]?.service, err: result.reason }, "a service's audit trail could not be read for the security report");
      }
      const report = securityReport(records, {
        day,
        period: { from: period.from, to: period.to },
        profileVersion: profile.version,
        generatedAt: now.toISOString(),
        sources: sources.filter((source) => !missing.includes(source)).map((source) => source.service),
        missingSources: missing.map((source) => source.service),
      });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${day}-security.json`);
      await writeFile(`${path}.partial`, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
      await rename(`${path}.partial`, path);
      // A gap is told in the file and the day stays open: the next run reads every source again.
      if (missing.length > 0) return { day, status: "INCOMPLETE", report };
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
