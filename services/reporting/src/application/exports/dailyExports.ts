import type { EventStore } from "@ihp/eventsourcing";
import type { Lifecycle, Logger } from "@ihp/platform";
import { yinchuanExport } from "./yinchuanExport.js";

export interface DailyExportSettings {
  /** YINCHUAN_EXPORT_DIR; unset: no export runs. */
  readonly YINCHUAN_EXPORT_DIR?: string | undefined;
  /** How often the job looks for a day not exported yet; 0 turns the timer off. */
  readonly YINCHUAN_EXPORT_INTERVAL_MS: number;
}

/**
 * REP-08: the Smart Yinchuan export on a timer. Each tick exports the previous Beijing day unless it is recorded
 * already (so an hourly tick exports once a day, and a restart after midnight catches up); one run at a time; a
 * failed run is logged (YINCHUAN_EXPORT_FAILED) and the next tick retries. Returns the run, for tests and operators.
 */
export function registerDailyExports(lifecycle: Lifecycle, settings: DailyExportSettings, deps: { readonly store: () => EventStore; readonly clock: () => Date; readonly logger: Logger }) {
  const { logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const dir = settings.YINCHUAN_EXPORT_DIR;
  const run = () => {
    if (dir === undefined) return Promise.resolve(undefined);
    const next = running.then(() => yinchuanExport({ store: deps.store(), clock: deps.clock, logger, dir }).exportPreviousDay());
    running = next.catch(() => undefined);
    return next;
  };
  lifecycle.register("daily-exports", {
    start: () => {
      if (dir === undefined || settings.YINCHUAN_EXPORT_INTERVAL_MS === 0) return;
      timer = setInterval(() => {
        run().catch((error: unknown) => logger.error({ err: error, code: "YINCHUAN_EXPORT_FAILED" }, "Yinchuan daily export failed"));
      }, settings.YINCHUAN_EXPORT_INTERVAL_MS);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  });
  return { exportYinchuanPreviousDay: run };
}
