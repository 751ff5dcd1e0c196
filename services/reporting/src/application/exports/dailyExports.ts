import type { EventStore } from "@ihp/eventsourcing";
import type { Lifecycle, Logger } from "@ihp/platform";
import { ownLogSource, type SecurityRecordSource, securityReportJob } from "./securityReportJob.js";
import { yinchuanExport } from "./yinchuanExport.js";

export interface DailyExportSettings {
  /** YINCHUAN_EXPORT_DIR; unset: no export runs. */
  readonly YINCHUAN_EXPORT_DIR?: string | undefined;
  /** XC-07: SECURITY_REPORT_DIR; unset: no daily security report. */
  readonly SECURITY_REPORT_DIR?: string | undefined;
  /** How often the jobs look for a day not done yet; 0 turns the timer off. */
  readonly YINCHUAN_EXPORT_INTERVAL_MS: number;
}

/**
 * REP-08 and XC-07: the Smart Yinchuan export and the daily security report on one timer. Each tick does the previous
 * Beijing day unless it is recorded already (so an hourly tick does each once a day, and a restart after midnight
 * catches up); one run at a time; a failed run is logged (YINCHUAN_EXPORT_FAILED, SECURITY_REPORT_FAILED) and the
 * next tick retries. Returns the runs, for tests and operators.
 */
export function registerDailyExports(
  lifecycle: Lifecycle,
  settings: DailyExportSettings,
  deps: {
    readonly store: () => EventStore;
    readonly clock: () => Date;
    readonly logger: Logger;
    readonly testAccounts?: () => Promise<ReadonlySet<string>>;
    /** XC-07: the other services' audit trails (SECURITY_REPORT_SOURCES), read besides reporting's own log; closed on stop. */
    readonly securitySources?: readonly (SecurityRecordSource & { close(): void })[];
  },
) {
  const { logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const { YINCHUAN_EXPORT_DIR: exportDir, SECURITY_REPORT_DIR: reportDir } = settings;
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = running.then(work);
    running = next.catch(() => undefined);
    return next;
  };
  const exportDay = () =>
    exportDir === undefined ? Promise.resolve(undefined) : serial(async () => yinchuanExport({ store: deps.store(), clock: deps.clock, logger, dir: exportDir, testAccounts: await deps.testAccounts?.() }).exportPreviousDay());
  // Reporting's own log, then every configured service's trail over its audit query (README, XC-07).
  const reportDay = () =>
    reportDir === undefined
      ? Promise.resolve(undefined)
      : serial(() =>
          securityReportJob({ store: deps.store(), clock: deps.clock, logger, dir: reportDir, sources: [ownLogSource(deps.store()), ...(deps.securitySources ?? [])] }).reportPreviousDay(),
        );
  lifecycle.register("daily-exports", {
    start: () => {
      if ((exportDir === undefined && reportDir === undefined) || settings.YINCHUAN_EXPORT_INTERVAL_MS === 0) return;
      timer = setInterval(() => {
        exportDay().catch((error: unknown) => logger.error({ err: error, code: "YINCHUAN_EXPORT_FAILED" }, "Yinchuan daily export failed"));
        reportDay().catch((error: unknown) => logger.error({ err: error, code: "SECURITY_REPORT_FAILED" }, "daily security report failed"));
      }, settings.YINCHUAN_EXPORT_INTERVAL_MS);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
      for (const source of deps.securitySources ?? []) source.close();
    },
  });
  return { exportYinchuanPreviousDay: exportDay, reportSecurityPreviousDay: reportDay };
}
