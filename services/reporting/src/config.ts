import { type Environment, loadConfig, serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

/**
 * The platform's variables (DATA_DIR, GRPC_PORT, NATS_URL, AUTH_MODE …; packages/platform/README.md) plus the
 * reporting service's own.
 */
export const reportingConfigSchema = serviceConfigSchema({
  /**
   * IDN-08: host:port of identity, asked whether a clinician filing an adverse-event report is in their current login
   * session (ClinicalAccessService.CheckSession). Until it answers, clinicians' reports are refused.
   */
  IDENTITY_GRPC_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port").default("127.0.0.1:50051"),
  /**
   * Deliveries of one source event (identity, consult, prescription, pharmacy) before its feed consumer gives up and
   * alerts (a licence change whose registration never arrives, a staff record the store cannot take). With the bus's default backoff (1 s doubling to 30 s) 20 deliveries span ~8 min.
   */
  FEED_MAX_DELIVER: z.coerce.number().int().min(1).max(1_000).default(20),
  /**
   * REP-07 / REP-05: how often open incident notification tasks and anomaly cases are checked against their deadlines. The shortest deadline
   * is 1 h, so a minute's lag is small; 0 turns the timer off (tests call the check themselves).
   */
  INCIDENT_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /**
   * REP-05: years of the national working-day calendar published after this release (JSON, see
   * @ihp/jurisdiction parseWorkingDayCalendars); unset: the built-in years only.
   */
  WORKING_DAY_CALENDAR_FILE: z.string().min(1).optional(),
  /**
   * REP-04 delivery: JSON file naming one channel per jurisdiction (adapter json-push, ningxia-xml, batch-file or
   * pull; endpoint; credentials file; retry policy) and the test accounts never sent (README "Regulator delivery").
   * Unset: nothing is delivered.
   */
  REGULATOR_DELIVERY_FILE: z.string().min(1).optional(),
  /** REP-04: how often push and batch channels deliver what is due; 0 turns the timer off (tests run rounds themselves). */
  REGULATOR_DELIVERY_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** REP-04: port of the delivery HTTP endpoint (pull regulators, replay command); unset: not served. 0 picks one. */
  REGULATOR_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /**
   * REP-08: folder of the daily Smart Yinchuan export (one sub-folder per Beijing day: a JSON-lines file per record
   * type, manifest.json with SHA-256 checksums); unset: no export. Only runs while the Yinchuan profile asks for it.
   */
  YINCHUAN_EXPORT_DIR: z.string().min(1).optional(),
  /**
   * XC-07: folder of the daily security report (`<day>-security.json`: refusals, lockouts, step-ups, key events of the
   * previous Beijing day, counts and minimized lines); unset: no report. Only while the Yinchuan profile asks for it.
   */
  SECURITY_REPORT_DIR: z.string().min(1).optional(),
  /**
   * XC-07: the services whose audit trails the daily security report reads, `name=host:port,…` (each one's
   * ihp.audit.v1.AuditService, with reporting's own `security_report` credential); reporting's own log is always read.
   * A source that cannot be read is named in the report and the day is retried.
   */
  SECURITY_REPORT_SOURCES: z
    .string()
    .regex(/^\s*[a-z][a-z0-9-]{0,62}=[^\s:=,]+:\d{1,5}\s*(,\s*[a-z][a-z0-9-]{0,62}=[^\s:=,]+:\d{1,5}\s*)*$/, "expected name=host:port,name=host:port")
    .optional(),
  /** REP-08 / XC-07: how often the daily jobs look for a previous day not done yet; 0 turns the timer off. */
  YINCHUAN_EXPORT_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
});

export type ReportingConfig = z.output<typeof reportingConfigSchema>;

/** Parses the environment once at start-up; throws ConfigError naming every bad variable. */
export function loadReportingConfig(env?: Environment): ReportingConfig {
  return loadConfig(reportingConfigSchema, env);
}
