import { AuditOutcome, AuditServiceService } from "@ihp/contracts";
import { channelCredentials, fromGrpcError, type OwnedServiceClient, serviceClient } from "@ihp/platform";
import type { SecurityRecordSource } from "../application/exports/securityReportJob.js";
import type { SecurityRecord } from "../domain/exports/securityReport.js";

const CALL_MS = 10_000;
const PAGE = 200;
/** A day has a bounded number of records; a source that keeps paging past this is treated as failing. */
const MAX_PAGES = 10_000;

/** One configured service: the name the report shows and where its ihp.audit.v1.AuditService listens. */
export interface AuditSourceAddress {
  readonly service: string;
  /** host:port; a function when the address is known only once the service runs (the embedded mode). */
  readonly address: string | (() => string);
}

const ENTRY = /^([a-z][a-z0-9-]{0,62})=([^\s:=,]+:\d{1,5})$/;

/**
 * SECURITY_REPORT_SOURCES, `name=host:port,name=host:port`: the services whose audit trails the XC-07 daily report
 * reads. Empty: none besides reporting's own log. A malformed entry or a name given twice is a configuration error.
 */
export function parseSecurityReportSources(text: string | undefined): AuditSourceAddress[] {
  const sources: AuditSourceAddress[] = [];
  for (const entry of (text ?? "").split(",").map((part) => part.trim()).filter((part) => part !== "")) {
    const match = ENTRY.exec(entry);
    if (match === null) throw new Error(`SECURITY_REPORT_SOURCES: expected name=host:port, got ${JSON.stringify(entry)}`);
    const [, service = "", address = ""] = match;
    if (sources.some((source) => source.service === service)) throw new Error(`SECURITY_REPORT_SOURCES names ${service} twice`);
    sources.push({ service, address });
  }
  return sources;
}

/**
 * A service's audit trail for the security report, over its ListAuditRecords with reporting's own `security_report`
 * credential (every institution): every page of the day's records, minimized to what the report keeps. Any failure
 * — unreachable, refused, a page that does not end — rejects, and the job names the service as missing.
 */
export function grpcAuditSource(options: {
  readonly source: AuditSourceAddress;
  readonly token: () => Promise<string>;
  readonly caFile?: string | undefined;
}): SecurityRecordSource & { close(): void } {
  const { source } = options;
  let client: OwnedServiceClient<typeof AuditServiceService> | undefined;
  const open = (): OwnedServiceClient<typeof AuditServiceService> => {
    const address = typeof source.address === "string" ? source.address : source.address();
    const credentials = channelCredentials(options.caFile === undefined ? undefined : { caFile: options.caFile });
    client ??= serviceClient(AuditServiceService, address, credentials, { mapError: fromGrpcError });
    return client;
  };
  return {
    service: source.service,
    async records(_day, period) {
      const found: SecurityRecord[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < MAX_PAGES; pages += 1) {
        const request = { from: period.from, to: period.to, outcome: AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED, first: PAGE, after };
        const token = await options.token();
        const response = await open().listAuditRecords(request, { token, timeoutMs: CALL_MS });
        for (const record of response.records) {
          found.push({
            service: source.service,
            occurredAt: record.occurredAt,
            action: record.action,
            outcome: record.outcome === AuditOutcome.AUDIT_OUTCOME_REFUSED ? "REFUSED" : "ALLOWED",
            reasonCode: record.reasonCode ?? "",
            ruleId: record.ruleId ?? "",
            institutionId: record.institutionId ?? "",
          });
        }
        if (response.nextCursor === undefined) return found;
        after = response.nextCursor;
      }
      throw new Error(`${source.service}: the audit trail did not end after ${MAX_PAGES} pages`);
    },
    close() {
      client?.close();
    },
  };
}
